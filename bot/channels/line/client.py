"""The Messaging API through line-bot-sdk's async client, with LINE's faults handled.

429 and 5xx are retried with exponential backoff (LINE asks bots to back off); a push
carries an X-Line-Retry-Key so a retried push is delivered once. Pushes are counted and
logged: LINE's plans limit push messages per month, replies are free.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

log = logging.getLogger("bot.line")

RETRIES = 4
BACKOFF_S = 0.5  # 0.5, 1, 2, 4 seconds


class ReplyTokenExpired(Exception):
    """LINE refused the reply token (used, expired after about a minute, or unknown)."""


class LineSendError(Exception):
    """LINE refused a request for good (4xx other than 429), or kept failing."""

    def __init__(self, status: int | None, detail: str):
        super().__init__(f"LINE API {status}: {detail}")
        self.status = status


def _retryable(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


class LineClient:
    def __init__(
        self,
        access_token: str,
        api_url: str = "https://api.line.me",
        *,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self.config = Configuration(host=api_url.rstrip("/"), access_token=access_token)
        self.retries, self.backoff_s, self.sleep = retries, backoff_s, sleep
        self._client: AsyncApiClient | None = None
        self._api: AsyncMessagingApi | None = None
        self.pushes = 0  # push messages sent (they count against the plan's monthly limit)
        self.replies = 0

    async def start(self) -> None:
        """Make the HTTP session (inside the running event loop)."""
        if self._client is None:
            self._client = AsyncApiClient(self.config)
            self._api = AsyncMessagingApi(self._client)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = self._api = None

    @property
    def api(self) -> AsyncMessagingApi:
        if self._api is None:
            raise RuntimeError("LineClient.start() was not awaited")
        return self._api

    async def _call(self, what: str, make: Callable[[], Awaitable[Any]]) -> Any:
        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            try:
                return await make()
            except ApiException as exc:
                status = exc.status
                detail = _detail(exc)
                if status == 400 and "reply token" in detail.lower():
                    raise ReplyTokenExpired(detail) from exc
                if not _retryable(status) or attempt == self.retries:
                    raise LineSendError(status, detail) from exc
                log.warning("line %s status=%s retry in %.1fs", what, status, delay)
            except (TimeoutError, OSError) as exc:
                if attempt == self.retries:
                    raise LineSendError(None, type(exc).__name__) from exc
                log.warning("line %s network error=%s retry", what, type(exc).__name__)
            await self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    async def reply(self, reply_token: str, messages: list[Message]) -> None:
        request = ReplyMessageRequest(reply_token=reply_token, messages=messages)
        await self._call("reply", lambda: self.api.reply_message(request))
        self.replies += 1

    async def push(self, to: str, messages: list[Message], why: str) -> None:
        """A push (no reply token): counted and logged, never for a plain answer."""
        request = PushMessageRequest(to=to, messages=messages)
        key = str(uuid.uuid4())  # the same key on every retry: LINE delivers it once
        await self._call("push", lambda: self.api.push_message(request, x_line_retry_key=key))
        self.pushes += 1
        log.info("line push sent why=%s pushes_total=%d", why, self.pushes)

    async def profile_language(self, user_id: str) -> str | None:
        """The language set in the user's LINE app, if LINE tells us."""
        try:
            profile = await self._call("profile", lambda: self.api.get_profile(user_id))
        except LineSendError as exc:
            log.info("line profile not available status=%s", exc.status)
            return None
        return getattr(profile, "language", None)


def _detail(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return str(json.loads(body).get("message", body))
    except (TypeError, ValueError, AttributeError):
        return str(body or exc.reason or "")
