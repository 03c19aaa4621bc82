"""A quiz event of 300 participants through the HTTP fake Bot API with Telegram's flood limit.

    python -m benchmarks.quiz_event [--participants 300] [--questions 3] [--no-compare]

The bot runs as in production (python-telegram-bot, long polling over HTTP on 127.0.0.1,
AIORateLimiter on); the fake of tools/fakeapi runs in a child process, as Telegram would
run elsewhere, and answers 429 "Too Many Requests" to anything beyond 30 messages per
second (`enforce_rate_limit(30)`). Measured: the time for 300 people to join by deep
link, to deliver one question to all of them, to take in all their answers, and to
send everyone their score at the end; and whether any poll was lost to a 429. With
`--compare` (default) the same question is then sent once more by a bot without the
rate limiter, to show what the limiter prevents.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.remote_fake import RemoteFake, count, push_texts  # noqa: E402
from bot.app.runtime import Runtime  # noqa: E402
from bot.channels.telegram.app import ALLOWED_UPDATES, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from tools.fakeapi import FakeBotAPI  # noqa: E402

ADMIN = 999
FIRST_USER = 10_000
RATE = 30  # messages per second, Telegram's overall limit for a bot


def _caption(fake: FakeBotAPI, _arg: object) -> str | None:
    photos = fake.sent(method="sendPhoto")
    return photos[-1].params.get("caption") if photos else None


def _answer(fake: FakeBotAPI, users: list[int]) -> None:
    """Each user answers their newest poll with the right option."""
    for user in users:
        poll = fake.last_poll(user)
        if poll is not None:
            fake.push_poll_answer(user, poll["id"], [poll["correct_option_ids"][0]])


COMMANDS = {
    "say": push_texts,
    "count": count,
    "caption": _caption,
    "answer": _answer,
    "hits": lambda fake, _arg: len(fake.rate_limit_hits),
}


def _limit(fake: FakeBotAPI) -> None:
    fake.enforce_rate_limit(RATE, as_violation=False)  # 429s are counted, not test failures


async def _until(predicate, timeout: float = 120.0) -> float:
    t0 = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the bot did not get there in time")
        await asyncio.sleep(0.01)
    return time.perf_counter() - t0


async def _run_event(app, services, conn, n: int, questions: int, title: str) -> dict:
    """Create an event, let n people join, ask one question, take the answers, end."""
    db = services.store.conn
    out: dict = {}
    photos = conn("count", "sendPhoto")
    conn("say", [(ADMIN, f"/event new {questions} {title}")])
    await _until(lambda: conn("count", "sendPhoto") > photos)
    code = re.search(r"ev_(\w+)", conn("caption")).group(1)
    event_id = db.execute("SELECT id FROM quiz_events WHERE code = ?", (code,)).fetchone()[0]
    users = [FIRST_USER + i for i in range(n)]

    def count(sql: str) -> int:
        return db.execute(sql, (event_id,)).fetchone()[0]

    t0 = time.perf_counter()
    conn("say", [(u, f"/start ev_{code}") for u in users])
    await _until(lambda: count("SELECT COUNT(*) FROM quiz_participants WHERE event_id = ?") >= n)
    out["joined_s"] = time.perf_counter() - t0
    await asyncio.sleep(1.5)  # join replies drain; the flood bucket refills

    polls = conn("count", "sendPoll")
    t0 = time.perf_counter()
    conn("say", [(ADMIN, "/event next")])
    await _until(lambda: conn("count", "sendPoll") - polls >= n, timeout=60)
    out["deliver_s"] = time.perf_counter() - t0
    out["delivered"] = conn("count", "sendPoll") - polls
    await asyncio.sleep(0.5)

    t0 = time.perf_counter()
    conn("answer", users)
    answered = "SELECT COUNT(chosen) FROM quiz_polls WHERE event_id = ?"
    await _until(lambda: count(answered) >= out["delivered"])
    out["answers_s"] = time.perf_counter() - t0

    messages = conn("count", "sendMessage")
    t0 = time.perf_counter()
    conn("say", [(ADMIN, "/event end")])
    await _until(lambda: conn("count", "sendMessage") - messages >= n + 2)
    out["end_s"] = time.perf_counter() - t0
    return out


async def _with_app(url, token, services, rate_limit: bool, coro_fn):
    settings = Settings(token=token, api_url=url, admin_ids=frozenset({ADMIN}))
    app = build_application(settings, services, rate_limit=rate_limit)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0)
    try:
        return await coro_fn(app)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def main(n: int, questions: int, compare: bool) -> int:
    parent = RemoteFake(COMMANDS, setup=_limit)
    url, token = parent.url, parent.token
    try:
        with tempfile.TemporaryDirectory() as tmp:
            services = Runtime.open(
                ROOT / "content", Path(tmp) / "bench.sqlite3", frozenset({ADMIN})
            )
            limited = await _with_app(
                url,
                token,
                services,
                True,
                lambda app: _run_event(app, services, parent, n, questions, "With limiter"),
            )
            hits_limited = parent("hits")
            unlimited = None
            if compare:
                logging.getLogger("bot.quiz").setLevel(logging.ERROR)  # 429s expected here
                await asyncio.sleep(2)
                unlimited = await _with_app(
                    url,
                    token,
                    services,
                    False,
                    lambda app: _deliver_only(app, services, parent, n, questions),
                )
            hits_total = parent("hits")
        violations = parent("violations")
    finally:
        parent.close()

    print(f"quiz event, {n} participants, fake Telegram limit {RATE} messages/s (HTTP, 127.0.0.1)")
    print(f"  {n} joins by deep link answered in   {limited['joined_s']:6.2f} s")
    print(
        f"  one question delivered to all in    {limited['deliver_s']:6.2f} s "
        f"({limited['delivered']}/{n} polls, {limited['delivered'] / limited['deliver_s']:.1f}/s)"
    )
    print(f"  {n} answers recorded in              {limited['answers_s']:6.2f} s")
    print(f"  /event end: {n} scores sent in        {limited['end_s']:6.2f} s")
    print(f"  429 answers from the fake (retried by AIORateLimiter): {hits_limited}")
    ok = limited["delivered"] == n and not violations
    if unlimited is not None:
        print(
            f"without the rate limiter: {unlimited['delivered']}/{n} polls delivered, "
            f"{hits_total - hits_limited} refused with 429 and lost"
        )
    print("no 429 left unhandled" if ok else "FAILED: polls were lost")
    if violations:
        print("violations:", *violations[:5], sep="\n  ")
    return 0 if ok else 1


async def _deliver_only(app, services, conn, n: int, questions: int) -> dict:
    """The same question to everyone without the rate limiter (no waiting for 429s)."""
    db = services.store.conn
    photos = conn("count", "sendPhoto")
    conn("say", [(ADMIN, f"/event new {questions} Without limiter")])
    await _until(lambda: conn("count", "sendPhoto") > photos)
    code = re.search(r"ev_(\w+)", conn("caption")).group(1)
    event_id = db.execute("SELECT id FROM quiz_events WHERE code = ?", (code,)).fetchone()[0]
    users = [FIRST_USER + n + i for i in range(n)]
    conn("say", [(u, f"/start ev_{code}") for u in users])
    joined = "SELECT COUNT(*) FROM quiz_participants WHERE event_id = ?"
    await _until(lambda: db.execute(joined, (event_id,)).fetchone()[0] >= n)
    await asyncio.sleep(3)  # the join replies (many refused) are over; the bucket refills
    before = conn("count", "sendPoll")
    conn("say", [(ADMIN, "/event next")])
    sent = "SELECT COUNT(*) FROM quiz_rounds WHERE event_id = ?"
    await _until(lambda: db.execute(sent, (event_id,)).fetchone()[0] >= 1)
    await asyncio.sleep(3)
    return {"delivered": conn("count", "sendPoll") - before}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--questions", type=int, default=3)
    p.add_argument("--no-compare", dest="compare", action="store_false")
    a = p.parse_args()
    sys.exit(asyncio.run(main(a.participants, a.questions, a.compare)))
