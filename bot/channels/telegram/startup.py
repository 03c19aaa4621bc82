"""Start-up without network: wait for Telegram with backoff, one log line per attempt.

Without this, `python -m bot run` on a server whose network is not up yet printed
231 lines with 6 tracebacks and exited 1. Now it logs one clear line per attempt,
waits 1, 2, 4, ... up to 60 s between attempts, and starts when Telegram answers.
A refused token is not a network problem: that stops at once with a clear line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

log = logging.getLogger("bot.startup")

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0


async def wait_for_telegram(
    bot: Bot,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    attempts: int | None = None,
    stop: asyncio.Event | None = None,
) -> bool:
    """`bot.initialize()` (a getMe) until Telegram answers: True then; False when the
    token is refused, `attempts` ran out or `stop` was set (SIGINT/SIGTERM while
    waiting: the wait ends at once instead of sleeping out its backoff). Safe to
    repeat: PTB's initialize is resumable."""
    delay, tried = FIRST_DELAY_S, 0
    while True:
        if stop is not None and stop.is_set():
            return False
        try:
            await bot.initialize()
        except InvalidToken:
            log.error("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN")
            return False
        except NetworkError as exc:  # includes TimedOut
            tried += 1
            if attempts is not None and tried >= attempts:
                log.error("cannot reach Telegram after %d attempts (%s)", tried, exc)
                return False
            log.warning("cannot reach Telegram (%s); trying again in %.0f s", exc, delay)
            if stop is None:
                await sleep(delay)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
            delay = min(MAX_DELAY_S, delay * 2)
        else:
            if tried:
                log.info("reached Telegram after %d failed attempt(s)", tried)
            return True
