"""The content editor and admin reports, driven directly (no Telegram): the same steps an
admin takes with /edit, /undo and /missed, with the clock passed in."""

from __future__ import annotations

from bot.app import admin as reports
from bot.app.editor import ContentEditor
from bot.app.runtime import Runtime, load_live
from bot.core import admin as core
from bot.storage.db import Store, connect

ADMIN = 999
ODD = "zebra crossing permit for korea work"  # a question the bot cannot answer
NOW = 1_800_000_000.0


def _editor(content_copy, tmp_path, loaded) -> ContentEditor:
    store = Store(connect(tmp_path / "bot.sqlite3"))
    services = Runtime(load_live(content_copy, previous=loaded), store, frozenset({ADMIN}))
    return ContentEditor(services, clock=lambda: NOW)


def test_added_variant_is_previewed_saved_served_and_undone(content_copy, tmp_path, loaded):
    editor = _editor(content_copy, tmp_path, loaded)
    services = editor.services
    assert services.dialogue.on_text(ODD, "en").events[-1].kind == "unanswered"
    edit = core.Edit(core.ADD_VARIANT, "kr-eps", "en", ODD)

    replies, refused = editor.preview(edit, "en", nonce=1)
    assert refused is None
    assert "Save this change?" in replies[-1].text
    assert services.dialogue.on_text(ODD, "en").events[-1].kind == "unanswered"  # not yet

    outcome = editor.commit(edit, ADMIN)
    assert outcome.ok and outcome.change_id == 1
    turn = services.dialogue.on_text(ODD, "en")
    assert turn.events[0].data["entry"] == "kr-eps"  # served at once, no restart
    assert (content_copy / "overlay.yaml").exists()

    undone = editor.undo(None, ADMIN)
    assert undone.ok
    assert services.dialogue.on_text(ODD, "en").events[-1].kind == "unanswered"
    assert services.loaded.content.entries == loaded.content.entries


def test_an_edit_that_breaks_content_is_refused_and_nothing_is_written(
    content_copy, tmp_path, loaded
):
    editor = _editor(content_copy, tmp_path, loaded)
    before = editor.services.loaded
    outcome = editor.commit(core.Edit(core.REPLACE_ANSWER, "kr-eps", "en", "  "), ADMIN)
    assert not outcome.ok
    assert editor.services.loaded is before
    assert not (content_copy / "overlay.yaml").exists()


def test_missed_report_groups_unanswered_questions_until_answered(content_copy, tmp_path, loaded):
    editor = _editor(content_copy, tmp_path, loaded)
    services = editor.services
    for _ in range(3):
        services.apply(1, services.dialogue.on_text(ODD, "en"))
    groups = reports.missed_groups(services, services.store.clock() + 60, days=30)
    assert [g.count for g in groups] == [3]
    editor.commit(core.Edit(core.ADD_VARIANT, "kr-eps", "en", ODD), ADMIN)
    assert reports.missed_groups(services, services.store.clock() + 60, days=30) == []
