"""Privacy details (issue #13, finding 10): anonymous rows carry the hour, not the
microsecond, so they cannot be linked by time to a user's language tap; a question
added from /missed is not copied into the audit summary."""

from __future__ import annotations

from bot.core import admin as A
from bot.storage.db import Store, connect


def test_unanswered_and_asked_times_are_whole_hours(tmp_path):
    t = 1_800_000_000.123456 + 1234.5
    store = Store(connect(tmp_path / "db.sqlite3"), clock=lambda: t)
    store.add_unanswered("zzqx", "en")
    store.add_asked("kr-eps", "answer", "en")
    store.set_lang(7, "lo")
    for table in ("unanswered", "asked"):
        (at,) = store.conn.execute(f"SELECT at FROM {table}").fetchone()
        assert at % 3600 == 0 and t - 3600 < at <= t, (table, at)


def test_audit_summary_of_an_added_question_does_not_copy_the_text():
    edit = A.Edit(
        A.ADD_VARIANT, "kr-eps", "en", "my boss Somchai at 020 5555 1234 took my passport"
    )
    summary = A.describe(edit)
    assert "kr-eps" in summary and "Somchai" not in summary and "5555" not in summary
