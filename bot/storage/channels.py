"""Users of channels other than Telegram, keyed by channel and the channel's own id.

LINE user ids are strings (``U`` + 32 hex digits); every other table keys people by an
integer user_id. Each (channel, id) gets one integer above ``ID_BASE`` (2**53: Telegram user
ids have at most 52 significant bits, so the two never meet). The row is deleted with the
rest of the user's records by /forget (``USER_TABLES`` in db.py), and the id is as
pseudonymous as a Telegram id.
"""

from __future__ import annotations

from bot.storage.db import Store

ID_BASE = 2**53


class ChannelUsers:
    def __init__(self, store: Store):
        self.store = store

    def user_id(self, channel: str, external_id: str) -> int:
        """The integer user id for this channel user, made on first contact."""
        store = self.store
        with store.lock:
            row = store.conn.execute(
                "SELECT user_id FROM channel_users WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            ).fetchone()
            if row:
                return row[0]
            store.conn.execute(
                "INSERT INTO channel_users (user_id, channel, external_id, created_at) "
                "SELECT COALESCE(MAX(user_id), ?) + 1, ?, ?, ? FROM channel_users",
                (ID_BASE, channel, external_id, store.clock()),
            )
            return store.conn.execute(
                "SELECT user_id FROM channel_users WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            ).fetchone()[0]

    def known(self, channel: str, external_id: str) -> int | None:
        """The user id if the bot holds anything for this user, without creating one."""
        row = self.store._exec(
            "SELECT user_id FROM channel_users WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        ).fetchone()
        return row[0] if row else None

    def external_id(self, user_id: int) -> tuple[str, str] | None:
        row = self.store._exec(
            "SELECT channel, external_id FROM channel_users WHERE user_id = ?", (user_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def count(self, channel: str) -> int:
        row = self.store._exec(
            "SELECT COUNT(*) FROM channel_users WHERE channel = ?", (channel,)
        ).fetchone()
        return row[0]
