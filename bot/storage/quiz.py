"""Quiz tables (migration 2): solo rounds, events, participants, polls sent and answers.

Everything an event needs lives here, so a restarted bot carries on: a poll id from a
poll_answer update maps back to its round or event. What is kept and for how long:
docs/QUIZ.md. /forget deletes a user's rows (USER_TABLES in db.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.core.quiz import NAMING_ASKED, NAMING_NONE, EventState, PollRecord
from bot.storage.db import Store

EVENT_KEEP_DAYS = 30  # ended events (participants, answers) are deleted after this


@dataclass(frozen=True)
class EventRow:
    id: int
    code: str
    title: str
    owner_id: int
    chat_id: int
    lang: str
    mode: str
    time_limit: int | None
    question_ids: tuple[str, ...]
    state: str
    current: int
    current_open: bool
    status_chat_id: int | None
    status_message_id: int | None

    @property
    def machine(self) -> EventState:
        return EventState(
            self.state, self.mode, len(self.question_ids), self.current, self.current_open
        )


@dataclass(frozen=True)
class Participant:
    event_id: int
    user_id: int
    number: int
    name: str | None
    naming: bool  # asked to set a name: the next text is the name proposed
    lang: str
    position: int
    reachable: bool


@dataclass(frozen=True)
class PollRow:
    poll_id: str
    user_id: int
    event_id: int | None
    record: PollRecord


def _ids(text: str) -> tuple[str, ...]:
    return tuple(i for i in text.split(",") if i)


def _event(r: sqlite3.Row) -> EventRow:
    return EventRow(
        r["id"],
        r["code"],
        r["title"],
        r["owner_id"],
        r["chat_id"],
        r["lang"],
        r["mode"],
        r["time_limit"],
        _ids(r["question_ids"]),
        r["state"],
        r["current"],
        bool(r["current_open"]),
        r["status_chat_id"],
        r["status_message_id"],
    )


def _participant(r: sqlite3.Row) -> Participant:
    return Participant(
        r["event_id"],
        r["user_id"],
        r["number"],
        r["name"],
        r["naming"] == NAMING_ASKED,
        r["lang"],
        r["position"],
        bool(r["reachable"]),
    )


def _poll(r: sqlite3.Row) -> PollRow:
    rec = PollRecord(
        r["qindex"], r["question_id"], r["correct"], r["sent_at"], r["chosen"], r["answered_at"]
    )
    return PollRow(r["poll_id"], r["user_id"], r["event_id"], rec)


class QuizStore:
    """Small functions per quiz table over the bot's Store (one connection, one lock)."""

    def __init__(self, store: Store):
        self.store = store

    def _exec(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self.store.lock:
            return self.store.conn.execute(sql, params)

    def _all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self.store.lock:
            return self.store.conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        with self.store.lock:
            return self.store.conn.execute(sql, params).fetchone()

    @contextmanager
    def _tx(self, begin: str = "BEGIN") -> Iterator[sqlite3.Connection]:
        """One transaction under the store's lock; rolled back if anything fails."""
        with self.store.lock:
            c = self.store.conn
            c.execute(begin)
            try:
                yield c
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")

    # --- solo rounds ---------------------------------------------------------------------
    def recent(self, user_id: int) -> tuple[str, ...]:
        row = self._one("SELECT question_ids FROM quiz_recent WHERE user_id = ?", (user_id,))
        return _ids(row[0]) if row else ()

    def start_solo(self, user_id: int, lang: str, question_ids: list[str], now: float) -> None:
        """A new round replaces any unfinished one; its ids become the user's 'last round'."""
        ids = ",".join(question_ids)
        with self._tx() as c:
            c.execute("DELETE FROM quiz_polls WHERE user_id = ? AND event_id IS NULL", (user_id,))
            c.execute(
                "INSERT OR REPLACE INTO quiz_solo (user_id, lang, question_ids, position, "
                "started_at) VALUES (?, ?, ?, 0, ?)",
                (user_id, lang, ids, now),
            )
            c.execute(
                "INSERT OR REPLACE INTO quiz_recent (user_id, question_ids, at) VALUES (?, ?, ?)",
                (user_id, ids, now),
            )

    def solo(self, user_id: int) -> tuple[str, tuple[str, ...], int] | None:
        row = self._one(
            "SELECT lang, question_ids, position FROM quiz_solo WHERE user_id = ?", (user_id,)
        )
        return (row["lang"], _ids(row["question_ids"]), row["position"]) if row else None

    def advance_solo(self, user_id: int, position: int) -> None:
        self._exec("UPDATE quiz_solo SET position = ? WHERE user_id = ?", (position, user_id))

    def end_solo(self, user_id: int) -> None:
        """The round is over: its answers are not kept (only the last round's ids)."""
        with self._tx() as c:
            c.execute("DELETE FROM quiz_polls WHERE user_id = ? AND event_id IS NULL", (user_id,))
            c.execute("DELETE FROM quiz_solo WHERE user_id = ?", (user_id,))

    # --- polls ---------------------------------------------------------------------------
    def add_poll(
        self,
        poll_id: str,
        user_id: int,
        event_id: int | None,
        qindex: int,
        question_id: str,
        correct: int,
        sent_at: float,
    ) -> None:
        self._exec(
            "INSERT OR REPLACE INTO quiz_polls (poll_id, user_id, event_id, qindex, question_id, "
            "correct, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (poll_id, user_id, event_id, qindex, question_id, correct, sent_at),
        )

    def poll(self, poll_id: str) -> PollRow | None:
        row = self._one("SELECT * FROM quiz_polls WHERE poll_id = ?", (poll_id,))
        return _poll(row) if row else None

    def answer(self, poll_id: str, chosen: int, now: float) -> bool:
        """Record the first answer; False if it was already answered (or unknown)."""
        cur = self._exec(
            "UPDATE quiz_polls SET chosen = ?, answered_at = ? "
            "WHERE poll_id = ? AND chosen IS NULL",
            (chosen, now, poll_id),
        )
        return cur.rowcount == 1

    def solo_polls(self, user_id: int) -> list[PollRecord]:
        rows = self._all(
            "SELECT * FROM quiz_polls WHERE user_id = ? AND event_id IS NULL ORDER BY qindex",
            (user_id,),
        )
        return [_poll(r).record for r in rows]

    def event_polls(self, event_id: int, user_id: int | None = None) -> list[PollRow]:
        if user_id is None:
            rows = self._all(
                "SELECT * FROM quiz_polls WHERE event_id = ? ORDER BY qindex", (event_id,)
            )
        else:
            rows = self._all(
                "SELECT * FROM quiz_polls WHERE event_id = ? AND user_id = ? ORDER BY qindex",
                (event_id, user_id),
            )
        return [_poll(r) for r in rows]

    def open_poll(self, event_id: int, user_id: int, qindex: int) -> PollRow | None:
        row = self._one(
            "SELECT * FROM quiz_polls WHERE event_id = ? AND user_id = ? AND qindex = ?",
            (event_id, user_id, qindex),
        )
        return _poll(row) if row else None

    def answer_count(self, event_id: int, qindex: int) -> tuple[int, int]:
        """(answered, sent) for one question of an event."""
        row = self._one(
            "SELECT COUNT(chosen), COUNT(*) FROM quiz_polls WHERE event_id = ? AND qindex = ?",
            (event_id, qindex),
        )
        return (row[0], row[1]) if row else (0, 0)

    # --- events --------------------------------------------------------------------------
    def create_event(
        self,
        code: str,
        title: str,
        owner_id: int,
        chat_id: int,
        lang: str,
        question_ids: list[str],
        now: float,
    ) -> int | None:
        """A new event in the lobby; None if the code is taken (draw another)."""
        try:
            cur = self._exec(
                "INSERT INTO quiz_events (code, title, owner_id, chat_id, lang, mode, "
                "question_ids, state, created_at) VALUES (?, ?, ?, ?, ?, 'live', ?, 'lobby', ?)",
                (code, title, owner_id, chat_id, lang, ",".join(question_ids), now),
            )
        except sqlite3.IntegrityError:
            return None
        return cur.lastrowid

    def event(self, event_id: int) -> EventRow | None:
        row = self._one("SELECT * FROM quiz_events WHERE id = ?", (event_id,))
        return _event(row) if row else None

    def event_by_code(self, code: str) -> EventRow | None:
        row = self._one("SELECT * FROM quiz_events WHERE code = ?", (code,))
        return _event(row) if row else None

    def active_event(self, owner_id: int) -> EventRow | None:
        """The facilitator's event that has not ended (there is at most one)."""
        row = self._one(
            "SELECT * FROM quiz_events WHERE owner_id = ? AND state != 'ended' "
            "ORDER BY id DESC LIMIT 1",
            (owner_id,),
        )
        return _event(row) if row else None

    def latest_event(self, owner_id: int) -> EventRow | None:
        row = self._one(
            "SELECT * FROM quiz_events WHERE owner_id = ? ORDER BY id DESC LIMIT 1", (owner_id,)
        )
        return _event(row) if row else None

    def running_self_paced(self) -> list[EventRow]:
        rows = self._all("SELECT * FROM quiz_events WHERE state = 'running' AND mode = 'self'")
        return [_event(r) for r in rows]

    def set_mode(self, event_id: int, mode: str, time_limit: int | None) -> None:
        self._exec(
            "UPDATE quiz_events SET mode = ?, time_limit = ? WHERE id = ?",
            (mode, time_limit, event_id),
        )

    def set_state(self, event_id: int, state: str, now: float | None = None) -> None:
        if state == "ended":
            self._exec(
                "UPDATE quiz_events SET state = ?, current_open = 0, ended_at = ? WHERE id = ?",
                (state, now, event_id),
            )
        else:
            self._exec("UPDATE quiz_events SET state = ? WHERE id = ?", (state, event_id))

    def open_question(self, event_id: int, qindex: int, now: float) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE quiz_events SET state = 'running', current = ?, current_open = 1 "
                "WHERE id = ?",
                (qindex, event_id),
            )
            c.execute(
                "INSERT OR REPLACE INTO quiz_rounds (event_id, qindex, opened_at) VALUES (?, ?, ?)",
                (event_id, qindex, now),
            )

    def close_question(self, event_id: int, qindex: int, now: float) -> None:
        with self._tx() as c:
            c.execute("UPDATE quiz_events SET current_open = 0 WHERE id = ?", (event_id,))
            c.execute(
                "UPDATE quiz_rounds SET closed_at = ? "
                "WHERE event_id = ? AND qindex = ? AND closed_at IS NULL",
                (now, event_id, qindex),
            )

    def closed_at(self, event_id: int) -> dict[int, float]:
        rows = self._all(
            "SELECT qindex, closed_at FROM quiz_rounds WHERE event_id = ? AND closed_at IS NOT NULL",
            (event_id,),
        )
        return {r[0]: r[1] for r in rows}

    def set_status_message(self, event_id: int, chat_id: int, message_id: int | None) -> None:
        self._exec(
            "UPDATE quiz_events SET status_chat_id = ?, status_message_id = ? WHERE id = ?",
            (chat_id, message_id, event_id),
        )

    def purge_events(self, before: float) -> int:
        """Delete events that ended before `before` (participants and answers go with them)."""
        cur = self._exec(
            "DELETE FROM quiz_events WHERE state = 'ended' AND ended_at < ?", (before,)
        )
        return cur.rowcount

    # --- participants --------------------------------------------------------------------
    def join(self, event_id: int, user_id: int, lang: str, now: float) -> tuple[Participant, bool]:
        """Add the user (numbered in joining order); (participant, is_new)."""
        with self._tx("BEGIN IMMEDIATE") as c:
            row = c.execute(
                "SELECT * FROM quiz_participants WHERE event_id = ? AND user_id = ?",
                (event_id, user_id),
            ).fetchone()
            new = row is None
            if new:
                number = c.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM quiz_participants WHERE event_id = ?",
                    (event_id,),
                ).fetchone()[0]
                c.execute(
                    "INSERT INTO quiz_participants "
                    "(event_id, user_id, number, naming, lang, joined_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (event_id, user_id, number, NAMING_NONE, lang, now),
                )
            else:
                c.execute(
                    "UPDATE quiz_participants SET reachable = 1 WHERE event_id = ? AND user_id = ?",
                    (event_id, user_id),
                )
            row = c.execute(
                "SELECT * FROM quiz_participants WHERE event_id = ? AND user_id = ?",
                (event_id, user_id),
            ).fetchone()
        return _participant(row), new

    def participant(self, event_id: int, user_id: int) -> Participant | None:
        row = self._one(
            "SELECT * FROM quiz_participants WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return _participant(row) if row else None

    def participants(self, event_id: int, reachable_only: bool = False) -> list[Participant]:
        sql = "SELECT * FROM quiz_participants WHERE event_id = ?"
        if reachable_only:
            sql += " AND reachable = 1"
        return [_participant(r) for r in self._all(sql + " ORDER BY number", (event_id,))]

    def naming(self, user_id: int) -> Participant | None:
        """The participant place (in an event not ended) whose name this user asked to set
        (tapped ✏️ or sent /name): their next text is the name proposed."""
        row = self._one(
            "SELECT p.* FROM quiz_participants p JOIN quiz_events e ON e.id = p.event_id "
            "WHERE p.user_id = ? AND p.naming = ? AND e.state != 'ended' "
            "ORDER BY p.joined_at DESC LIMIT 1",
            (user_id, NAMING_ASKED),
        )
        return _participant(row) if row else None

    def current(self, user_id: int) -> Participant | None:
        """The user's place in the event they joined last, if it has not ended."""
        row = self._one(
            "SELECT p.* FROM quiz_participants p JOIN quiz_events e ON e.id = p.event_id "
            "WHERE p.user_id = ? AND e.state != 'ended' ORDER BY p.joined_at DESC LIMIT 1",
            (user_id,),
        )
        return _participant(row) if row else None

    def ask_name(self, event_id: int, user_id: int) -> None:
        """The user wants to set their name in this event (and in no other)."""
        with self._tx() as c:
            c.execute(
                "UPDATE quiz_participants SET naming = ? WHERE user_id = ?",
                (NAMING_NONE, user_id),
            )
            c.execute(
                "UPDATE quiz_participants SET naming = ? WHERE event_id = ? AND user_id = ?",
                (NAMING_ASKED, event_id, user_id),
            )

    def stop_naming(self, event_id: int, user_id: int) -> None:
        self._exec(
            "UPDATE quiz_participants SET naming = ? WHERE event_id = ? AND user_id = ?",
            (NAMING_NONE, event_id, user_id),
        )

    def set_name(self, event_id: int, user_id: int, name: str | None) -> None:
        """The confirmed display name (None: anonymous, "Participant N")."""
        self._exec(
            "UPDATE quiz_participants SET name = ?, naming = ? WHERE event_id = ? AND user_id = ?",
            (name, NAMING_NONE, event_id, user_id),
        )

    def set_position(self, event_id: int, user_ids: Iterable[int], position: int) -> None:
        with self.store.lock:
            self.store.conn.executemany(
                "UPDATE quiz_participants SET position = ? WHERE event_id = ? AND user_id = ?",
                [(position, event_id, u) for u in user_ids],
            )

    def set_unreachable(self, event_id: int, user_id: int) -> None:
        self._exec(
            "UPDATE quiz_participants SET reachable = 0 WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
