"""Talk-to-a-person cases (migration 5): case numbers and the ids that route replies.

No message text is ever written here: the counsellors' group holds the conversation.
What is kept and for how long: PRIVACY.md, docs/COUNSELLORS.md. /forget deletes a user's
cases (USER_TABLES in db.py); closed cases go after the retention period (purge_closed).
"""

from __future__ import annotations

import sqlite3

from bot.core.handoff import Case, coarse
from bot.storage.db import Store

_COLS = (
    "id, user_chat_id, lang, country, thread_id, header_message_id, urgent, opened_at, closed_at"
)


def _case(r: sqlite3.Row | None) -> Case | None:
    if r is None:
        return None
    return Case(
        r["id"],
        r["user_chat_id"],
        r["lang"],
        r["country"],
        r["thread_id"],
        r["header_message_id"],
        bool(r["urgent"]),
        r["opened_at"],
        r["closed_at"],
    )


class HandoffStore:
    def __init__(self, store: Store):
        self.store = store

    def _one(self, sql: str, params: tuple) -> Case | None:
        return _case(self.store._exec(sql, params).fetchone())

    def open_case(self, user_chat: int, lang: str, country: str | None, urgent: bool) -> Case:
        cur = self.store._exec(
            "INSERT INTO handoff_cases (user_chat_id, lang, country, urgent, opened_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_chat, lang, country, int(urgent), coarse(self.store.clock())),
        )
        return self.get(cur.lastrowid)

    def get(self, number: int) -> Case | None:
        return self._one(f"SELECT {_COLS} FROM handoff_cases WHERE id = ?", (number,))

    def open_for_user(self, user_chat: int) -> Case | None:
        return self._one(
            f"SELECT {_COLS} FROM handoff_cases WHERE user_chat_id = ? AND closed_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (user_chat,),
        )

    def has_any(self, user_chat: int) -> bool:
        row = self.store._exec(
            "SELECT 1 FROM handoff_cases WHERE user_chat_id = ? LIMIT 1", (user_chat,)
        ).fetchone()
        return row is not None

    def by_thread(self, thread_id: int) -> Case | None:
        return self._one(
            f"SELECT {_COLS} FROM handoff_cases WHERE thread_id = ? ORDER BY id DESC LIMIT 1",
            (thread_id,),
        )

    def by_group_message(self, message_id: int) -> Case | None:
        return self._one(
            f"SELECT {', '.join('c.' + c.strip() for c in _COLS.split(','))} "
            "FROM handoff_messages m JOIN handoff_cases c ON c.id = m.case_id "
            "WHERE m.group_message_id = ?",
            (message_id,),
        )

    def set_routing(self, number: int, thread_id: int | None, header_id: int | None) -> None:
        self.store._exec(
            "UPDATE handoff_cases SET thread_id = ?, header_message_id = ? WHERE id = ?",
            (thread_id, header_id, number),
        )

    def add_message(self, number: int, group_message_id: int) -> None:
        self.store._exec(
            "INSERT OR REPLACE INTO handoff_messages (group_message_id, case_id) VALUES (?, ?)",
            (group_message_id, number),
        )

    def mark_urgent(self, number: int) -> None:
        self.store._exec("UPDATE handoff_cases SET urgent = 1 WHERE id = ?", (number,))

    def close(self, number: int) -> None:
        self.store._exec(
            "UPDATE handoff_cases SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (coarse(self.store.clock()), number),
        )

    def delete(self, number: int) -> None:
        self.store._exec("DELETE FROM handoff_cases WHERE id = ?", (number,))

    def delete_user(self, user_chat: int) -> int:
        return self.store._exec(
            "DELETE FROM handoff_cases WHERE user_chat_id = ?", (user_chat,)
        ).rowcount

    def purge_closed(self, days: float) -> int:
        """Delete cases closed more than `days` ago (their routed ids go with them)."""
        cutoff = self.store.clock() - days * 86400
        return self.store._exec(
            "DELETE FROM handoff_cases WHERE closed_at IS NOT NULL AND closed_at < ?", (cutoff,)
        ).rowcount

    def count_open(self) -> int:
        row = self.store._exec("SELECT COUNT(*) FROM handoff_cases WHERE closed_at IS NULL")
        return row.fetchone()[0]
