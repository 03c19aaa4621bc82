"""`python -m bot run` with only the LINE settings, as a real process: a signed text event
posted to /line is answered through the reply endpoint of LINE_API_URL (the fake LINE
platform); a wrongly signed one is refused and answered nothing; SIGTERM stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tools.fakeline import FakeLine, FakeLineServer, line_id, post_webhook, sign


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


@pytest.mark.slow
def test_run_with_only_line_answers_a_signed_event_by_reply(tmp_path):
    fake = FakeLine()
    port = _free_port()
    with FakeLineServer(fake) as api_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env |= {
            "LINE_CHANNEL_SECRET": fake.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": fake.access_token,
            "LINE_API_URL": api_url,
            "PORT": str(port),
            "BOT_DB": str(tmp_path / "bot.sqlite3"),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--listen", "127.0.0.1"],
            cwd=tmp_path,  # no .env from the project folder
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert _wait(lambda: _health(port) or proc.poll() is not None)["ok"]
            url = f"http://127.0.0.1:{port}/line"
            user = line_id()
            fake.profiles[user] = {"language": "en"}
            body = fake.body(fake.text(user, "passport taken by employer"))
            assert post_webhook(url, body, sign(body, "wrong secret")) == 401
            assert post_webhook(url, body, None) == 401
            time.sleep(0.5)
            assert fake.sent == []  # the refused request was not processed
            assert post_webhook(url, body, sign(body, fake.channel_secret)) == 200
            _wait(lambda: fake.texts_to(user))
            assert "passport" in fake.texts_to(user)[0].lower()
            assert [s.via for s in fake.sent] == ["reply"]
            assert fake.violations == []
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=15)
            assert proc.returncode == 0, out
            assert fake.access_token not in out and fake.channel_secret not in out
        finally:
            if proc.poll() is None:
                proc.kill()


@pytest.mark.slow
def test_run_with_telegram_and_line_answers_both_in_one_process(fake_api, fake_http, tmp_path):
    fake = FakeLine()
    port = _free_port()
    with FakeLineServer(fake) as api_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": fake_api.token,
            "TELEGRAM_API_URL": fake_http.url,
            "LINE_CHANNEL_SECRET": fake.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": fake.access_token,
            "LINE_API_URL": api_url,
            "PORT": str(port),
            "BOT_DB": str(tmp_path / "bot.sqlite3"),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--listen", "127.0.0.1"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert _wait(lambda: _health(port) or proc.poll() is not None)["ok"]
            fake_api.push_message(7, "passport taken by employer", language_code="en")
            user = line_id()
            body, signature = fake.signed(fake.text(user, "what is the weather on mars today"))
            assert post_webhook(f"http://127.0.0.1:{port}/line", body, signature) == 200
            _wait(lambda: fake.texts_to(user) and fake_api.messages_to(7))
            assert "1362" in fake.texts_to(user)[0]
            assert "passport" in (fake_api.messages_to(7)[0].get("text") or "").lower()
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=15)
            assert proc.returncode == 0, out
            # one database: the LINE question is recorded beside Telegram's
            import sqlite3

            db = sqlite3.connect(tmp_path / "bot.sqlite3")
            channels = sorted(r[0] for r in db.execute("SELECT channel FROM asked"))
            assert channels == ["line", "telegram"]
        finally:
            if proc.poll() is None:
                proc.kill()
