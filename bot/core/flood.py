"""A user who floods the bot is slowed down politely, without affecting others.

Sliding window per user: more than LIMIT messages in WINDOW seconds -> the
first extra one gets a "please slow down" reply, the rest are dropped until
the window has room again. The clock is passed in (tests drive it).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

LIMIT = 20
WINDOW_S = 10.0
MAX_TRACKED = 100_000  # users remembered at once (memory stays bounded)


class FloodGate:
    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int) -> str:
        """ "ok" to handle, "warn" to answer "slow down" once, "drop" to ignore."""
        now = self.clock()
        q = self._seen.get(user_id)
        if q is None:
            if len(self._seen) >= MAX_TRACKED:
                self._forget_idle(now)
            q = self._seen[user_id] = deque()
        while q and now - q[0] > self.window:
            q.popleft()
        if len(q) < self.limit:
            q.append(now)
            self._warned.discard(user_id)
            return "ok"
        if user_id in self._warned:
            return "drop"
        self._warned.add(user_id)
        return "warn"

    def _forget_idle(self, now: float) -> None:
        for uid in [u for u, q in self._seen.items() if not q or now - q[-1] > self.window]:
            del self._seen[uid]
            self._warned.discard(uid)
