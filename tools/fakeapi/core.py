"""FakeBotAPI: an offline Telegram Bot API server, independent of any transport.

Why: no machine that runs these tests can reach Telegram, yet the bot must be exercised with
the *real* python-telegram-bot stack (request encoding, error mapping, Updater polling). The
fake plays Telegram's part behind either transport:

* ``inprocess.FakeRequest`` calls :meth:`FakeBotAPI.handle_async` directly (fast, no sockets);
* ``http.serve_http`` exposes :meth:`FakeBotAPI.handle` on a local HTTP port (end to end).

Every call is validated against the published API (``spec.py`` + ``validation.py``). A
refused call is answered like Telegram does (``400 Bad Request``...) *and* recorded in
:attr:`FakeBotAPI.violations`, so a fixture can fail the test even when the bot swallows the
exception. Errors a correct bot can meet in production (message not modified, blocked by the
user, flood control) are answered too but are *not* violations; they land in
:attr:`FakeBotAPI.errors`.

Thread safety: one re-entrant lock guards all state; long polls wait on a Condition (HTTP
threads) or on an asyncio.Event woken from any thread (in-process), so a ``push_*`` from the
test wakes a waiting getUpdates immediately.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .forum import ForumMixin
from .methods import ApiError, MethodsMixin
from .spec import BotApiSpec, load_spec
from .updates import UpdatesMixin
from .validation import UploadedFile, Validator

__all__ = ["Call", "CallError", "FakeBotAPI", "Violation"]

DEFAULT_TOKEN = "123:TEST"
BOT_USERNAME = "lao_migration_test_bot"

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

#: Methods that deliver something to a chat: blocked chats and flood control apply to them.
_CHAT_DELIVERY = re.compile(r"^(send|copy|forward|edit|stop|pin|unpin|delete)", re.IGNORECASE)


class Call(NamedTuple):
    """A successful call: method name (canonical case) and decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass(repr=False)
class Violation:
    """A call Telegram would refuse (or the fake cannot serve): the test should fail."""

    method: str
    params: dict[str, Any]
    description: str
    status: int = 400

    def __str__(self) -> str:
        shown = json.dumps(self.params, default=repr, ensure_ascii=False)
        if len(shown) > 300:
            shown = shown[:300] + "..."
        return f"{self.method}: {self.description} | params={shown}"

    __repr__ = __str__


@dataclass
class CallError:
    """Any non-ok answer (violations, injected faults, state errors), for debugging."""

    method: str
    params: dict[str, Any]
    status: int
    description: str


@dataclass
class _FailRule:
    method: str  # lower-case or "*"
    status: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int | None
    chat_id: int | str | None


@dataclass
class _Bucket:
    """Token bucket, the same model as aiolimiter (used by PTB's AIORateLimiter)."""

    capacity: float
    rate: float  # tokens per second
    tokens: float = field(default=-1.0)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class _RateLimit:
    per_second: float
    per_chat_per_second: float | None
    group_per_minute: float | None
    slack: float
    as_violation: bool
    methods: frozenset[str] | None
    overall: _Bucket
    chats: dict[int, _Bucket] = field(default_factory=dict)
    groups: dict[int, _Bucket] = field(default_factory=dict)


@dataclass
class _LongPoll:
    generation: int
    epoch: int
    limit: int
    deadline: float


@dataclass
class _Outcome:
    status: int
    body: dict[str, Any]
    long_poll: _LongPoll | None = None


def _error_body(status: int, description: str, parameters: dict | None = None) -> dict:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class FakeBotAPI(ForumMixin, MethodsMixin, UpdatesMixin):
    """The fake Telegram server. See the module docstring for the why.

    Args:
        token: the only token accepted when a transport passes one (HTTP path, FakeRequest).
        spec: a parsed spec; default loads ``data/bot-api.json`` (copied into the repository).
        strict: also refuse what depends on server state the fake may not know: unknown
            chats ("chat not found"), unknown/twice-answered queries, unknown file ids.
        self_check: validate the fake's own answers and pushed updates against the spec
            (a mismatch is a bug in the fake and is reported as a violation).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        spec: BotApiSpec | None = None,
        strict: bool = False,
        self_check: bool = True,
        username: str = BOT_USERNAME,
        first_name: str = "Lao Migration Test Bot",
    ) -> None:
        self.token = token
        self.spec = spec or load_spec()
        self.validator = Validator(self.spec)
        self.strict = strict
        self.self_check = self_check
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._wakers: set[Callable[[], None]] = set()
        self._ids = itertools.count(1)
        self._rng = random.Random(0)

        #: Successful calls in order (getUpdates included).
        self.calls: list[Call] = []
        #: Calls Telegram would refuse; see assert_no_violations / expect_violations.
        self.violations: list[Violation] = []
        #: Every non-ok answer, violations included.
        self.errors: list[CallError] = []
        #: Accepted but deprecated usage (e.g. reply_to_message_id).
        self.warnings: list[str] = []
        #: 429 answers produced by enforce_rate_limit.
        self.rate_limit_hits: list[CallError] = []

        # Telegram state (used by methods.py / updates.py).
        self._updates: list[dict] = []
        self._next_update_id = 100_000_001
        self._poll_generation = 0
        self._poll_epoch = 0
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._message_counters: dict[int, int] = {}
        self._bot_message_ids: dict[int, list[int]] = {}
        self._user_message_ids: dict[int, list[tuple[int, int]]] = {}
        self._last_touched: dict[int, int | None] = {}
        self._polls: dict[str, dict] = {}
        self._callback_queries: dict[str, dict] = {}
        self._inline_queries: dict[str, dict] = {}
        self._commands: dict[tuple[str, str], list] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[Any, dict] = {}
        self._files: dict[str, dict] = {}
        self._file_paths: dict[str, str] = {}
        self._webhook: dict[str, Any] = {"url": ""}
        self._current_files: dict[str, UploadedFile] = {}

        # Fault injection.
        self._fail_rules: list[_FailRule] = []
        self._blocked: dict[int, str] = {}
        self._delays: dict[str, float] = {}
        self._rate: _RateLimit | None = None

    # ==== entry points ======================================================================

    def handle(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one call like Telegram: ``(http_status, {"ok": ..., ...})``. Blocking.

        ``params`` may hold wire strings (form data) or typed JSON values; ``files`` maps
        part names to :class:`UploadedFile` or ``(filename, bytes, mime)``/bytes. ``token``
        is checked when given (transports pass the one from the URL).
        """
        delay = self._delay_for(method)
        if delay:
            time.sleep(delay)
        outcome = self._process(method, params, files, token)
        if outcome.long_poll is None:
            return outcome.status, outcome.body
        with self._cond:
            while True:
                answer = self._long_poll_answer(outcome.long_poll)
                if answer is not None:
                    return answer
                self._cond.wait(max(0.0, outcome.long_poll.deadline - time.monotonic()))

    async def handle_async(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Same as :meth:`handle` without blocking the event loop (long polls await)."""
        delay = self._delay_for(method)
        if delay:
            await asyncio.sleep(delay)
        outcome = self._process(method, params, files, token)
        if outcome.long_poll is None:
            return outcome.status, outcome.body
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(event.set)

        with self._lock:
            self._wakers.add(wake)
        try:
            while True:
                event.clear()
                with self._lock:
                    answer = self._long_poll_answer(outcome.long_poll)
                if answer is not None:
                    return answer
                remaining = max(0.0, outcome.long_poll.deadline - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._lock:
                self._wakers.discard(wake)

    def release_long_polls(self) -> None:
        """Make waiting getUpdates calls return ``[]`` now (used when a server shuts down)."""
        with self._lock:
            self._poll_epoch += 1
            self._notify()

    def file_content(self, file_path: str) -> bytes | None:
        """Bytes behind a ``file_path`` returned by getFile (served at /file/bot<token>/...)."""
        with self._lock:
            file_id = self._file_paths.get(file_path)
            return self._files[file_id]["content"] if file_id else None

    # ==== processing ========================================================================

    def _process(
        self,
        method: str,
        raw_params: dict[str, Any] | None,
        raw_files: dict[str, Any] | None,
        token: str | None,
    ) -> _Outcome:
        params = dict(raw_params or {})
        files = _normalize_files(raw_files)
        with self._lock:
            if token is not None and token != self.token:
                return self._fail(method, params, 401, "Unauthorized")
            mspec = self.spec.method(method)
            if mspec is None:
                return self._fail(
                    method,
                    params,
                    404,
                    "Not Found",
                    violation=f'Not Found: "{method}" is not a Bot API method',
                )
            name = mspec.name
            typed = self.validator.coerce_params(mspec, params, files)
            check = self.validator.check_call(mspec, typed, files)
            self.warnings.extend(check.warnings)
            if check.problems:
                first, *more = check.problems
                outcome = self._fail(name, typed, 400, first, violation=first)
                self.violations.extend(Violation(name, typed, problem) for problem in more)
                return outcome
            fault = self._injected_fault(name, typed)
            if fault is not None:
                return fault
            if name == "getUpdates":
                return self._get_updates(typed)
            handler = getattr(self, f"_api_{name}", None)
            if handler is None:
                if mspec.returns == ("Boolean",):
                    return self._succeed(name, typed, True)
                detail = (
                    f"Bad Request: method {name} is not implemented by the fake Bot API; "
                    "add _api_" + name + " to tools/fakeapi/methods.py"
                )
                return self._fail(name, typed, 400, detail, violation=detail)
            self._current_files = files
            try:
                result = handler(typed)
            except ApiError as exc:
                return self._fail(
                    name,
                    typed,
                    exc.status,
                    exc.description,
                    exc.parameters,
                    violation=exc.description if exc.violation else None,
                )
            finally:
                self._current_files = {}
            result = copy.deepcopy(result)
            if self.self_check:
                problems = self.validator.check_value(result, mspec.returns, f"{name} result")
                for problem in problems:
                    self.violations.append(
                        Violation(name, typed, f"fake answered invalid data: {problem}", 500)
                    )
            return self._succeed(name, typed, result)

    def _succeed(self, method: str, params: dict, result: Any) -> _Outcome:
        self.calls.append(Call(method, params))
        return _Outcome(200, {"ok": True, "result": result})

    def _fail(
        self,
        method: str,
        params: dict,
        status: int,
        description: str,
        parameters: dict | None = None,
        *,
        violation: str | None = None,
    ) -> _Outcome:
        self.errors.append(CallError(method, params, status, description))
        if violation:
            self.violations.append(Violation(method, params, violation, status))
        return _Outcome(status, _error_body(status, description, parameters))

    # ==== getUpdates ========================================================================

    def _get_updates(self, params: dict) -> _Outcome:
        if self._webhook.get("url"):
            return self._fail(
                "getUpdates",
                params,
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]
        limit = params.get("limit") or 100
        timeout = params.get("timeout") or 0
        # A newer getUpdates terminates an older one, like Telegram (409 Conflict).
        self._poll_generation += 1
        self._notify()
        self.calls.append(Call("getUpdates", params))
        pending = copy.deepcopy(self._updates[:limit])
        if pending or timeout <= 0:
            return _Outcome(200, {"ok": True, "result": pending})
        return _Outcome(
            200,
            {"ok": True, "result": []},
            _LongPoll(self._poll_generation, self._poll_epoch, limit, time.monotonic() + timeout),
        )

    def _long_poll_answer(self, poll: _LongPoll) -> tuple[int, dict] | None:
        """Answer for a waiting long poll, or None to keep waiting. Lock must be held."""
        if poll.generation != self._poll_generation:
            desc = _DEFAULT_DESCRIPTIONS[409]
            self.errors.append(CallError("getUpdates", {}, 409, desc))
            return 409, _error_body(409, desc)
        pending = self._updates[: poll.limit]
        if pending or poll.epoch != self._poll_epoch or time.monotonic() >= poll.deadline:
            return 200, {"ok": True, "result": copy.deepcopy(pending)}
        return None

    def _notify(self) -> None:
        self._cond.notify_all()
        for wake in list(self._wakers):
            wake()

    def _enqueue(self, update: dict) -> dict:
        """Add an update to the queue (assigning update_id) and wake long polls."""
        with self._lock:
            update = copy.deepcopy(update)
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            if self.self_check:
                problems = self.validator.check_value(update, ["Update"], "update")
                if problems:
                    raise ValueError(f"pushed update is not a valid Update: {problems}")
            self._updates.append(update)
            self._notify()
            return copy.deepcopy(update)

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return copy.deepcopy(self._updates)

    # ==== fault injection ===================================================================

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        times: int | None = 1,
        chat_id: int | str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with an error.

        A 429 carries ``parameters.retry_after`` (default 1 s), which PTB raises as
        RetryAfter. ``times=None`` keeps failing until :meth:`clear_faults`. With
        ``chat_id`` only calls to that chat fail.
        """
        params = dict(parameters or {})
        if status == 429:
            seconds = 1 if retry_after is None else int(retry_after)
            params["retry_after"] = max(1, seconds)
            default = f"Too Many Requests: retry after {params['retry_after']}"
        else:
            default = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        with self._lock:
            self._fail_rules.append(
                _FailRule(
                    method="*" if method == "*" else method.lower(),
                    status=status,
                    description=description or default,
                    parameters=params or None,
                    remaining=times,
                    chat_id=chat_id,
                )
            )

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every delivery to ``chat_id`` answers 403 (the user blocked the bot / kicked it)."""
        if description is None:
            description = (
                "Forbidden: bot was blocked by the user"
                if chat_id > 0
                else "Forbidden: bot was kicked from the group chat"
            )
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.pop(chat_id, None)

    def delay(self, method: str, seconds: float) -> None:
        """Make ``method`` ("*" = all) answer after ``seconds`` (0 removes the delay).

        Over HTTP the call is still processed after the client timed out (like a slow
        Telegram); in-process a client timeout cancels it before it takes effect.
        """
        with self._lock:
            key = "*" if method == "*" else method.lower()
            if seconds <= 0:
                self._delays.pop(key, None)
            else:
                self._delays[key] = seconds

    def enforce_rate_limit(
        self,
        per_second: float = 30,
        *,
        per_chat_per_second: float | None = None,
        group_per_minute: float | None = None,
        slack: float = 1,
        as_violation: bool = True,
        methods: set[str] | None = None,
    ) -> None:
        """Simulate Telegram's flood control: exceeding it answers 429 with retry_after.

        Token buckets (burst = rate, refilled continuously), the model of aiolimiter that
        PTB's AIORateLimiter uses, so a correctly limited bot never trips it; ``slack``
        extra tokens absorb transport jitter. Applies to send*/copy*/forward* calls except
        sendChatAction unless ``methods`` is given. Hits are recorded in ``rate_limit_hits``
        and, with ``as_violation``, as violations (the point is proving the limiter works).
        """
        with self._lock:
            self._rate = _RateLimit(
                per_second=per_second,
                per_chat_per_second=per_chat_per_second,
                group_per_minute=group_per_minute,
                slack=slack,
                as_violation=as_violation,
                methods=frozenset(m.lower() for m in methods) if methods else None,
                overall=_Bucket(per_second + slack, per_second),
            )

    def disable_rate_limit(self) -> None:
        with self._lock:
            self._rate = None

    def clear_faults(self) -> None:
        """Remove fail_next rules, blocked chats, delays and rate limits."""
        with self._lock:
            self._fail_rules.clear()
            self._blocked.clear()
            self._delays.clear()
            self._rate = None

    def _delay_for(self, method: str) -> float:
        with self._lock:
            return self._delays.get(method.lower(), self._delays.get("*", 0.0))

    def _injected_fault(self, method: str, params: dict) -> _Outcome | None:
        chat_id = params.get("chat_id")
        resolved = self._resolve_chat_id(chat_id) if chat_id is not None else None
        for rule in list(self._fail_rules):
            if rule.method not in ("*", method.lower()):
                continue
            if rule.chat_id is not None and self._resolve_chat_id(rule.chat_id) != resolved:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
            return self._fail(method, params, rule.status, rule.description, rule.parameters)
        if resolved is not None and resolved in self._blocked and _CHAT_DELIVERY.match(method):
            return self._fail(method, params, 403, self._blocked[resolved])
        if self._rate is not None and resolved is not None:
            return self._rate_check(method, params, resolved)
        return None

    def _rate_check(self, method: str, params: dict, chat_id: int) -> _Outcome | None:
        rate = self._rate
        assert rate is not None
        lowered = method.lower()
        if rate.methods is not None:
            if lowered not in rate.methods:
                return None
        elif not re.match(r"^(send|copy|forward)", lowered) or lowered == "sendchataction":
            return None
        buckets = [rate.overall]
        if rate.per_chat_per_second:
            buckets.append(
                rate.chats.setdefault(
                    chat_id,
                    _Bucket(rate.per_chat_per_second + rate.slack, rate.per_chat_per_second),
                )
            )
        if rate.group_per_minute and chat_id < 0:
            buckets.append(
                rate.groups.setdefault(
                    chat_id,
                    _Bucket(rate.group_per_minute + rate.slack, rate.group_per_minute / 60),
                )
            )
        now = time.monotonic()
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait <= 0:
            for bucket in buckets:
                bucket.take()
            return None
        retry_after = max(1, math.ceil(wait))
        description = f"Too Many Requests: retry after {retry_after}"
        self.rate_limit_hits.append(CallError(method, params, 429, description))
        return self._fail(
            method,
            params,
            429,
            description,
            {"retry_after": retry_after},
            violation=f"flood control: {description}" if rate.as_violation else None,
        )

    # ==== inspection helpers for tests =====================================================

    def sent(
        self, chat_id: int | str | None = None, method: str | tuple[str, ...] | None = None
    ) -> list[Call]:
        """Successful calls except getUpdates, optionally for one chat and/or method(s)."""
        methods = (method,) if isinstance(method, str) else method
        wanted = {m.lower() for m in methods} if methods else None
        with self._lock:
            target = self._resolve_chat_id(chat_id) if chat_id is not None else None
            out = []
            for call in self.calls:
                if call.method == "getUpdates":
                    continue
                if wanted is not None and call.method.lower() not in wanted:
                    continue
                if target is not None:
                    cid = call.params.get("chat_id")
                    if cid is None or self._resolve_chat_id(cid) != target:
                        continue
                out.append(call)
            return out

    def messages_to(self, chat_id: int | str) -> list[dict]:
        """The bot's messages in a chat as they are now (edits applied, deletions gone)."""
        with self._lock:
            cid = self._resolve_chat_id(chat_id)
            return [
                copy.deepcopy(self._messages[(cid, mid)])
                for mid in sorted(self._bot_message_ids.get(cid, []))
                if (cid, mid) in self._messages
            ]

    def last_message(self, chat_id: int | str) -> dict | None:
        """The bot message most recently sent *or edited* in the chat: what the user sees last."""
        with self._lock:
            cid = self._resolve_chat_id(chat_id)
            mid = self._last_touched.get(cid)
            message = self._messages.get((cid, mid)) if mid is not None else None
            return copy.deepcopy(message) if message else None

    def last_text(self, chat_id: int | str, *, raw: bool = False) -> str | None:
        """Text (or caption) of :meth:`last_message`, as rendered after parse_mode parsing.

        ``raw=True`` returns the text parameter of the last sendMessage/editMessageText
        (or caption) call to the chat instead, markup included.
        """
        if raw:
            for call in reversed(self.sent(chat_id)):
                for key in ("text", "caption", "question"):
                    if call.params.get(key) is not None:
                        return str(call.params[key])
            return None
        message = self.last_message(chat_id)
        if message is None:
            return None
        if "poll" in message:
            return message["poll"]["question"]
        return message.get("text", message.get("caption"))

    def buttons(self, chat_id: int | str, message_id: int | None = None) -> list[list[dict]]:
        """Inline keyboard rows of a bot message (default: :meth:`last_message`)."""
        with self._lock:
            if message_id is None:
                message = self.last_message(chat_id)
            else:
                message = copy.deepcopy(self._find_message(chat_id, message_id))
        if not message:
            return []
        return (message.get("reply_markup") or {}).get("inline_keyboard", [])

    def poll(self, poll_id: str) -> dict:
        """Current state of a poll the bot sent (votes included)."""
        with self._lock:
            return copy.deepcopy(self._polls[poll_id]["poll"])

    def last_poll(self, chat_id: int | str) -> dict | None:
        """The newest poll the bot sent to the chat."""
        with self._lock:
            cid = self._resolve_chat_id(chat_id)
            found = [e for e in self._polls.values() if e["chat_id"] == cid]
            return copy.deepcopy(found[-1]["poll"]) if found else None

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        with self._lock:
            key = self._scope_key({"scope": scope, "language_code": language_code})
            return copy.deepcopy(self._commands.get(key, []))

    def callback_answer(self, callback_query_id: str) -> dict | None:
        """Parameters of answerCallbackQuery for a pushed callback query, if answered."""
        with self._lock:
            entry = self._callback_queries.get(callback_query_id)
            return copy.deepcopy(entry.get("answer")) if entry else None

    def inline_answer(self, inline_query_id: str) -> dict | None:
        """Parameters of answerInlineQuery for a pushed inline query, if answered."""
        with self._lock:
            entry = self._inline_queries.get(inline_query_id)
            return copy.deepcopy(entry.get("answer")) if entry else None

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01
    ) -> Any:
        """Await until ``predicate()`` is truthy and return its value (TimeoutError after
        ``timeout``). For tests where the bot runs in the background (polling)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)

    # ==== violations =========================================================================

    def assert_no_violations(self) -> None:
        """Raise AssertionError listing every recorded violation (used by the fixture)."""
        with self._lock:
            if not self.violations:
                return
            listed = "\n".join(f"  - {v}" for v in self.violations)
        raise AssertionError(
            f"{len(self.violations)} Bot API violation(s) recorded by the fake Telegram:\n{listed}"
        )

    def take_violations(self) -> list[Violation]:
        """Return and clear the recorded violations (for tests that provoke them)."""
        with self._lock:
            taken, self.violations = self.violations, []
            return taken

    @contextlib.contextmanager
    def expect_violations(self, match: str | None = None) -> Iterator[list[Violation]]:
        """Assert the block records at least one violation matching ``match`` (regex, any case).

        The matching violations are removed (so the fixture does not fail the test) and
        collected into the yielded list for further assertions.
        """
        with self._lock:
            start = len(self.violations)
        caught: list[Violation] = []

        def matching() -> tuple[list[Violation], list[Violation]]:
            new = self.violations[start:]
            hits = [
                v for v in new if match is None or re.search(match, v.description, re.IGNORECASE)
            ]
            self.violations = self.violations[:start] + [v for v in new if v not in hits]
            return new, hits

        try:
            yield caught
        except BaseException:
            with self._lock:  # the block failed on its own: don't report the expected twice
                matching()
            raise
        with self._lock:
            new, hits = matching()
            if not hits:
                got = "\n".join(f"  - {v}" for v in new) or "  (none)"
                raise AssertionError(f"expected a violation matching {match!r}; got:\n{got}")
            caught.extend(hits)


def _normalize_files(files: dict[str, Any] | None) -> dict[str, UploadedFile]:
    """Accept UploadedFile, (filename, bytes[, mime]) tuples or bare bytes per part."""
    out: dict[str, UploadedFile] = {}
    for name, value in (files or {}).items():
        if isinstance(value, UploadedFile):
            out[name] = value
        elif isinstance(value, bytes | bytearray):
            out[name] = UploadedFile(name, None, bytes(value))
        else:
            filename, content, *rest = value
            if hasattr(content, "read"):
                content = content.read()
            out[name] = UploadedFile(name, filename, bytes(content), rest[0] if rest else None)
    return out
