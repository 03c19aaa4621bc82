"""What a channel other than Telegram needs from storage, without importing it
(channels talk to the app, never to bot.storage: STYLE.md)."""

from __future__ import annotations

from bot.app.runtime import Runtime
from bot.storage.channels import ID_BASE, ChannelUsers

__all__ = ["ID_BASE", "ChannelPeople"]


class ChannelPeople:
    """One channel's users: their integer ids, blocked (unfollowed) or not."""

    def __init__(self, services: Runtime, channel: str):
        self.services, self.channel = services, channel
        self.users = ChannelUsers(services.store)

    def user_id(self, external_id: str) -> int:
        return self.users.user_id(self.channel, external_id)

    def known(self, external_id: str) -> int | None:
        return self.users.known(self.channel, external_id)

    def blocked(self, user_id: int) -> bool:
        return self.services.store.is_blocked(user_id)

    def mark_blocked(self, user_id: int) -> None:
        """The user blocked the bot (LINE unfollow): nothing is sent to them until they
        follow again."""
        self.services.store.mark_blocked(user_id)

    def unblock(self, user_id: int) -> None:
        self.services.store.unblock(user_id)
