"""What a chat was talking about a moment ago: the country and entry of the last answer.

People ask in several short messages ("how do I apply for EPS?" ... "and how much
does it cost?"). The second names no country; it means the one just answered.
Only the country code and the entry id are kept, in memory, for a few minutes:
never the text of a message, never on disk. Time comes from the clock passed in.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

CONTEXT_MINUTES = 10.0  # a follow-up later than this starts afresh
MAX_CHATS = 10_000  # the oldest chats are forgotten first beyond this many


@dataclass(frozen=True)
class Topic:
    country: str | None  # TH / KR / JP, or None
    entry: str | None  # the id of the entry last answered
    at: float  # clock() when it was answered


class Context:
    """Per chat, the topic of the last answer, for CONTEXT_MINUTES."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        minutes: float = CONTEXT_MINUTES,
        max_chats: int = MAX_CHATS,
    ):
        self.clock = clock
        self.ttl = minutes * 60.0
        self.max_chats = max_chats
        self._topics: OrderedDict[Hashable, Topic] = OrderedDict()

    def get(self, chat: Hashable | None) -> Topic | None:
        """The chat's topic if it is recent, else None (and it is dropped)."""
        if chat is None:
            return None
        topic = self._topics.get(chat)
        if topic is None:
            return None
        if self.clock() - topic.at > self.ttl:
            del self._topics[chat]
            return None
        return topic

    def remember(self, chat: Hashable | None, country: str | None, entry: str | None) -> None:
        if chat is None:
            return
        self._topics.pop(chat, None)
        self._topics[chat] = Topic(country, entry, self.clock())
        while len(self._topics) > self.max_chats:
            self._topics.popitem(last=False)

    def forget(self, chat: Hashable | None) -> None:
        self._topics.pop(chat, None)

    def clear(self) -> None:
        self._topics.clear()

    def __len__(self) -> int:
        return len(self._topics)


def follow_up_country(topic: Topic | None, named: frozenset[str]) -> str | None:
    """The country to assume for a question: the last answer's, when the question
    names none; a question naming a country speaks for itself."""
    if named or topic is None:
        return None
    return topic.country


def next_country(topic: Topic | None, named: frozenset[str], answered: str | None) -> str | None:
    """The country to remember after an answer: the answer's own; else the one the
    question named (if only one); else the one already assumed."""
    if answered:
        return answered
    if len(named) == 1:
        return next(iter(named))
    return topic.country if topic and not named else None
