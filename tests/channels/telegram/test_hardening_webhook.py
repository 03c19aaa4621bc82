"""The webhook under hostile requests (issue #13, findings 8 and 11): the secret is checked
before the body is read, a stalled body is cut off, a JSON body that is not an object is
400, connections past the limit are refused."""

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
    async for port in _serve(fake_api, loaded, tmp_path):
        yield port


@pytest.fixture
async def server_limited(fake_api, loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(webhook, "MAX_CONNECTIONS", 3, raising=False)
    async for port in _serve(fake_api, loaded, tmp_path):
        yield port


async def _serve(fake_api, loaded, tmp_path):
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


async def _health(port: int) -> int:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/health", timeout=5)).status_code


async def test_connections_past_the_limit_are_refused_until_some_close(server_limited):
    port = server_limited
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    await asyncio.sleep(0.2)  # the server has taken them
    answer = await _raw(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", b"")
    assert answer.startswith(b"HTTP/1.1 503"), answer
    for _reader, writer in held[:1]:
        writer.close()
    await asyncio.sleep(0.2)
    assert await _health(port) == 200
    for _reader, writer in held[1:]:
        writer.close()


async def test_telegram_is_asked_for_a_bounded_number_of_connections(server, fake_api):
    (call,) = fake_api.sent(method="setWebhook")
    assert int(call.params["max_connections"]) == webhook.TELEGRAM_CONNECTIONS
