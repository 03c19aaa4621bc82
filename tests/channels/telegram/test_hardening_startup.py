"""Start-up without network (issue #13, finding 12): one clear line per attempt, retries
with backoff, no tracebacks; a refused token stops at once."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time

from telegram.error import InvalidToken, NetworkError

from bot.channels.telegram.startup import wait_for_telegram
from tests.conftest import CONTENT


class _Bot:
    def __init__(self, failures: list[Exception]):
        self.failures, self.calls = failures, 0

    async def initialize(self) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)


async def test_waits_with_backoff_and_one_line_per_attempt(caplog):
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    bot = _Bot([NetworkError("no route")] * 4)
    with caplog.at_level(logging.INFO, logger="bot.startup"):
        assert await wait_for_telegram(bot, sleep=sleep) is True
    assert slept == [1, 2, 4, 8] and bot.calls == 5
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4 and all(r.exc_info is None for r in warnings)
    assert "cannot reach Telegram" in warnings[0].getMessage()


async def test_a_refused_token_stops_at_once(caplog):
    bot = _Bot([InvalidToken("Unauthorized")])
    assert await wait_for_telegram(bot, sleep=None) is False  # type: ignore[arg-type]
    assert "TELEGRAM_BOT_TOKEN" in caplog.text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_without_network_keeps_trying_without_tracebacks(tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:ABCdefGhIJKlmnoPQRstuVWXyz123456789",
        "TELEGRAM_API_URL": f"http://127.0.0.1:{_closed_port()}",
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_CONTENT_DIR": str(CONTENT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
            lines.append(line)
            if sum("cannot reach Telegram" in ln for ln in lines) >= 2:
                break
        assert proc.poll() is None, "".join(lines)  # still running, retrying
        proc.send_signal(signal.SIGINT)
        out = "".join(lines) + proc.communicate(timeout=20)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in out, out
    assert sum("cannot reach Telegram" in ln for ln in out.splitlines()) >= 2


async def test_a_stop_signal_ends_the_wait_for_the_network_at_once():
    """SIGINT while waiting: no more attempts, no backoff slept out (the process test
    above timed out under load when a KeyboardInterrupt was lost and the backoff went on)."""
    import asyncio

    from telegram.error import NetworkError

    from bot.channels.telegram.startup import wait_for_telegram

    stop = asyncio.Event()
    tries = []

    class Offline:
        async def initialize(self):
            tries.append(1)
            stop.set()  # the signal arrives during the first attempt
            raise NetworkError("no route")

    started = asyncio.get_running_loop().time()
    assert await wait_for_telegram(Offline(), stop=stop) is False
    assert tries == [1]
    assert asyncio.get_running_loop().time() - started < 0.9  # not the 1 s first delay
