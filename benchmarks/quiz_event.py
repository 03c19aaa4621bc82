"""A quiz event of 300 participants through the HTTP fake Bot API with Telegram's flood limit.

    python -m benchmarks.quiz_event [--participants 300] [--questions 3] [--no-compare]

The bot runs as in production (python-telegram-bot, long polling over HTTP on 127.0.0.1,
AIORateLimiter on); the fake of tests/fakeapi runs in a child process, as Telegram would
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
import multiprocessing
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.tg.app import ALLOWED_UPDATES, build_application  # noqa: E402
from tests.fakeapi import FakeBotAPI  # noqa: E402
from tests.fakeapi.http import serve_http  # noqa: E402

ADMIN = 999
FIRST_USER = 10_000
RATE = 30  # messages per second, Telegram's overall limit for a bot


def _fake_server(conn) -> None:
    """Child process: the fake Telegram over HTTP, driven through a pipe."""
    fake = FakeBotAPI()
    fake.enforce_rate_limit(RATE, as_violation=False)  # 429s are counted, not test failures
    server = serve_http(fake)
    conn.send((server.url, fake.token))
    while True:
        cmd, arg = conn.recv()
        if cmd == "say":
            for user, text in arg:
                fake.push_message(user, text, language_code="en")
            conn.send(None)
        elif cmd == "count":
            conn.send(len(fake.sent(method=arg)))
        elif cmd == "caption":
            photos = fake.sent(method="sendPhoto")
            conn.send(photos[-1].params.get("caption") if photos else None)
        elif cmd == "answer":  # each user answers their newest poll, the right option
            for user in arg:
                poll = fake.last_poll(user)
                if poll is not None:
                    fake.push_poll_answer(user, poll["id"], [poll["correct_option_ids"][0]])
            conn.send(None)
        elif cmd == "hits":
            conn.send(len(fake.rate_limit_hits))
        elif cmd == "violations":
            conn.send([str(v) for v in fake.violations])
        elif cmd == "stop":
            server.close()
            conn.send(None)
            return


def _ask(conn, cmd, arg=None):
    conn.send((cmd, arg))
    return conn.recv()


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
    photos = _ask(conn, "count", "sendPhoto")
    _ask(conn, "say", [(ADMIN, f"/event new {questions} {title}")])
    await _until(lambda: _ask(conn, "count", "sendPhoto") > photos)
    code = re.search(r"ev_(\w+)", _ask(conn, "caption")).group(1)
    event_id = db.execute("SELECT id FROM quiz_events WHERE code = ?", (code,)).fetchone()[0]
    users = [FIRST_USER + i for i in range(n)]

    def count(sql: str) -> int:
        return db.execute(sql, (event_id,)).fetchone()[0]

    t0 = time.perf_counter()
    _ask(conn, "say", [(u, f"/start ev_{code}") for u in users])
    await _until(lambda: count("SELECT COUNT(*) FROM quiz_participants WHERE event_id = ?") >= n)
    out["joined_s"] = time.perf_counter() - t0
    await asyncio.sleep(1.5)  # join replies drain; the flood bucket refills

    polls = _ask(conn, "count", "sendPoll")
    t0 = time.perf_counter()
    _ask(conn, "say", [(ADMIN, "/event next")])
    await _until(lambda: _ask(conn, "count", "sendPoll") - polls >= n, timeout=60)
    out["deliver_s"] = time.perf_counter() - t0
    out["delivered"] = _ask(conn, "count", "sendPoll") - polls
    await asyncio.sleep(0.5)

    t0 = time.perf_counter()
    _ask(conn, "answer", users)
    answered = "SELECT COUNT(chosen) FROM quiz_polls WHERE event_id = ?"
    await _until(lambda: count(answered) >= out["delivered"])
    out["answers_s"] = time.perf_counter() - t0

    messages = _ask(conn, "count", "sendMessage")
    t0 = time.perf_counter()
    _ask(conn, "say", [(ADMIN, "/event end")])
    await _until(lambda: _ask(conn, "count", "sendMessage") - messages >= n + 2)
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
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(target=_fake_server, args=(child,))
    proc.start()
    url, token = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            services = Services.open(
                ROOT / "content", Path(tmp) / "bench.sqlite3", frozenset({ADMIN})
            )
            limited = await _with_app(
                url,
                token,
                services,
                True,
                lambda app: _run_event(app, services, parent, n, questions, "With limiter"),
            )
            hits_limited = _ask(parent, "hits")
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
            hits_total = _ask(parent, "hits")
        violations = _ask(parent, "violations")
    finally:
        _ask(parent, "stop")
        proc.join(5)

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
    photos = _ask(conn, "count", "sendPhoto")
    _ask(conn, "say", [(ADMIN, f"/event new {questions} Without limiter")])
    await _until(lambda: _ask(conn, "count", "sendPhoto") > photos)
    code = re.search(r"ev_(\w+)", _ask(conn, "caption")).group(1)
    event_id = db.execute("SELECT id FROM quiz_events WHERE code = ?", (code,)).fetchone()[0]
    users = [FIRST_USER + n + i for i in range(n)]
    _ask(conn, "say", [(u, f"/start ev_{code}") for u in users])
    joined = "SELECT COUNT(*) FROM quiz_participants WHERE event_id = ?"
    await _until(lambda: db.execute(joined, (event_id,)).fetchone()[0] >= n)
    await asyncio.sleep(3)  # the join replies (many refused) are over; the bucket refills
    before = _ask(conn, "count", "sendPoll")
    _ask(conn, "say", [(ADMIN, "/event next")])
    sent = "SELECT COUNT(*) FROM quiz_rounds WHERE event_id = ?"
    await _until(lambda: db.execute(sent, (event_id,)).fetchone()[0] >= 1)
    await asyncio.sleep(3)
    return {"delivered": _ask(conn, "count", "sendPoll") - before}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--questions", type=int, default=3)
    p.add_argument("--no-compare", dest="compare", action="store_false")
    a = p.parse_args()
    sys.exit(asyncio.run(main(a.participants, a.questions, a.compare)))
