"""The webhook under hostile requests (issue #13, finding 8): the secret is checked before
the body is read, a stalled body is cut off, a JSON body that is not an object is 400."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import httpx
import pytest

from bot.app.runtime import Runtime
from bot.channels.telegram import webhook
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


@pytest.fixture
async def server(fake_api, loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(webhook, "BODY_TIMEOUT_S", 1.0, raising=False)
    services = Runtime(loaded, Store(connect(tmp_path / "db.sqlite3")))
    app = build_application(Settings(token=fake_api.token), services,
                            request=FakeRequest(fake_api), rate_limit=False)  # fmt: skip
    port, stop = _free_port(), asyncio.Event()
    task = asyncio.create_task(
        serve_webhook(app, services, public_url="https://bot.example.org", secret=SECRET,
                      listen="127.0.0.1", port=port, stop=stop)
    )  # fmt: skip
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            with contextlib.suppress(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/health")
                break
            await asyncio.sleep(0.05)
    yield port
    stop.set()
    await asyncio.wait_for(task, 10)


async def _raw(port: int, head: str, body: bytes, wait: float = 3.0) -> bytes:
    """Send headers and part of a body, then read what comes back within `wait` s."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + body)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), wait)
    except TimeoutError:
        return b"(no answer)"
    finally:
        writer.close()


def _head(secret: str | None, length: int) -> str:
    lines = ["POST /telegram HTTP/1.1", "Host: x", "Content-Type: application/json",
             f"Content-Length: {length}"]  # fmt: skip
    if secret is not None:
        lines.append(f"{SECRET_HEADER}: {secret}")
    return "\r\n".join(lines) + "\r\n\r\n"


@pytest.mark.parametrize("secret", [None, "wrong-secret-000000"])
async def test_wrong_secret_is_refused_before_the_body_arrives(server, secret):
    answer = await _raw(server, _head(secret, 900_000), b'{"update_id": 1, "mess')
    assert answer.startswith(b"HTTP/1.1 403")


async def test_a_stalled_body_is_cut_off(server):
    answer = await _raw(server, _head(SECRET, 5_000), b'{"update_id": 1', wait=5.0)
    assert answer != b"(no answer)"  # closed (or answered) after BODY_TIMEOUT_S, not held open


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "17", "null", "{not json"])
async def test_json_that_is_not_an_object_is_400(server, body):
    async with httpx.AsyncClient() as client:
        r = await client.post(f"http://127.0.0.1:{server}/telegram", content=body,
                              headers={SECRET_HEADER: SECRET})  # fmt: skip
    assert r.status_code == 400
