"""Keep serving through Telegram faults.

- 429 Too Many Requests: wait the time Telegram gives, then retry (the
  AIORateLimiter does this too for production builds; this covers the rest).
- Timeouts and network errors: retry with exponential backoff.
- 403 (blocked, removed from a group): recorded; that chat is skipped.
- 400 for a message the bot built: logged with the update id; never crashes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

log = logging.getLogger("bot.tg")
T = TypeVar("T")

ATTEMPTS = 4
BACKOFF_S = 0.5  # 0.5, 1, 2 s between attempts
MAX_RETRY_AFTER_S = 60.0


def _seconds(retry_after) -> float:
    return float(getattr(retry_after, "total_seconds", lambda: retry_after)())


async def with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `call` until it succeeds; Forbidden and BadRequest are raised at once."""
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            return await call()
        except RetryAfter as exc:
            if last:
                raise
            wait = min(_seconds(exc.retry_after), MAX_RETRY_AFTER_S)
            log.warning("telegram 429: waiting %.1fs before retry", wait)
            await sleep(wait + 0.05)
        except (Forbidden, BadRequest):
            raise
        except (TimedOut, NetworkError) as exc:
            if last:
                raise
            log.warning(
                "telegram %s: retry %d in %.1fs",
                type(exc).__name__,
                attempt + 1,
                backoff * 2**attempt,
            )
            await sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")
