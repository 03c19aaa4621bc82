"""POST /line: LINE's webhook. The signature (X-Line-Signature, HMAC-SHA256 of the body
with the channel secret) is checked by line-bot-sdk's parser before anything is read: a
request that does not match gets 401 and none of its events is processed. A good one is
answered 200 at once and its events are handled in the background (LINE expects a quick
answer and redelivers otherwise)."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

import tornado.web
from linebot.v3.exceptions import InvalidSignatureError

from bot.channels.line.handler import LineBot

log = logging.getLogger("bot.line")
SIGNATURE_HEADER = "X-Line-Signature"
PATH = "/line"


class LineWebhookHandler(tornado.web.RequestHandler):
    def initialize(self, line: LineBot) -> None:
        self.line = line

    async def post(self) -> None:
        signature = self.request.headers.get(SIGNATURE_HEADER, "")
        try:
            body = self.request.body.decode("utf-8")
            events = self.line.parse(body, signature)
        except InvalidSignatureError:
            log.warning("line webhook refused: missing or wrong signature")
            self.set_status(HTTPStatus.UNAUTHORIZED)
            return
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        self.line.dispatch(events)
        self.set_status(HTTPStatus.OK)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({}))

    def get(self) -> None:
        self.set_status(HTTPStatus.METHOD_NOT_ALLOWED)


def routes(line: LineBot) -> list:
    """The tornado routes to add beside Telegram's (or alone)."""
    return [(rf"{PATH}/?", LineWebhookHandler, {"line": line})]


class HealthHandler(tornado.web.RequestHandler):
    """GET /health when LINE runs without Telegram's webhook server (same answer)."""

    def initialize(self, health) -> None:
        self.health = health

    def get(self) -> None:
        status = self.health()
        self.set_status(HTTPStatus.OK if status["ok"] else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(status))
