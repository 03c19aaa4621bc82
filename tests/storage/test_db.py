"""Storage: migrations, retention, /forget, backup while writing, bad databases."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.storage.db import (
    ANONYMOUS_TABLES,
    MIGRATIONS,
    USER_TABLES,
    DatabaseError,
    Store,
    backup,
    connect,
)

DAY = 86400.0


@pytest.fixture
def fresh_db(tmp_path):
    return connect(tmp_path / "bot.sqlite3")


def test_migrations_recorded_and_idempotent(tmp_path):
    path = tmp_path / "db.sqlite3"
    connect(path).close()
    conn = connect(path)  # second start: nothing applied twice
    versions = [
        r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")
    ]
    assert versions == sorted(v for v, _ in MIGRATIONS)


def test_database_from_an_older_version_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    connect(path, MIGRATIONS[:1]).close()  # as written by version 1 of the bot
    conn = connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "blocked_chats" in tables


def test_corrupt_database_is_reported_clearly(tmp_path):
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="Restore it from a backup"):
        connect(path)


def test_retention_deletes_old_anonymous_rows_and_keeps_new(fresh_db):
    now = [1_000 * DAY]
    store = Store(fresh_db, clock=lambda: now[0])
    for days_ago in (200, 181, 179, 1):
        now[0] = 1_000 * DAY - days_ago * DAY
        store.add_unanswered(f"q{days_ago}", "en")
        store.add_asked("th-costs", "answer", "en")
        store.add_feedback("th-costs", True)
    now[0] = 1_000 * DAY
    store.set_lang(1, "lo")
    deleted = store.purge_older_than(180)
    assert deleted == {"unanswered": 2, "asked": 2, "feedback": 2}
    assert [r["text"] for r in store.unanswered()] == ["q1", "q179"]
    assert store.get_lang(1) == "lo"  # user choices are not anonymous records


def test_forget_leaves_nothing_about_the_user(fresh_db):
    store = Store(fresh_db)
    store.set_lang(7, "en")
    store.mark_blocked(7)
    store.set_lang(8, "lo")
    store.forget_user(7)
    for table, col in USER_TABLES:
        assert fresh_db.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} = 7").fetchone()[0] == 0
    assert store.get_lang(8) == "lo"


def test_every_table_with_a_user_column_is_forgotten(fresh_db):
    """A new table holding user or chat ids must be listed in USER_TABLES."""
    listed = {t for t, _ in USER_TABLES}
    anonymous = {t for t, _ in ANONYMOUS_TABLES}
    for (table,) in fresh_db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        cols = {r[1] for r in fresh_db.execute(f"PRAGMA table_info({table})")}
        if cols & {"user_id", "chat_id", "telegram_id"}:
            assert table in listed, f"{table} holds user ids but /forget does not clear it"
        assert not (table in anonymous and cols & {"user_id", "chat_id"})


def test_backup_while_writes_happen_gives_a_valid_database(tmp_path):
    path = tmp_path / "live.sqlite3"
    store = Store(connect(path))
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            store.add_asked("th-costs", "answer", "en")
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        for _ in range(200):
            store.add_unanswered("x", "en")
        pages = backup(path, tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        t.join()
    assert pages > 0
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM unanswered").fetchone()[0] == 200
    assert copy.execute("SELECT COUNT(*) FROM asked").fetchone()[0] > 0


def test_backup_cli(tmp_path):
    from bot.cli import main

    path = tmp_path / "db.sqlite3"
    Store(connect(path)).set_lang(1, "en")
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--db", str(path)]) == 0
    assert main(["backup", str(tmp_path / "c.sqlite3"), "--db", str(tmp_path / "missing.db")]) == 1


def test_writable_health(fresh_db):
    assert Store(fresh_db).writable()
