"""Run python-telegram-bot against the fake in the same process, without sockets.

Why a ``BaseRequest`` subclass: it is PTB's own seam for HTTP backends, so everything above
it stays real — ``Bot`` method argument handling, ``RequestData`` encoding, multipart file
parameters, the status-code-to-exception mapping (RetryAfter, Forbidden, BadRequest...) and
the ``Updater``'s polling loop. Only the socket is replaced.

``FakeRequest`` hands the fake exactly what ``HTTPXRequest`` would put on the wire:
``RequestData.json_parameters`` (strings; non-strings JSON-encoded) and the multipart parts
from ``RequestData.multipart_data``. So the in-process and the HTTP path are validated alike.

Usage::

    fake = FakeBotAPI()
    app = build_app(fake)                       # ApplicationBuilder wired to the fake
    # or: app_builder(fake).concurrent_updates(True).build()
    # or by hand:
    # ApplicationBuilder().token(fake.token)
    #     .request(FakeRequest(fake)).get_updates_request(FakeRequest(fake)).build()
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from telegram.error import TimedOut
from telegram.ext import Application, ApplicationBuilder, ExtBot
from telegram.request import BaseRequest, RequestData

from .core import FakeBotAPI
from .validation import UploadedFile

__all__ = ["FakeRequest", "app_builder", "build_app", "make_bot", "split_bot_path"]


def split_bot_path(path: str) -> tuple[str, str, str] | None:
    """Parse ``/bot<token>/<method>`` or ``/file/bot<token>/<file_path>``.

    Returns ``("method", token, method)``, ``("file", token, file_path)`` or None. Any
    prefix before ``/bot`` or ``/file/bot`` is ignored, so custom base URLs work.
    """
    path = unquote(path)
    marker = path.find("/file/bot")
    if marker >= 0:
        rest = path[marker + len("/file/bot") :]
        token, _, file_path = rest.partition("/")
        return ("file", token, file_path) if token and file_path else None
    marker = path.rfind("/bot")
    if marker < 0:
        return None
    token, _, method = path[marker + len("/bot") :].partition("/")
    if not token or not method or "/" in method:
        return None
    return "method", token, method


class FakeRequest(BaseRequest):
    """A PTB request backend whose "network" is :meth:`FakeBotAPI.handle_async`.

    ``read_timeout`` mirrors HTTPXRequest (default 5 s): a call slower than it (see
    ``FakeBotAPI.delay``) raises ``telegram.error.TimedOut`` like a real timeout would.
    For getUpdates PTB adds the long-poll ``timeout`` itself.
    """

    __slots__ = ("_fake", "_read_timeout")

    def __init__(self, fake: FakeBotAPI, *, read_timeout: float | None = 5.0) -> None:
        self._fake = fake
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: there is no connection pool."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        parsed = split_bot_path(urlsplit(url).path)
        if parsed is None:
            return 404, json.dumps(
                {"ok": False, "error_code": 404, "description": "Not Found"}
            ).encode()
        kind, token, target = parsed
        if kind == "file":
            if token != self._fake.token:
                return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
            content = self._fake.file_content(target)
            if content is None:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
            return 200, content

        params = request_data.json_parameters if request_data else {}
        files: dict[str, UploadedFile] = {}
        if request_data is not None and request_data.contains_files:
            for part, (filename, content, mime) in request_data.multipart_data.items():
                data = content.read() if hasattr(content, "read") else content
                files[part] = UploadedFile(part, filename, bytes(data), mime)

        timeout = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        call = self._fake.handle_async(target, params, files, token=token)
        try:
            if timeout is None:
                status, body = await call
            else:
                status, body = await asyncio.wait_for(call, timeout)  # type: ignore[arg-type]
        except TimeoutError as exc:
            raise TimedOut(f"fake Bot API did not answer {target} within {timeout}s") from exc
        return status, json.dumps(body, ensure_ascii=False).encode("utf-8")


def make_bot(fake: FakeBotAPI, token: str | None = None, **kwargs: object) -> ExtBot:
    """An ``ExtBot`` talking to ``fake`` in-process (call ``await bot.initialize()``)."""
    return ExtBot(
        token=token or fake.token,
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
        **kwargs,  # type: ignore[arg-type]
    )


def app_builder(fake: FakeBotAPI, token: str | None = None) -> ApplicationBuilder:
    """An ``ApplicationBuilder`` already wired to ``fake``; chain more options, then build()."""
    return (
        ApplicationBuilder()
        .token(token or fake.token)
        .request(FakeRequest(fake))
        .get_updates_request(FakeRequest(fake))
    )


def build_app(
    fake: FakeBotAPI,
    builder_hook: Callable[[ApplicationBuilder], ApplicationBuilder | None] | None = None,
    *,
    token: str | None = None,
) -> Application:
    """Build an Application wired to ``fake``; ``builder_hook`` may add options first.

    The hook receives the builder and may return it (or None) — e.g.
    ``build_app(fake, lambda b: b.rate_limiter(AIORateLimiter()))``.
    """
    builder = app_builder(fake, token)
    if builder_hook is not None:
        builder = builder_hook(builder) or builder
    return builder.build()
