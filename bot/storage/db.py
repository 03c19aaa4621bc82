"""SQLite through the standard library: connect(), numbered migrations, WAL mode.

Each migration runs once, in a transaction, and is recorded in schema_migrations,
so a database from an older version is brought up to date at start.
What is stored and why: PRIVACY.md. Nothing here pairs a question's text with
the person who asked it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE users (
            user_id INTEGER PRIMARY KEY,
            lang TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        -- feedback and questions are kept WITHOUT user ids (privacy: PRIVACY.md)
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            at REAL NOT NULL
        );
        CREATE TABLE unanswered (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            lang TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE TABLE asked (
            id INTEGER PRIMARY KEY,
            entry_id TEXT,
            decision TEXT NOT NULL,
            lang TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX asked_at ON asked(at);
        CREATE INDEX unanswered_at ON unanswered(at);
        CREATE INDEX feedback_at ON feedback(at);
        """,
    ),
]


class DatabaseError(Exception):
    """The database cannot be opened or is corrupt; the message says what to do."""


def connect(
    path: str | Path, migrations: list[tuple[int, str]] | None = None
) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database. WAL mode, foreign keys on."""
    path = str(path)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA quick_check").fetchone()
        migrate(conn, migrations or MIGRATIONS)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"cannot use the database {path}: {exc}. Restore it from a backup "
            "(deploy/README.md) or move it away to start with an empty one."
        ) from exc
    return conn


def migrate(conn: sqlite3.Connection, migrations: list[tuple[int, str]]) -> list[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)"
    )
    done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for version, sql in sorted(migrations):
        if version in done:
            continue
        conn.execute("BEGIN")
        try:
            for stmt in sql.split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, time.time()))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


class Store:
    """Small functions per table. One connection, serialised by a lock (the bot is
    one process; SQLite WAL lets a backup read while it writes)."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time):
        self.conn = conn
        self.clock = clock
        self.lock = threading.Lock()

    def _exec(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.conn.execute(sql, params)

    # users
    def get_lang(self, user_id: int) -> str | None:
        row = self._exec("SELECT lang FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return row[0] if row else None

    def set_lang(self, user_id: int, lang: str) -> None:
        self._exec(
            "INSERT INTO users (user_id, lang, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
            (user_id, lang, self.clock()),
        )

    def forget_user(self, user_id: int) -> None:
        """Delete every record tied to this user id."""
        with self.lock:
            self.conn.execute("BEGIN")
            for table, col in USER_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE {col} = ?", (user_id,))
            self.conn.execute("COMMIT")

    # anonymous records
    def add_feedback(self, entry_id: str, helpful: bool) -> None:
        self._exec(
            "INSERT INTO feedback (entry_id, helpful, at) VALUES (?, ?, ?)",
            (entry_id, int(helpful), self.clock()),
        )

    def add_unanswered(self, text: str, lang: str) -> None:
        self._exec(
            "INSERT INTO unanswered (text, lang, at) VALUES (?, ?, ?)", (text, lang, self.clock())
        )

    def add_asked(self, entry_id: str | None, decision: str, lang: str) -> None:
        self._exec(
            "INSERT INTO asked (entry_id, decision, lang, at) VALUES (?, ?, ?, ?)",
            (entry_id, decision, lang, self.clock()),
        )

    def unanswered(self, limit: int = 100) -> list[sqlite3.Row]:
        return self._exec(
            "SELECT text, lang, at FROM unanswered ORDER BY at DESC LIMIT ?", (limit,)
        ).fetchall()

    def count(self, table: str) -> int:
        assert table in ALL_TABLES
        return self._exec(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# Tables holding a user id, and the column: /forget deletes from each.
USER_TABLES: list[tuple[str, str]] = [("users", "user_id")]
ALL_TABLES = {"users", "feedback", "unanswered", "asked"}
