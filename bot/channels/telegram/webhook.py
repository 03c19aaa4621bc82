"""Webhook mode: an HTTPS front (a reverse proxy) forwards Telegram's POSTs here.

Every POST must carry Telegram's secret token header; without the right one it
gets 403 at once, before its body is read, and is not processed. Bodies are bounded
in size (MAX_BODY) and time (BODY_TIMEOUT_S); a JSON body that is not an object is 400.
At most MAX_CONNECTIONS connections are open at once (so at most that many requests in
hand): one more gets 503 and is closed, and Telegram is asked to open at most
TELEGRAM_CONNECTIONS of them. GET /health says whether content is loaded and
the database writable (for Docker and monitoring). Public API only: updates
go into Application.update_queue like the poller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import time
from http import HTTPStatus

import tornado.httpserver
import tornado.iostream
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.app.runtime import Runtime
from bot.channels.telegram.startup import wait_for_telegram

log = logging.getLogger("bot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000
BODY_TIMEOUT_S = 10.0  # a body that trickles in slower than this is cut off
IDLE_TIMEOUT_S = 60.0  # a kept-alive connection with nothing to say is closed
MAX_CONNECTIONS = 100  # open at once; more are refused (503) until some close
TELEGRAM_CONNECTIONS = 40  # setWebhook max_connections: Telegram's share of them
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


@tornado.web.stream_request_body  # prepare() runs on the headers, before any body is read
class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, app: Application, secret: str) -> None:
        self.app, self.secret = app, secret
        self.chunks: list[bytes] = []

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused: missing or wrong secret token")
            self.set_status(HTTPStatus.FORBIDDEN)
            self.set_header("Connection", "close")
            self.finish()
            return
        self.request.connection.set_body_timeout(BODY_TIMEOUT_S)

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            if not isinstance(data, dict):  # a list, string or number is no update
                raise TypeError("not a JSON object")
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        await self.app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def get(self) -> None:
        self.set_status(HTTPStatus.METHOD_NOT_ALLOWED)


class _BoundedHTTPServer(tornado.httpserver.HTTPServer):
    """Tornado has no connection limit of its own: past `max_connections` open ones, a new
    connection is answered 503 and closed before anything is read from it."""

    def initialize(self, *args, max_connections: int = MAX_CONNECTIONS, **kwargs) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.refused, self._logged = 0, 0.0

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple) -> None:
        if len(self._connections) < self.max_connections:
            super().handle_stream(stream, address)
            return
        self.refused += 1
        if time.monotonic() - self._logged > 60:  # a connection flood logs once a minute
            self._logged = time.monotonic()
            log.warning("webhook connection refused: %s open (the limit)", self.max_connections)
        with contextlib.suppress(tornado.iostream.StreamClosedError):  # the client has gone
            stream.write(BUSY).add_done_callback(lambda _f: _close(stream, _f))


def _close(stream: tornado.iostream.IOStream, written: asyncio.Future) -> None:
    if not written.cancelled():
        written.exception()  # a client that left before the 503: nothing to report
    stream.close()


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, services: Runtime) -> None:
        self.services = services

    def get(self) -> None:
        status = self.services.health()
        self.set_status(HTTPStatus.OK if status["ok"] else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(status))


def make_web_app(
    app: Application, services: Runtime, secret: str, path: str, extra_routes: list = ()
) -> tornado.web.Application:
    """`extra_routes`: other channels' webhooks served beside Telegram's (LINE's /line)."""
    return tornado.web.Application(
        [
            (rf"/{path.strip('/')}/?", _UpdateHandler, {"app": app, "secret": secret}),
            (r"/health", _HealthHandler, {"services": services}),
            *extra_routes,
        ]
    )


async def serve_webhook(
    app: Application,
    services: Runtime,
    *,
    public_url: str,
    secret: str,
    listen: str = "0.0.0.0",
    port: int = 8080,
    path: str = "telegram",
    allowed_updates: list[str] | None = None,
    stop: asyncio.Event | None = None,
    register: bool = True,
    extra_routes: list = (),
) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set); finish the updates in hand, then exit."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread (tests)
            loop.add_signal_handler(sig, stop.set)
    if not await wait_for_telegram(app.bot, stop=stop):  # no network yet: backoff
        if stop.is_set():
            return
        raise SystemExit(1)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    if register:
        await app.bot.set_webhook(
            f"{public_url.rstrip('/')}/{path.strip('/')}",
            secret_token=secret,
            allowed_updates=allowed_updates,
            max_connections=TELEGRAM_CONNECTIONS,
        )
    server = _BoundedHTTPServer(
        make_web_app(app, services, secret, path, extra_routes),
        max_body_size=MAX_BODY,
        body_timeout=BODY_TIMEOUT_S,
        idle_connection_timeout=IDLE_TIMEOUT_S,
        max_connections=MAX_CONNECTIONS,
    )
    server.listen(port, listen)
    log.info("webhook listening port=%s path=/%s", port, path.strip("/"))
    try:
        await stop.wait()
    finally:
        server.stop()
        await app.stop()  # processes what is already in the update queue
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
        log.info("webhook stopped")
