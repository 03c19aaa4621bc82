"""Signed LINE webhook events per second that the bot answers, against the fake LINE.

    python -m benchmarks.line_throughput [--events 400] [--users 20] [--batch 1]

The fake LINE platform (tools/fakeline) runs in a child process, as LINE runs elsewhere:
it signs the webhook bodies, posts them to the bot's POST /line (up to 32 at a time, as
LINE delivers concurrently), checks every reply request against the OpenAPI spec and counts
them. The bot runs in this process as in production: the tornado server of `python -m bot
run`, the signature check, the background handling, line-bot-sdk's async client. The
clock runs from the first webhook posted to the last reply received. Compare with
`python -m benchmarks.tg_throughput` (the same questions through Telegram's stack).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tornado.httpserver  # noqa: E402
import tornado.web  # noqa: E402

from benchmarks.tg_throughput import QUESTIONS  # noqa: E402
from bot.app.runtime import Runtime  # noqa: E402
from bot.channels.line.client import LineClient  # noqa: E402
from bot.channels.line.handler import LineBot  # noqa: E402
from bot.channels.line.webhook import routes  # noqa: E402

IN_FLIGHT = 32


def _child(conn) -> None:
    """The fake LINE: serve the API, and on command fire signed webhooks at the bot."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tools.fakeline import FakeLine, FakeLineServer, line_id, post_webhook

    fake = FakeLine()
    server = FakeLineServer(fake)
    conn.send((server.start(), fake.channel_secret, fake.access_token))
    result: list = []

    def fire(arg) -> None:
        url, n, users, batch = arg
        rng = random.Random(1)
        people = [line_id() for _ in range(users)]
        for u in people:
            fake.profiles[u] = {"language": "en"}
        bodies = []
        for i in range(0, n, batch):
            events = [
                fake.text(people[(i + j) % users], rng.choice(QUESTIONS))
                for j in range(min(batch, n - i))
            ]
            bodies.append(fake.signed(*events))
        t0 = time.monotonic()
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            statuses = list(pool.map(lambda b: post_webhook(url, *b), bodies))
        result.append((t0, time.monotonic(), statuses.count(200), len(bodies)))

    while True:
        cmd, arg = conn.recv()
        if cmd == "fire":
            threading.Thread(target=fire, args=(arg,), daemon=True).start()
            conn.send(None)
        elif cmd == "status":
            fired = result[0] if result else None
            conn.send((fake.reply_count, fake.push_count, len(fake.violations), fired))
        elif cmd == "stop":
            server.stop()
            conn.send(None)
            return


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(n: int, users: int, batch: int) -> None:
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("spawn").Process(target=_child, args=(child,))
    proc.start()
    api_url, secret, token = parent.recv()

    def ask(cmd, arg=None):
        parent.send((cmd, arg))
        return parent.recv()

    with tempfile.TemporaryDirectory() as tmp:
        services = Runtime.open(ROOT / "content", Path(tmp) / "bench.sqlite3")
        client = LineClient(token, api_url)
        await client.start()
        line = LineBot(services, client, secret)
        port = _free_port()
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes(line)))
        server.listen(port, "127.0.0.1")
        try:
            await asyncio.to_thread(ask, "fire", (f"http://127.0.0.1:{port}/line", n, users, batch))
            while True:
                replies, pushes, violations, fired = await asyncio.to_thread(ask, "status")
                if replies >= n and fired:
                    break
                await asyncio.sleep(0.02)
            t_end = time.monotonic()
            t0, t_posted, accepted, bodies = fired
        finally:
            server.stop()
            await line.drain()
            await client.close()
            ask("stop")
            proc.join(5)
    elapsed = t_end - t0
    print(f"LINE webhooks: {n} text events in {bodies} signed bodies, {users} users")
    print(f"  accepted (200): {accepted}/{bodies}, posted in {t_posted - t0:.2f} s")
    print(f"  answered      : {replies} replies, {pushes} pushes, {violations} spec violations")
    print(f"  throughput    : {n / elapsed:7.1f} answered events/s ({elapsed:.2f} s)")
    assert pushes == 0 and violations == 0 and accepted == bodies


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=400)
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--batch", type=int, default=1, help="events per webhook body")
    a = p.parse_args()
    asyncio.run(main(a.events, a.users, a.batch))
