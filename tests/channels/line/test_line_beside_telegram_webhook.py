"""Telegram's webhook server and LINE's /line on one port (run_with_line, webhook mode)."""

from __future__ import annotations

import asyncio
import socket

import httpx

from bot.app.runtime import Runtime
from bot.channels.telegram.app import build_application
from bot.channels.telegram.webhook import SECRET_HEADER
from bot.cli.run import run_with_line
from bot.config import Settings
from bot.storage.db import Store, connect
from tools.fakeapi import FakeRequest
from tools.fakeline import line_id

SECRET = "s3cret-token-for-tests_0123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_one_server_serves_telegram_and_line(fake_api, fake_line, loaded, tmp_path):
    services = Runtime(loaded, Store(connect(tmp_path / "db.sqlite3")))
    port = _free_port()
    settings = Settings(
        token=fake_api.token,
        webhook_url="https://bot.example.org",
        webhook_secret=SECRET,
        port=port,
        line_channel_secret=fake_line.channel_secret,
        line_channel_access_token=fake_line.access_token,
        line_api_url=fake_line.url,
    )
    app = build_application(settings, services, request=FakeRequest(fake_api), rate_limit=False)
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_with_line(settings, services, listen="127.0.0.1", telegram=app, webhook=True, stop=stop)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                try:
                    await client.get(f"{base}/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            update = fake_api.push_message(11, "/help")
            r = await client.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert r.status_code == 200
            user = line_id()
            fake_line.profiles[user] = {"language": "en"}
            body, signature = fake_line.signed(fake_line.text(user, "/help"))
            r = await client.post(f"{base}/line", content=body, headers={"X-Line-Signature": "x"})
            assert r.status_code == 401
            r = await client.post(f"{base}/line", content=body,
                                  headers={"X-Line-Signature": signature})  # fmt: skip
            assert r.status_code == 200
            await fake_api.wait_until(lambda: fake_api.messages_to(11))
            for _ in range(200):
                if fake_line.texts_to(user):
                    break
                await asyncio.sleep(0.05)
            assert "/menu" in fake_line.texts_to(user)[0]
            assert fake_line.push_count == 0 and fake_line.violations == []
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
