"""Admin storage: atomic writes survive a crash, the audit log rolls back with a failed
write, and stats read exactly what was recorded."""

from __future__ import annotations

import os

import pytest

from bot.core import admin as A
from bot.storage import admin as db
from bot.storage.db import Store, connect
from tests.clock import Clock

DAY = 86400.0


@pytest.fixture
def store(tmp_path):
    return Store(connect(tmp_path / "bot.sqlite3"), clock=Clock(1_800_000_000.0))


@pytest.mark.parametrize("fail", ["replace", "fsync"])
def test_a_crash_while_writing_leaves_the_old_file_whole(tmp_path, monkeypatch, fail):
    path = tmp_path / "overlay.yaml"
    path.write_text("changes: {}\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(db.os, fail, boom)
    with pytest.raises(OSError):
        db.atomic_write(path, "changes:\n  kr-eps: {}\n")
    assert path.read_text(encoding="utf-8") == "changes: {}\n"
    assert sorted(os.listdir(tmp_path)) == ["overlay.yaml"]  # no temporary file left


def test_atomic_write_replaces_and_empty_text_removes(tmp_path):
    path = tmp_path / "overlay.yaml"
    db.atomic_write(path, "a: 1\n")
    assert path.read_text(encoding="utf-8") == "a: 1\n"
    db.atomic_write(path, "")
    assert not path.exists()
    db.atomic_write(path, "")  # removing what is not there is fine


def test_a_failed_write_rolls_the_audit_row_back(store):
    def write():
        raise OSError("no space")

    with pytest.raises(OSError):
        db.record_change(store, admin_id=1, kind="x", entry_id="kr-eps", summary="s", write=write)
    assert db.recent_changes(store) == []


def test_undo_marks_and_undoing_an_undo_brings_the_change_back(store):
    first = db.record_change(store, admin_id=1, kind=A.ADD_VARIANT, entry_id="e", summary="a")
    undo = db.record_change(store, admin_id=1, kind="undo", entry_id="e", summary="u", undoes=first)
    assert db.get_change(store, first)["undone_by"] == undo
    assert db.last_undoable(store) is None
    redo = db.record_change(store, admin_id=1, kind="undo", entry_id="e", summary="r", undoes=undo)
    assert db.get_change(store, undo)["undone_by"] == redo
    assert db.get_change(store, first)["undone_by"] is None
    assert db.last_undoable(store)["id"] == first


def test_stats_from_recorded_events_match(store):
    clock = store.clock
    now = clock.now
    for days, entry, decision, lang in [
        (1, "kr-eps", "answer", "lo"),
        (2, "kr-eps", "answer", "en"),
        (5, None, "none", "lo"),
        (12, "th-costs", "suggest", "en"),
        (45, "kr-eps", "answer", "lo"),
    ]:
        clock.now = now - days * DAY
        store.add_asked(entry, decision, lang)
    clock.now = now - DAY
    store.add_feedback("kr-eps", True)
    store.add_feedback("kr-eps", False)
    clock.now = now
    since = now - 30 * DAY
    asked, fb = db.asked_since(store, since), db.feedback_since(store, since)
    s7 = A.compute_stats(asked, fb, db.quiz_plays_since(store, since), now, 7)
    s30 = A.compute_stats(asked, fb, [], now, 30)
    assert (s7.asked, s30.asked) == (3, 4)
    assert s7.decisions == {"answer": 2, "suggest": 0, "none": 1}
    assert s30.decisions == {"answer": 2, "suggest": 1, "none": 1}
    assert s30.feedback == {"kr-eps": (1, 1)}
    assert s7.quiz_plays == 0


def test_quiz_plays_count_rounds_begun(store):
    now = store.clock.now
    rows = [("p1", 0, now - DAY), ("p2", 1, now - DAY), ("p3", 0, now - 3 * DAY)]
    for poll, qindex, at in rows:
        store.conn.execute(
            "INSERT INTO quiz_polls (poll_id, user_id, qindex, question_id, correct, sent_at) "
            "VALUES (?, 1, ?, 'q', 0, ?)",
            (poll, qindex, at),
        )
    assert sorted(db.quiz_plays_since(store, now - 2 * DAY)) == [now - DAY]


def test_unanswered_rows_newest_first_and_limited(store):
    for i in range(5):
        store.clock.now += 10
        store.add_unanswered(f"q{i}", "en")
    rows = db.unanswered_since(store, 0, 3)
    assert [r[0] for r in rows] == ["q4", "q3", "q2"]
