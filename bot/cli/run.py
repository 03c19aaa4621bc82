"""`python -m bot run` with LINE: one process, one database, one live content.

- LINE alone: an HTTP server on PORT with POST /line and GET /health.
- LINE and Telegram's webhook: /line is served by the same server as Telegram's webhook.
- LINE and Telegram's long polling: polling and the LINE server in one event loop.
Stops on SIGTERM/SIGINT after the events in hand are answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import tornado.httpserver
import tornado.web

from bot.app.runtime import Runtime
from bot.channels.line.client import LineClient
from bot.channels.line.handler import LineBot
from bot.channels.line.webhook import HealthHandler, routes
from bot.config import Settings

log = logging.getLogger("bot.run")
MAX_BODY = 1_000_000
RETENTION_EVERY_S = 24 * 3600  # as Telegram's job queue does it (channels/telegram/app.py)
RETENTION_FIRST_S = 60


async def retention_loop(
    services: Runtime,
    days: int,
    every_s: float = RETENTION_EVERY_S,
    first_s: float = RETENTION_FIRST_S,
) -> None:
    """The daily retention purge when no Telegram job queue runs it (LINE alone)."""
    await asyncio.sleep(first_s)
    while True:
        try:
            deleted = services.purge_old_records(days)
            log.info("retention purge deleted=%s", deleted)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(every_s)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def run_with_line(
    settings: Settings,
    services: Runtime,
    *,
    listen: str = "0.0.0.0",
    telegram=None,  # a python-telegram-bot Application, or None for LINE alone
    webhook: bool = False,
    allowed_updates: list[str] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    stop = stop or asyncio.Event()
    client = LineClient(settings.line_channel_access_token or "", settings.line_api_url)
    await client.start()
    line = LineBot(services, client, settings.line_channel_secret or "")
    try:
        if telegram is not None and webhook:
            from bot.channels.telegram.webhook import serve_webhook

            await serve_webhook(
                telegram,
                services,
                public_url=settings.webhook_url,
                secret=settings.webhook_secret,
                port=settings.port,
                listen=listen,
                allowed_updates=allowed_updates,
                stop=stop,
                extra_routes=routes(line),
            )
            return
        _stop_on_signals(stop)
        app = tornado.web.Application(
            [*routes(line), (r"/health", HealthHandler, {"health": services.health})]
        )
        server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY)
        server.listen(settings.port, listen)
        log.info("line webhook listening port=%s path=/line", settings.port)
        purge = None
        if telegram is None:  # (with Telegram, its job queue purges daily)
            purge = asyncio.create_task(retention_loop(services, settings.retention_days))
        if telegram is not None:  # long polling in the same loop
            await telegram.initialize()
            if telegram.post_init:
                await telegram.post_init(telegram)
            await telegram.updater.start_polling(allowed_updates=allowed_updates)
            await telegram.start()
        try:
            await stop.wait()
        finally:
            server.stop()
            if purge is not None:
                purge.cancel()
            if telegram is not None:
                await telegram.updater.stop()
                await telegram.stop()
                await telegram.shutdown()
    finally:
        await line.drain()  # answer what was received before stopping
        await client.close()
        log.info("stopped pushes=%d replies=%d", client.pushes, client.replies)
