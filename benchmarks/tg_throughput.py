"""Answered questions per second through the HTTP fake Bot API, beside an echo bot.

    python -m benchmarks.tg_throughput [--questions 400] [--users 20]

Both bots run the same stack (python-telegram-bot, long polling over HTTP on
127.0.0.1) against the fake of tools/fakeapi, which runs in a child process
as Telegram would run elsewhere (its validation must not eat the bot's CPU
time); the echo bot is the ceiling of that stack. The rate limiter is off for
both: it would measure Telegram's 30 messages/s cap, not the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters  # noqa: E402

from benchmarks.remote_fake import RemoteFake, count, push_texts  # noqa: E402
from bot.app.runtime import Runtime  # noqa: E402
from bot.channels.telegram.app import ALLOWED_UPDATES, CONCURRENT_UPDATES, build_application  # noqa: E402
from bot.channels.telegram.updates import PerChatUpdateProcessor  # noqa: E402
from bot.config import Settings  # noqa: E402

QUESTIONS = [
    "How much does it cost to go to Korea?",
    "ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ ເຮັດແນວໃດ",
    "what documents for MOU Thailand",
    "ໄປເຮັດວຽກຍີ່ປຸ່ນ ເສຍເງິນເທົ່າໃດ",
    "job on facebook 2000 dollars is it real",
    "pai het viak kaoli sia ngeun thao dai",
    "what's the weather",
    "Lao embassy in Seoul phone",
]


async def _measure(app: Application, conn, n: int, users: int) -> float:
    await app.initialize()
    await app.start()
    await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0)
    rng = random.Random(1)
    base = conn("count", "sendMessage")
    batch = [(1000 + i % users, rng.choice(QUESTIONS)) for i in range(n)]
    t0 = time.perf_counter()
    conn("push", batch)
    while conn("count", "sendMessage") - base < n:
        await asyncio.sleep(0.005)
    rate = n / (time.perf_counter() - t0)
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return rate


async def _echo(update: Update, context) -> None:
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text)


async def main(n: int, users: int) -> None:
    remote = RemoteFake({"push": push_texts, "count": count})
    url, token = remote.url, remote.token
    try:
        echo = (
            (
                ApplicationBuilder()
                .token(token)
                .base_url(f"{url}/bot")
                .base_file_url(f"{url}/file/bot")
            )
            .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
            .build()
        )
        echo.add_handler(MessageHandler(filters.TEXT, _echo))
        echo_rate = await _measure(echo, remote, n, users)

        with tempfile.TemporaryDirectory() as tmp:
            services = Runtime.open(ROOT / "content", Path(tmp) / "bench.sqlite3")
            settings = Settings(token=token, api_url=url)
            app = build_application(settings, services, rate_limit=False)
            bot_rate = await _measure(app, remote, n, users)
        violations = remote("violations")
    finally:
        remote.close()
    print(f"echo bot : {echo_rate:7.1f} answered messages/s ({n} messages, {users} users)")
    print(f"FAQ bot  : {bot_rate:7.1f} answered questions/s ({bot_rate / echo_rate:.0%} of echo)")
    assert not violations, violations


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--questions", type=int, default=400)
    p.add_argument("--users", type=int, default=20)
    a = p.parse_args()
    asyncio.run(main(a.questions, a.users))
