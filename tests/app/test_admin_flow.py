"""The admin's edit dialogue as a state machine, driven directly (no Telegram)."""

from __future__ import annotations

from bot.app.admin_flow import AdminFlow, Chart
from bot.app.editor import ContentEditor
from bot.app.runtime import Runtime, load_live
from bot.core.callbacks import AdminMissedAdd, AdminMissedAsIs, AdminSave, Callback, decode, encode
from bot.storage.db import Store, connect

ADMIN = 999
ODD = "zebra crossing permit for korea work"  # a question the bot cannot answer


def _flow(content_copy, tmp_path, loaded) -> AdminFlow:
    store = Store(connect(tmp_path / "bot.sqlite3"))
    services = Runtime(load_live(content_copy, previous=loaded), store, frozenset({ADMIN}))
    return AdminFlow(services, ContentEditor(services, clock=lambda: 1_800_000_000.0))


def _text(outs) -> str:
    return "\n".join(o.as_plain_text() for o in outs if not isinstance(o, Chart))


def test_add_variant_asks_previews_and_saves_only_on_confirm(content_copy, tmp_path, loaded):
    flow = _flow(content_copy, tmp_path, loaded)
    asked = flow.button(ADMIN, decode("ad:q:en:kr-eps"), "en")
    assert asked and flow.awaiting(ADMIN)
    preview = flow.text(ADMIN, ODD, "en")
    assert "Save this change?" in _text(preview) and not flow.awaiting(ADMIN)
    assert flow.services.dialogue.on_text(ODD, "en").events[-1].kind == "unanswered"
    assert "out of date" in _text(flow.button(ADMIN, decode("ad:ok:7"), "en"))  # another preview's
    saved = flow.button(ADMIN, decode("ad:ok:1"), "en")
    assert "#1" in _text(saved)
    assert flow.services.dialogue.on_text(ODD, "en").events[0].data["entry"] == "kr-eps"
    assert "out of date" in _text(flow.button(ADMIN, decode("ad:ok:1"), "en"))  # saved once only


def test_cancel_and_unknown_buttons(content_copy, tmp_path, loaded):
    flow = _flow(content_copy, tmp_path, loaded)
    flow.button(ADMIN, decode("ad:a:en:kr-eps"), "en")
    assert "Nothing was changed" in _text(flow.command(ADMIN, "cancel", "", "en"))
    assert not flow.awaiting(ADMIN)
    assert "old or unknown" in _text(flow.button(ADMIN, decode("ad:zz:1"), "en"))


def test_new_entry_that_is_not_yaml_is_explained(content_copy, tmp_path, loaded):
    flow = _flow(content_copy, tmp_path, loaded)
    intro = flow.command(ADMIN, "newentry", "", "en")
    assert len(intro) == 2 and flow.wants_entry(ADMIN)
    assert "not valid YAML" in _text(flow.text(ADMIN, "id: [unclosed", "en"))
    assert flow.wants_entry(ADMIN)  # still waiting for a good one


def test_stats_gives_text_and_a_chart(content_copy, tmp_path, loaded):
    flow = _flow(content_copy, tmp_path, loaded)
    outs = flow.command(ADMIN, "stats", "", "en")
    assert "Statistics" in _text(outs)
    chart = [o for o in outs if isinstance(o, Chart)]
    assert chart and chart[0].png.startswith(b"\x89PNG")


# --- /missed: the admin chooses the text that is added (issue 13, finding 10) ---------------
PERSONAL = "my boss somchai took my passport call me 020 5555 1234"


def _missed_flow(content_copy, tmp_path, loaded) -> AdminFlow:
    t = 1_800_000_000.0
    store = Store(connect(tmp_path / "bot.sqlite3"), clock=lambda: t)
    services = Runtime(load_live(content_copy, previous=loaded), store, frozenset({ADMIN}))
    store.add_unanswered(PERSONAL, "en")
    return AdminFlow(services, ContentEditor(services, clock=lambda: t + 60))


def _buttons(outs) -> list[Callback]:
    return [b.data for o in outs if not isinstance(o, Chart) for r in o.buttons for b in r]


def _missed_add(flow) -> AdminMissedAdd:
    """The first "add to this entry" button of /missed."""
    listed = flow.command(ADMIN, "missed", "", "en")
    return next(d for d in _buttons(listed) if isinstance(d, AdminMissedAdd))


def _saved_texts(flow) -> str:
    overlay = flow.editor.overlay_path.read_text(encoding="utf-8")
    audit = flow.services.store.conn.execute("SELECT summary, new_value FROM admin_changes")
    return overlay + "\n".join(f"{s} {v}" for s, v in audit.fetchall())


def test_missed_question_is_added_only_as_the_text_the_admin_sends(content_copy, tmp_path, loaded):
    flow = _missed_flow(content_copy, tmp_path, loaded)
    add = _missed_add(flow)
    target = add.entry_id
    asked = flow.button(ADMIN, add, "en")
    # the question is shown to choose from, not previewed for saving
    assert "Send the question as it should be added" in _text(asked)
    assert "not a phone number" in _text(asked)  # the hint: it holds a long number
    assert PERSONAL in _text(asked) and "Save this change?" not in _text(asked)
    assert flow.awaiting(ADMIN)
    assert all(len(encode(d).encode()) <= 64 for d in _buttons(asked))
    preview = flow.text(ADMIN, "boss keeps my passport at the farm", "en")
    assert "Add the question “boss keeps my passport at the farm” (English)" in _text(preview)
    assert "Save this change?" in _text(preview)
    flow.button(ADMIN, AdminSave(1), "en")
    saved = _saved_texts(flow)
    assert "boss keeps my passport at the farm" in saved
    assert "5555" not in saved and "somchai" not in saved.lower()
    match = flow.services.dialogue.matcher.match("boss keeps my passport at the farm")
    assert match.id == target


def test_missed_question_use_as_is_is_the_admins_choice(content_copy, tmp_path, loaded):
    flow = _missed_flow(content_copy, tmp_path, loaded)
    add = _missed_add(flow)
    use = next(d for d in _buttons(flow.button(ADMIN, add, "en")) if isinstance(d, AdminMissedAsIs))
    assert "Save this change?" in _text(flow.button(ADMIN, use, "en"))
    assert not flow.awaiting(ADMIN)
    flow.button(ADMIN, AdminSave(1), "en")
    assert "020 5555 1234" in _saved_texts(flow)  # chosen, so added as asked


def test_missed_question_cancelled_adds_nothing(content_copy, tmp_path, loaded):
    flow = _missed_flow(content_copy, tmp_path, loaded)
    add = _missed_add(flow)
    flow.button(ADMIN, add, "en")
    assert "Nothing was changed" in _text(flow.command(ADMIN, "cancel", "", "en"))
    assert not flow.awaiting(ADMIN)
    assert not flow.editor.overlay_path.exists()
    assert flow.services.store.conn.execute("SELECT COUNT(*) FROM admin_changes").fetchone()[0] == 0
