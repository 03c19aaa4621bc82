"""The audit log of content changes outlives an admin's /forget (issue #13, finding 2):
the edits stay live, so who-changed-what must stay visible and undoable, under a
pseudonym instead of the admin's Telegram id."""

from __future__ import annotations

from bot.core import admin as A
from bot.core.admin import replies as ui
from bot.storage import admin as db
from bot.storage.db import Store, connect


def test_forget_keeps_an_admins_changes_under_a_pseudonym(tmp_path):
    store = Store(connect(tmp_path / "db.sqlite3"))
    first = db.record_change(store, admin_id=7, kind=A.ADD_VARIANT, entry_id="e", summary="a")
    db.record_change(store, admin_id=8, kind=A.ADD_VARIANT, entry_id="e", summary="b")
    db.record_change(store, admin_id=7, kind=A.ADD_VARIANT, entry_id="f", summary="c")
    store.forget_user(7)
    rows = db.recent_changes(store)
    assert [r["summary"] for r in rows] == ["c", "b", "a"]  # nothing erased
    ids = [r["admin_id"] for r in rows]
    assert 7 not in ids and ids[1] == 8
    assert ids[0] == ids[2] < 0  # one pseudonym for both of the admin's changes
    assert db.last_undoable(store)["summary"] == "c"
    assert db.get_change(store, first)["summary"] == "a"
    assert "7" not in ui.changes_reply(rows, "en").text.replace("#", "").split("·")[1]


def test_a_second_forgotten_admin_gets_another_pseudonym(tmp_path):
    store = Store(connect(tmp_path / "db.sqlite3"))
    db.record_change(store, admin_id=7, kind=A.ADD_VARIANT, entry_id="e", summary="a")
    db.record_change(store, admin_id=8, kind=A.ADD_VARIANT, entry_id="e", summary="b")
    store.forget_user(7)
    store.forget_user(8)
    ids = [r["admin_id"] for r in db.recent_changes(store)]
    assert len(set(ids)) == 2 and all(i < 0 for i in ids)
