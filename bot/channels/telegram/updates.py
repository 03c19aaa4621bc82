"""Process updates concurrently across chats, in order within a chat; a flood never
takes a slot.

Waiting for Telegram's answer to one user's reply must not hold up everybody
else, but one person's messages (a language change, then a question) must be
handled in the order they were sent.

Each update waits, in this order:
1. nothing: on arrival the flood limit is checked (ArrivalFlood), and the extra
   updates of someone flooding the bot are dropped at once;
2. its chat's lock (one update of a chat at a time, in order);
3. one of the `slots` (32) shared by all chats.
So one chat holds at most one slot however many updates it queued: a person who
sends 300 messages at once (or a busy group) does not slow anybody else's reply.
(python-telegram-bot takes its slot before `do_process_update`; its own semaphore is
made wide enough never to be the limit, and the slots are ours, taken after the lock.)
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.core.flood import FloodGate

log = logging.getLogger("bot.updates")

MAX_WAITING = 1_000_000  # PTB's semaphore: updates in hand at once (never reached)
MAX_DECIDED = 10_000  # verdicts waiting for the guard (bounded memory)


class ArrivalFlood:
    """The flood limit per user, counted when an update arrives.

    Messages, buttons and commands share one gate, inline queries (sent while typing) have
    their own. The counsellors' group is staff: never limited. An update that is not
    dropped keeps its verdict for the guard (handlers/guard.py), which sends the one
    "slow down" reply; an update handed to Application.process_update directly (tests)
    is counted when the guard asks.
    """

    def __init__(self, staff_chat: int | None = None):
        self.messages = FloodGate()
        self.inline = FloodGate()
        self.staff_chat = staff_chat
        self._decided: OrderedDict[int, str] = OrderedDict()

    def check(self, update: object) -> str:
        """Count the update against its sender: "ok", "warn" (say so once) or "drop"."""
        if not isinstance(update, Update) or update.effective_user is None:
            return "ok"
        chat = update.effective_chat
        if chat is not None and self.staff_chat is not None and chat.id == self.staff_chat:
            return "ok"
        gate = self.inline if update.inline_query is not None else self.messages
        return gate.check(update.effective_user.id)

    def arrive(self, update: object) -> str:
        verdict = self.check(update)
        if verdict != "drop" and isinstance(update, Update):
            self._decided[update.update_id] = verdict
            while len(self._decided) > MAX_DECIDED:
                self._decided.popitem(last=False)
        return verdict

    def verdict(self, update: Update) -> str:
        """The verdict given on arrival, else (not seen on arrival) counted now."""
        decided = self._decided.pop(update.update_id, None)
        return decided if decided is not None else self.check(update)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """`slots`: updates handled at once (PTB's `max_concurrent_updates` is the number of
    updates in hand, waiting or not: MAX_WAITING)."""

    def __init__(self, slots: int = 32, flood: ArrivalFlood | None = None):
        super().__init__(MAX_WAITING)
        self.slots = slots
        self._slots = asyncio.BoundedSemaphore(slots)
        self._locks: dict[int, asyncio.Lock] = {}
        self.flood = flood

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        if self.flood is not None and self.flood.arrive(update) == "drop":
            log.debug("flood limit: dropped on arrival update_id=%s", _update_id(update))
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never started: nothing to undo, no "never awaited" warning
            return
        key = _key(update)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._locks.clear()


def _key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


def _update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None
