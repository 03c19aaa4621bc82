"""FakeLine: the LINE platform's state for tests: reply tokens it issued, every request the
bot made (checked against messaging-api.yml), faults to inject, and signed webhook
bodies built from events that conform to webhook.yml."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tools.fakeline import openapi


def sign(body: bytes, channel_secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256(body, channel secret)."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def line_id(prefix: str = "U") -> str:
    return prefix + secrets.token_hex(16)


@dataclass
class Call:
    method: str
    path: str  # the spec's template, e.g. /v2/bot/profile/{userId}
    body: Any
    status: int
    errors: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Sent:
    """Messages that reached a chat: by reply (free) or by push (counted)."""

    to: str
    via: str  # reply | push
    messages: list[dict]


class FakeLine:
    """What LINE holds and checks. Thread-safe: the HTTP server runs in its own thread."""

    def __init__(self, channel_secret: str | None = None, access_token: str | None = None) -> None:
        self.channel_secret = channel_secret or secrets.token_hex(16)
        self.access_token = access_token or secrets.token_urlsafe(32)
        self.bot_user_id = line_id()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.sent: list[Sent] = []
        self.profiles: dict[str, dict] = {}
        self.faults: list[tuple[str, int]] = []  # (operationId, status), used in order
        self._tokens: dict[str, dict] = {}  # reply token -> {to, used, expires}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.token_ttl_s = 60.0

    # --- what the tests look at -------------------------------------------------------
    @property
    def push_count(self) -> int:
        return sum(1 for s in self.sent if s.via == "push")

    @property
    def reply_count(self) -> int:
        return sum(1 for s in self.sent if s.via == "reply")

    def messages_to(self, to: str) -> list[dict]:
        return [m for s in list(self.sent) if s.to == to for m in s.messages]

    def texts_to(self, to: str) -> list[str]:
        return [m.get("text", "") for m in self.messages_to(to) if m.get("type") == "text"]

    def fail_next(self, operation: str, status: int, times: int = 1) -> None:
        """The next `times` calls of `operation` (replyMessage, pushMessage, getProfile)
        get `status` (429, 500, ...)."""
        with self._lock:
            self.faults.extend([(operation, status)] * times)

    def expire(self, reply_token: str) -> None:
        with self._lock:
            self._tokens[reply_token]["expires"] = 0.0

    # --- webhook events (checked against webhook.yml) ---------------------------------
    def _base(self, kind: str, source: dict, reply: bool = True) -> dict:
        event: dict[str, Any] = {
            "type": kind,
            "source": source,
            "timestamp": int(time.time() * 1000),
            "mode": "active",
            "webhookEventId": "01" + secrets.token_hex(12).upper(),
            "deliveryContext": {"isRedelivery": False},
        }
        if reply:
            token = secrets.token_hex(16)
            to = source.get("groupId") or source.get("roomId") or source.get("userId")
            with self._lock:
                self._tokens[token] = {
                    "to": to,
                    "used": False,
                    "expires": time.monotonic() + self.token_ttl_s,
                }
            event["replyToken"] = token
        return event

    @staticmethod
    def source(user: str, group: str | None = None) -> dict:
        if group:
            return {"type": "group", "groupId": group, "userId": user}
        return {"type": "user", "userId": user}

    def text(
        self, user: str, text: str, *, group: str | None = None, mention_self: bool = False
    ) -> dict:
        message: dict[str, Any] = {
            "type": "text",
            "id": str(next(self._ids)),
            "text": text,
            "quoteToken": secrets.token_hex(8),
        }
        if mention_self:
            name = "@Safe work abroad"
            message["text"] = f"{name} {text}"
            message["mention"] = {
                "mentionees": [{"type": "user", "index": 0, "length": len(name), "isSelf": True}]
            }
        event = self._base("message", self.source(user, group))
        event["message"] = message
        return event

    def location(self, user: str, lat: float, lon: float) -> dict:
        event = self._base("message", self.source(user))
        event["message"] = {
            "type": "location",
            "id": str(next(self._ids)),
            "latitude": lat,
            "longitude": lon,
            "address": "",
        }
        return event

    def sticker(self, user: str) -> dict:
        event = self._base("message", self.source(user))
        event["message"] = {
            "type": "sticker",
            "id": str(next(self._ids)),
            "packageId": "446",
            "stickerId": "1988",
            "stickerResourceType": "STATIC",
            "quoteToken": secrets.token_hex(8),
        }
        return event

    def postback(self, user: str, data: str, group: str | None = None) -> dict:
        event = self._base("postback", self.source(user, group))
        event["postback"] = {"data": data}
        return event

    def follow(self, user: str) -> dict:
        event = self._base("follow", self.source(user))
        event["follow"] = {"isUnblocked": False}
        return event

    def unfollow(self, user: str) -> dict:
        return self._base("unfollow", self.source(user), reply=False)

    def body(self, *events: dict) -> bytes:
        """A webhook request body; raises if it would not conform to webhook.yml."""
        payload = {"destination": self.bot_user_id, "events": list(events)}
        errors = openapi.webhook().check_named("CallbackRequest", payload)
        if errors:
            raise AssertionError(f"fake built a non-conforming webhook body: {errors}")
        return json.dumps(payload, ensure_ascii=False).encode()

    def signed(self, *events: dict) -> tuple[bytes, str]:
        body = self.body(*events)
        return body, sign(body, self.channel_secret)

    # --- the Messaging API ------------------------------------------------------------
    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict]:
        """One HTTP request from the bot -> (status, JSON body)."""
        spec = openapi.messaging_api()
        if headers.get("Authorization") != f"Bearer {self.access_token}":
            return self._record(method, path, None, 401, ["wrong or missing access token"], headers)
        found = spec.operation(method, path)
        if found is None:
            return self._record(method, path, None, 404, ["not in messaging-api.yml"], headers)
        template, op = found
        body: Any = None
        errors: list[str] = []
        schema = spec.request_schema(op)
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                errors.append("body is not JSON")
        if schema is not None:
            if body is None and not errors:
                errors.append("missing JSON body")
            elif body is not None:
                errors += spec.check(schema, body)
                errors += openapi.quick_reply_problems(body)
        if errors:
            return self._record(method, template, body, 400, errors, headers)
        operation = op.get("operationId", "")
        with self._lock:
            fault = next((f for f in self.faults if f[0] == operation), None)
            if fault:
                self.faults.remove(fault)
        if fault:
            status, out = fault[1], {"message": "injected fault"}
            self._record(method, template, body, status, [], headers, violation=False)
            return status, out
        status, out = self._behave(operation, path, body)
        self._record(method, template, body, status, [], headers, violation=False)
        return status, out

    def _behave(self, operation: str, path: str, body: Any) -> tuple[int, dict]:
        sent = {
            "sentMessages": [{"id": str(next(self._ids))} for _ in (body or {}).get("messages", [])]
        }
        if operation == "replyMessage":
            with self._lock:
                token = self._tokens.get(body["replyToken"])
                if token is None or token["used"] or token["expires"] < time.monotonic():
                    return 400, {"message": "Invalid reply token"}
                token["used"] = True
            self.sent.append(Sent(token["to"], "reply", body["messages"]))
            return 200, sent
        if operation == "pushMessage":
            self.sent.append(Sent(body["to"], "push", body["messages"]))
            return 200, sent
        if operation == "getProfile":
            user = path.rsplit("/", 1)[-1]
            profile = self.profiles.get(user, {})
            return 200, {
                "displayName": profile.get("displayName", "Somchai"),
                "userId": user,
                **({"language": profile["language"]} if "language" in profile else {}),
            }
        return 200, {}

    def _record(self, method, path, body, status, errors, headers, violation=True):
        call = Call(method, path, body, status, errors, dict(headers))
        self.calls.append(call)
        if errors and violation:
            self.violations.extend(f"{method} {path}: {e}" for e in errors)
        return status, {"message": "; ".join(errors) or "error"}
