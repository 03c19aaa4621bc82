"""How long another person waits while one user floods the bot (issue #13, finding 5).

    python -m benchmarks.flood [--floods 300] [--send-ms 100]

The real Application with its update processor, over the in-process fake Bot API, with
every sendMessage taking --send-ms. B asks /help alone, then again right after A queued
--floods messages at once; prints B's reply time in both cases. Before the fix (flood
check inside a handler, chat lock inside the slot) B waited for all of A's answered
messages: with 300 and 100 ms, 2.3 s against 0.11 s alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bot.app.runtime import Services  # noqa: E402
from bot.channels.telegram.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from tools.fakeapi import FakeBotAPI, FakeRequest  # noqa: E402

A, B = 1001, 1002


async def _b_latency(app, fake: FakeBotAPI, floods: int) -> float:
    for _ in range(floods):
        await app.update_queue.put(Update.de_json(fake.push_message(A, "/help"), app.bot))
    before = len(fake.sent(B, "sendMessage"))
    t0 = time.perf_counter()
    await app.update_queue.put(Update.de_json(fake.push_message(B, "/help"), app.bot))
    while len(fake.sent(B, "sendMessage")) == before:
        await asyncio.sleep(0.002)
    return time.perf_counter() - t0


async def main(floods: int, send_ms: float) -> None:
    fake = FakeBotAPI(self_check=False)
    with tempfile.TemporaryDirectory() as tmp:
        services = Services.open(ROOT / "content", Path(tmp) / "flood.sqlite3")
        settings = Settings(token=fake.token)
        app = build_application(settings, services, request=FakeRequest(fake), rate_limit=False)
        await app.initialize()
        await app.start()
        fake.delay("sendMessage", send_ms / 1000)
        alone = await _b_latency(app, fake, 0)
        flooded = await _b_latency(app, fake, floods)
        fake.delay("sendMessage", 0)
        await app.stop()  # handles what A queued, quickly now
        answered = len(fake.sent(A, "sendMessage"))
        await app.shutdown()
    print(f"sendMessage {send_ms:.0f} ms; A queued {floods} messages, {answered} replies to A")
    print(f"B's reply alone:           {alone * 1000:7.0f} ms")
    print(f"B's reply during the flood: {flooded * 1000:7.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floods", type=int, default=300)
    parser.add_argument("--send-ms", type=float, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.floods, args.send_ms))
