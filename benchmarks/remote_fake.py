"""The fake Telegram (tools/fakeapi) over HTTP in a child process, driven by commands.

Benchmarks run it apart from the bot, as Telegram runs elsewhere: its request
validation must not eat the bot's CPU time. Each benchmark passes the commands
it needs as functions (fake, arg) -> picklable result; "violations" and "stop"
are built in.

    with RemoteFake({"count": lambda fake, m: len(fake.sent(method=m))}) as remote:
        remote.url, remote.token
        remote("count", "sendMessage")
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.fakeapi import FakeBotAPI
from tools.fakeapi.http import serve_http

Command = Callable[[FakeBotAPI, Any], Any]


def _serve(conn, commands: dict[str, Command], setup: Callable[[FakeBotAPI], None] | None) -> None:
    fake = FakeBotAPI()
    if setup is not None:
        setup(fake)
    server = serve_http(fake)
    conn.send((server.url, fake.token))
    while True:
        cmd, arg = conn.recv()
        if cmd == "stop":
            server.close()
            conn.send(None)
            return
        if cmd == "violations":
            conn.send([str(v) for v in fake.violations])
        else:
            conn.send(commands[cmd](fake, arg))


class RemoteFake:
    def __init__(
        self, commands: dict[str, Command], setup: Callable[[FakeBotAPI], None] | None = None
    ):
        self._conn, child = multiprocessing.Pipe()
        ctx = multiprocessing.get_context("fork")  # the commands are closures: fork, not spawn
        self._proc = ctx.Process(target=_serve, args=(child, commands, setup), daemon=True)
        self._proc.start()
        self.url, self.token = self._conn.recv()

    def __call__(self, cmd: str, arg: Any = None) -> Any:
        self._conn.send((cmd, arg))
        return self._conn.recv()

    def close(self) -> None:
        if self._proc.is_alive():
            self("stop")
            self._proc.join(5)

    def __enter__(self) -> RemoteFake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def push_texts(fake: FakeBotAPI, messages: list[tuple[int, str]]) -> None:
    for user, text in messages:
        fake.push_message(user, text, language_code="en")


def count(fake: FakeBotAPI, method: str) -> int:
    return len(fake.sent(method=method))
