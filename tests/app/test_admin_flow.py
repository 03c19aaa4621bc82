"""The admin's edit dialogue as a state machine, driven directly (no Telegram)."""

from __future__ import annotations

from bot.app.admin_flow import AdminFlow, Chart
from bot.app.editor import ContentEditor
from bot.app.runtime import Runtime, load_live
from bot.core.callbacks import decode
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
