"""Webhook mode on 127.0.0.1: the secret token header is required; /health reports."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx

from bot.app.runtime import Runtime
from bot.channels.telegram.app import build_application
from bot.channels.telegram.webhook import SECRET_HEADER, serve_webhook
from bot.config import Settings
from bot.storage.db import Store, connect
from tools.fakeapi import FakeRequest

SECRET = "s3cret-token-for-tests_0123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_accepts_right_secret_refuses_others(fake_api, loaded, tmp_path):
    services = Runtime(loaded, Store(connect(tmp_path / "db.sqlite3")))
    settings = Settings(token=fake_api.token)
    app = build_application(settings, services, request=FakeRequest(fake_api), rate_limit=False)
    port = _free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(
        serve_webhook(app, services, public_url="https://bot.example.org", secret=SECRET,
                      listen="127.0.0.1", port=port, stop=stop)
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/telegram"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    health = await client.get(f"http://127.0.0.1:{port}/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert health.status_code == 200
            assert json.loads(health.text)["content_loaded"] is True

            update = fake_api.push_message(11, "/help")
            r = await client.post(url, json=update)  # no secret
            assert r.status_code == 403
            r = await client.post(url, json=update, headers={SECRET_HEADER: "wrong-secret-000000"})
            assert r.status_code == 403
            await asyncio.sleep(0.2)
            assert fake_api.messages_to(11) == []  # not processed

            r = await client.post(url, json=update, headers={SECRET_HEADER: SECRET})
            assert r.status_code == 200
            await fake_api.wait_until(lambda: fake_api.messages_to(11))
            assert "/menu" in fake_api.messages_to(11)[-1]["text"]
        webhook = fake_api.sent(method="setWebhook")[-1].params
        assert webhook["url"] == "https://bot.example.org/telegram"
        assert webhook["secret_token"] == SECRET
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)
