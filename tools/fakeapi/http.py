"""Serve a FakeBotAPI over real HTTP on localhost, the way api.telegram.org is addressed.

Why also HTTP when FakeRequest exists: the in-process backend replaces PTB's HTTPXRequest;
this server keeps it, so one end-to-end test covers the production request path (httpx,
form/multipart encoding, timeouts, connection reuse, long polling over a socket).

Paths mirror Telegram: ``POST|GET /bot<token>/<method>`` and ``GET /file/bot<token>/<path>``.
Point PTB at it with ``base_url=f"{server.url}/bot"`` and
``base_file_url=f"{server.url}/file/bot"`` (or use :meth:`FakeHTTPServer.app_builder`).
Accepted bodies: JSON, ``application/x-www-form-urlencoded`` (what httpx sends for PTB
without files), ``multipart/form-data`` (with files) and query parameters.

stdlib ``ThreadingHTTPServer`` in a daemon thread: long polls block a handler thread each,
which is exactly what :meth:`FakeBotAPI.handle` is designed for.
"""

from __future__ import annotations

import json
import logging
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .core import FakeBotAPI
from .inprocess import split_bot_path
from .validation import UploadedFile

__all__ = ["FakeHTTPServer", "serve_http"]

_LOG = logging.getLogger(__name__)


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Decode a request body into (params, files) by its content type."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if ctype == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data, {}
    if ctype == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is None:
                params[str(name)] = payload.decode("utf-8")
            else:
                files[str(name)] = UploadedFile(
                    str(name), filename, payload, part.get_content_type()
                )
        return params, files
    # application/x-www-form-urlencoded (and anything else form-like)
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Telegram; httpx reuses connections
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms ACK stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        _LOG.debug("fake telegram http: " + format, *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _reply(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _reply_json(self, status: int, body: dict[str, Any]) -> None:
        self._reply(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        parsed = split_bot_path(split.path)
        if parsed is None:
            self._reply_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        kind, token, target = parsed
        if token != fake.token:
            self._reply_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        if kind == "file":
            content = fake.file_content(target)
            if content is None:
                self._reply_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            else:
                self._reply(200, content, "application/octet-stream")
            return
        params: dict[str, Any] = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            body_params, files = _parse_body(self.headers.get("Content-Type", ""), body)
        except ValueError as exc:
            self._reply_json(
                400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            )
            return
        params.update(body_params)
        status, answer = fake.handle(target, params, files, token=token)
        self._reply_json(status, answer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # blocked long polls must not keep the interpreter alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeBotAPI) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid long-poll (PTB shutting down) is normal; stay quiet."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class FakeHTTPServer:
    """A running HTTP front for a FakeBotAPI. Use as a context manager or call close()."""

    def __init__(self, fake: FakeBotAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self._server = _Server((host, port), fake)
        self.host, self.port = self._server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-telegram-http:{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` (the token is appended by PTB)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``."""
        return f"{self.url}/file/bot"

    def app_builder(self, token: str | None = None) -> Any:
        """An ``ApplicationBuilder`` pointed at this server (real HTTPXRequest underneath)."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(token or self.fake.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    def bot(self, token: str | None = None, **kwargs: Any) -> Any:
        """An ``ExtBot`` pointed at this server (call ``await bot.initialize()``)."""
        from telegram.ext import ExtBot

        return ExtBot(
            token=token or self.fake.token,
            base_url=self.base_url,
            base_file_url=self.base_file_url,
            **kwargs,
        )

    def close(self) -> None:
        """Stop serving; long polls still waiting are released with an empty answer."""
        self.fake.release_long_polls()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeHTTPServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve_http(fake: FakeBotAPI, host: str = "127.0.0.1", port: int = 0) -> FakeHTTPServer:
    """Start serving ``fake`` on ``host:port`` (0 = a free port); see ``.url``."""
    return FakeHTTPServer(fake, host, port)
