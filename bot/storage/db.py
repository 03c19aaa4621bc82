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

from bot.core.untrusted import scrub

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
    (
        4,
        """
        -- chats that blocked the bot or removed it (403): skipped when sending to many
        CREATE TABLE blocked_chats (
            chat_id INTEGER PRIMARY KEY,
            at REAL NOT NULL
        );
        """,
    ),
    (
        2,
        """
        -- quiz (docs/QUIZ.md). Solo: the round being played and the last round's question
        -- ids per user. Events: deleted 30 days after they end. /forget deletes a user's rows.
        CREATE TABLE quiz_recent (
            user_id INTEGER PRIMARY KEY,
            question_ids TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE TABLE quiz_solo (
            user_id INTEGER PRIMARY KEY,
            lang TEXT NOT NULL,
            question_ids TEXT NOT NULL,
            position INTEGER NOT NULL,
            started_at REAL NOT NULL
        );
        CREATE TABLE quiz_events (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            owner_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            mode TEXT NOT NULL,
            time_limit INTEGER,
            question_ids TEXT NOT NULL,
            state TEXT NOT NULL,
            current INTEGER NOT NULL DEFAULT -1,
            current_open INTEGER NOT NULL DEFAULT 0,
            status_chat_id INTEGER,
            status_message_id INTEGER,
            created_at REAL NOT NULL,
            ended_at REAL
        );
        CREATE INDEX quiz_events_owner ON quiz_events(owner_id, state);
        CREATE TABLE quiz_rounds (
            event_id INTEGER NOT NULL REFERENCES quiz_events(id) ON DELETE CASCADE,
            qindex INTEGER NOT NULL,
            opened_at REAL NOT NULL,
            closed_at REAL,
            PRIMARY KEY (event_id, qindex)
        );
        CREATE TABLE quiz_participants (
            event_id INTEGER NOT NULL REFERENCES quiz_events(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            name TEXT,
            naming INTEGER NOT NULL DEFAULT 1,
            lang TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT -1,
            reachable INTEGER NOT NULL DEFAULT 1,
            joined_at REAL NOT NULL,
            PRIMARY KEY (event_id, user_id)
        );
        CREATE INDEX quiz_participants_user ON quiz_participants(user_id);
        CREATE TABLE quiz_polls (
            poll_id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            event_id INTEGER REFERENCES quiz_events(id) ON DELETE CASCADE,
            qindex INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            correct INTEGER NOT NULL,
            sent_at REAL NOT NULL,
            chosen INTEGER,
            answered_at REAL
        );
        CREATE INDEX quiz_polls_user ON quiz_polls(user_id);
        CREATE INDEX quiz_polls_event ON quiz_polls(event_id, qindex);
        """,
    ),
    (
        3,
        """
        -- content changes made by admins (docs/ADMIN.md): who, when, what, before/after;
        -- state_before/state_after hold the entry's overlay state, which /undo restores
        CREATE TABLE admin_changes (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            admin_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            summary TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            state_before TEXT,
            state_after TEXT,
            undoes INTEGER,
            undone_by INTEGER
        );
        CREATE INDEX admin_changes_entry ON admin_changes(entry_id, id);
        """,
    ),
    (
        5,
        """
        -- an audit row is written as pending before the overlay file, and marked done after
        -- it: a crash in between is settled at start (ContentEditor.settle in bot/app/editor.py)
        ALTER TABLE admin_changes ADD COLUMN pending INTEGER NOT NULL DEFAULT 0
        """,
    ),
    (
        14,  # talk to a person (issue #14; numbered after it, as #15 is)
        """
        -- talk to a person (docs/COUNSELLORS.md): routing only, never message text.
        -- AUTOINCREMENT: a case number is never reused after a case is deleted
        CREATE TABLE handoff_cases (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_chat_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            country TEXT,
            thread_id INTEGER,
            header_message_id INTEGER,
            urgent INTEGER NOT NULL DEFAULT 0,
            opened_at REAL NOT NULL,
            closed_at REAL
        );
        CREATE INDEX handoff_cases_user ON handoff_cases(user_chat_id, closed_at);
        CREATE INDEX handoff_cases_thread ON handoff_cases(thread_id);
        CREATE INDEX handoff_cases_closed ON handoff_cases(closed_at);
        -- which of the bot's messages in the counsellors' group belong to which case
        -- (a counsellor's reply to one of them is routed back)
        CREATE TABLE handoff_messages (
            group_message_id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES handoff_cases(id) ON DELETE CASCADE
        );
        CREATE INDEX handoff_messages_case ON handoff_messages(case_id);
        """,
    ),
    (
        15,  # (numbered after its issue, #15, so it cannot collide with a parallel branch's)
        """
        -- users of other channels than Telegram (LINE): the channel's own user id, keyed by
        -- channel and id, mapped to the integer user_id every other table uses (above 2**53,
        -- so never a Telegram id). /forget deletes the row (USER_TABLES).
        CREATE TABLE channel_users (
            user_id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (channel, external_id)
        );
        -- which channel a question came from (/missed and stats show it)
        ALTER TABLE unanswered ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
        ALTER TABLE asked ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
        """,
    ),
]


def coarse(t: float) -> float:
    """The hour, not the microsecond: an anonymous row (a question, which answer it got)
    must not be linkable by its time to a user's language tap (users.updated_at)."""
    return float(int(t) // 3600 * 3600)


UNANSWERED_PER_DAY = 2000  # rows kept per day; more is a flood, not questions to read


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


def backup(source: str | Path, target: str | Path) -> int:
    """Copy a live database with SQLite's online backup API; returns pages copied.

    Consistent even while the bot writes (WAL): readers see one snapshot."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise DatabaseError(f"no database at {source}")
    if not target.parent.is_dir():  # a typo in the path must not create a new tree quietly
        raise DatabaseError(f"the folder {target.parent} does not exist: create it first")
    tmp = target.with_name(target.name + ".part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=256)
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"backup failed its integrity check: {ok}")
    tmp.replace(target)
    return pages


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
        """Delete every record tied to this user id. The audit log of content changes is
        kept (the edits stay live): there the id becomes a negative pseudonym, one per
        forgotten admin, so changes stay attributable to "the same person" and undoable."""
        with self.lock:
            self.conn.execute("BEGIN")
            for table, col in USER_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE {col} = ?", (user_id,))
            for table, col in PSEUDONYMISED_TABLES:
                low = self.conn.execute(f"SELECT MIN({col}) FROM {table}").fetchone()[0]
                pseudonym = min(low or 0, 0) - 1
                self.conn.execute(
                    f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (pseudonym, user_id)
                )
            self.conn.execute("COMMIT")

    # anonymous records
    def add_feedback(self, entry_id: str, helpful: bool) -> None:
        self._exec(
            "INSERT INTO feedback (entry_id, helpful, at) VALUES (?, ?, ?)",
            (entry_id, int(helpful), self.clock()),
        )

    def add_unanswered(self, text: str, lang: str, channel: str = "telegram") -> None:
        """Kept at most UNANSWERED_PER_DAY a (UTC) day: a flood of junk cannot fill the disk
        or bury the questions staff need to read."""
        now = coarse(self.clock())
        day_start = now // 86400 * 86400
        with self.lock:
            today = self.conn.execute(
                "SELECT COUNT(*) FROM unanswered WHERE at >= ?", (day_start,)
            ).fetchone()[0]
            if today >= UNANSWERED_PER_DAY:
                return
            self.conn.execute(
                "INSERT INTO unanswered (text, lang, at, channel) VALUES (?, ?, ?, ?)",
                (scrub(text), lang, now, channel),
            )

    def add_asked(
        self, entry_id: str | None, decision: str, lang: str, channel: str = "telegram"
    ) -> None:
        self._exec(
            "INSERT INTO asked (entry_id, decision, lang, at, channel) VALUES (?, ?, ?, ?, ?)",
            (entry_id, decision, lang, coarse(self.clock()), channel),
        )

    # chats that cannot be reached (403)
    def mark_blocked(self, chat_id: int) -> None:
        self._exec(
            "INSERT INTO blocked_chats (chat_id, at) VALUES (?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET at = excluded.at",
            (chat_id, self.clock()),
        )

    def unblock(self, chat_id: int) -> None:
        self._exec("DELETE FROM blocked_chats WHERE chat_id = ?", (chat_id,))

    def is_blocked(self, chat_id: int) -> bool:
        row = self._exec("SELECT 1 FROM blocked_chats WHERE chat_id = ?", (chat_id,)).fetchone()
        return row is not None

    def purge_older_than(self, days: float) -> dict[str, int]:
        """Delete anonymous records older than `days` (the retention period)."""
        cutoff = self.clock() - days * 86400
        deleted = {}
        with self.lock:
            self.conn.execute("BEGIN")
            for table, col in ANONYMOUS_TABLES:
                cur = self.conn.execute(f"DELETE FROM {table} WHERE {col} < ?", (cutoff,))
                deleted[table] = cur.rowcount
            self.conn.execute("COMMIT")
        return deleted

    def writable(self) -> bool:
        """Can we write? (health check; nothing is left behind)"""
        try:
            with self.lock:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute("ROLLBACK")
            return True
        except sqlite3.Error:
            return False

    def unanswered(self, limit: int = 100) -> list[sqlite3.Row]:
        return self._exec(
            "SELECT text, lang, at, channel FROM unanswered ORDER BY at DESC LIMIT ?", (limit,)
        ).fetchall()

    def count(self, table: str) -> int:
        assert table in ALL_TABLES
        return self._exec(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# Tables holding a user id, and the column: /forget deletes from each.
USER_TABLES: list[tuple[str, str]] = [("users", "user_id"), ("blocked_chats", "chat_id")]
# quiz: a user's rounds, answers and event places; a facilitator's events (with their
# participants and answers, by ON DELETE CASCADE)
USER_TABLES += [
    ("quiz_recent", "user_id"),
    ("quiz_solo", "user_id"),
    ("quiz_polls", "user_id"),
    ("quiz_participants", "user_id"),
    ("quiz_events", "owner_id"),
]
# Tables without user ids whose rows are deleted after the retention period.
ANONYMOUS_TABLES: list[tuple[str, str]] = [
    ("unanswered", "at"),
    ("asked", "at"),
    ("feedback", "at"),
]
# The audit log of content changes carries the admin's id (docs/ADMIN.md). It is not the
# admin's personal data to erase while their edits stay live: /forget replaces the id with
# a pseudonym (a negative number) instead of deleting the rows.
PSEUDONYMISED_TABLES: list[tuple[str, str]] = [("admin_changes", "admin_id")]
# a LINE user's id (bot/storage/channels.py)
USER_TABLES += [("channel_users", "user_id")]
# talk to a person: a user's cases (their routed message ids go by ON DELETE CASCADE)
USER_TABLES += [("handoff_cases", "user_chat_id")]
ALL_TABLES = {"users", "feedback", "unanswered", "asked", "blocked_chats"}
