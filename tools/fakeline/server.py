"""The fake LINE platform over HTTP (aiohttp, in a thread of its own), so the real
line-bot-sdk client talks to it as to api.line.me; and a helper that posts signed webhook
bodies to the bot."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request

from aiohttp import web

from tools.fakeline.fake import FakeLine


class FakeLineServer:
    """`with FakeLineServer(fake) as url:` serves the Messaging API at `url`."""

    def __init__(self, fake: FakeLine, host: str = "127.0.0.1"):
        self.fake, self.host = fake, host
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    async def _serve(self, request: web.Request) -> web.Response:
        raw = await request.read()
        status, out = self.fake.handle(request.method, request.path, dict(request.headers), raw)
        return web.json_response(out, status=status)

    async def _start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        return f"http://{self.host}:{port}"

    def start(self) -> str:
        self._thread.start()
        self.url = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self.url

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def post_webhook(url: str, body: bytes, signature: str | None, timeout: float = 10) -> int:
    """POST a webhook body to the bot as LINE does; returns the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
