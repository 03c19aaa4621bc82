"""`python -m bot run` as a real process against the HTTP fake, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _wait(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError


@pytest.mark.slow
def test_run_polls_answers_and_stops_on_sigterm(fake_api, fake_http, tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_URL": fake_http.url,
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_ADMIN_IDS": "42",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env from the project folder
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        fake_api.push_message(7, "/start", language_code="en")
        _wait(lambda: fake_api.messages_to(7))
        fake_api.push_message(7, "Lao embassy in Seoul phone number")
        _wait(lambda: any("Seoul" in (m.get("text") or "") for m in fake_api.messages_to(7)[2:]))
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
        assert time.monotonic() - t0 < 10
        assert proc.returncode == 0, out
        assert fake_api.token not in out  # the token never reaches the logs
    finally:
        if proc.poll() is None:
            proc.kill()
