"""Checks every Bot API call against the spec, plus the limits Telegram only states in prose.

Why so strict: a real Telegram answers ``400 Bad Request`` for these mistakes, but only in
production, when a user is waiting. The fake refuses them in tests instead, and records each
one as a *violation* so a fixture can fail the test even when the bot swallows the error.

Three layers:

1. ``coerce_params`` turns wire values into typed values the way Telegram does: PTB (and
   httpx) send form fields where non-strings are JSON-encoded strings, while a JSON body is
   already typed. Decoding by the *declared* type means both transports validate the same.
2. Generic checks from the spec: unknown method/parameter/field, missing required ones,
   basic types (recursively through objects and arrays), and ranges parsed from descriptions
   ("1-4096 characters after entities parsing", "1-64 bytes", "list of 1-12 answer options").
3. Hand-written rules (``_TYPE_RULES``/``_METHOD_RULES``) for what the spec cannot express
   as data: button kinds, poll quiz rules, inline query result ids, command names, etc.

Real Telegram silently *ignores* unknown parameters; the fake refuses them because a
silently ignored typo (``reply_markup`` misspelled) is a bug the test should surface.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .formatting import EntityParseError, NotModelled, UnsupportedParseMode, parse_formatted
from .spec import BotApiSpec, Field, MethodSpec, TypeSpec

__all__ = ["CheckResult", "UploadedFile", "Validator"]

_INT_RE = re.compile(r"-?\d+")


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part, as received by the server."""

    field: str
    filename: str | None
    content: bytes
    mime_type: str | None = None

    def __repr__(self) -> str:  # keep call logs readable
        return f"UploadedFile({self.field!r}, {self.filename!r}, {len(self.content)} bytes)"


@dataclass
class CheckResult:
    """Outcome of validating one call: Telegram-style descriptions of what is wrong."""

    problems: list[str] = field(default_factory=list)
    #: Accepted-but-deprecated usage (e.g. ``correct_option_id``); not a violation.
    warnings: list[str] = field(default_factory=list)


#: Parameters Telegram removed from the docs but still accepts (PTB may still send some).
#: ``(parameter, a field the method must have for it to apply, its type)``.
LEGACY_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reply_to_message_id": ("reply_parameters", ("Integer",)),
    "allow_sending_without_reply": ("reply_parameters", ("Boolean",)),
    "disable_web_page_preview": ("link_preview_options", ("Boolean",)),
    "correct_option_id": ("correct_option_ids", ("Integer",)),
}

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

#: Telegram's own wording for the commonest limit errors, keyed by (owner, field).
#: Bots sometimes match these substrings (e.g. "message is too long"), so keep them.
_TELEGRAM_PHRASES: dict[tuple[str, str], tuple[str, str]] = {
    # (too short, too long)
    ("sendMessage", "text"): ("message text is empty", "message is too long"),
    ("editMessageText", "text"): ("message text is empty", "message is too long"),
    ("*", "caption"): ("message caption is empty", "message caption is too long"),
    ("InlineKeyboardButton", "callback_data"): ("BUTTON_DATA_INVALID", "BUTTON_DATA_INVALID"),
    ("InlineQueryResult", "id"): ("RESULT_ID_INVALID", "RESULT_ID_INVALID"),
    ("BotCommand", "command"): ("BOT_COMMAND_INVALID", "BOT_COMMAND_INVALID"),
    ("sendPoll", "question"): ("poll question must be non-empty", "POLL_QUESTION_INVALID"),
    ("InputPollOption", "text"): ("poll options must be non-empty", "POLL_OPTION_INVALID"),
}

_REQUIRED_PHRASES = {"chat_id": "chat_id is empty", "text": "message text is empty"}


def _phrase(owner: str, name: str, too_long: bool) -> str | None:
    for key in ((owner, name), ("*", name)):
        if key in _TELEGRAM_PHRASES:
            return _TELEGRAM_PHRASES[key][1 if too_long else 0]
    if owner.startswith("InlineQueryResult") and name == "id":
        return "RESULT_ID_INVALID"
    return None


def _bad(detail: str, phrase: str | None = None) -> str:
    return f"Bad Request: {phrase} ({detail})" if phrase else f"Bad Request: {detail}"


def _type_label(types: tuple[str, ...]) -> str:
    return " or ".join(types)


@dataclass
class _Ctx:
    files: dict[str, UploadedFile]
    problems: list[str]


class Validator:
    """Spec-driven validation; one instance per spec, stateless otherwise."""

    def __init__(self, spec: BotApiSpec) -> None:
        self.spec = spec

    # --- coercion -------------------------------------------------------------------------

    def coerce_params(
        self, method: MethodSpec, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        """Decode wire values by declared type and attach bare file parts as parameters."""
        typed: dict[str, Any] = {}
        for name, value in params.items():
            f = method.fields.get(name)
            if f is not None:
                typed[name] = coerce_value(value, f.types)
            elif name in LEGACY_PARAMS:
                typed[name] = coerce_value(value, LEGACY_PARAMS[name][1])
            else:
                typed[name] = value
        for name, upload in files.items():
            f = method.fields.get(name)
            if f is not None and "InputFile" in f.types and name not in typed:
                typed[name] = upload
        return typed

    # --- calls ----------------------------------------------------------------------------

    def check_call(
        self, method: MethodSpec, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> CheckResult:
        """Validate typed parameters of one call. ``params`` must come from coerce_params."""
        result = CheckResult()
        ctx = _Ctx(files, result.problems)
        for name in params:
            if name in method.fields:
                continue
            legacy = LEGACY_PARAMS.get(name)
            if legacy and legacy[0] in method.fields:
                result.warnings.append(
                    f'{method.name}: parameter "{name}" is deprecated; use "{legacy[0]}"'
                )
                continue
            result.problems.append(
                _bad(
                    f'unknown parameter "{name}" for method {method.name}; real Telegram '
                    "would silently ignore it, which hides typos"
                )
            )
        for f in method.fields.values():
            if f.required and params.get(f.name) is None:
                phrase = _REQUIRED_PHRASES.get(f.name)
                result.problems.append(
                    f"Bad Request: {phrase}"
                    if phrase
                    else _bad(f'parameter "{f.name}" is required')
                )
        self._check_fields(method.name, method.fields, params, "", ctx)
        rule = _METHOD_RULES.get(method.name)
        if rule and not result.problems:
            rule(params, result.problems)
        return result

    # --- values ---------------------------------------------------------------------------

    def check_value(
        self, value: Any, types: tuple[str, ...] | list[str], path: str = "result"
    ) -> list[str]:
        """Check any value against spec types; used for self-checking the fake's answers."""
        problems: list[str] = []
        self._check_types(value, tuple(types), path, _Ctx({}, problems))
        return problems

    def _check_fields(
        self,
        owner: str,
        fields: dict[str, Field],
        container: dict[str, Any],
        prefix: str,
        ctx: _Ctx,
    ) -> None:
        for name, value in container.items():
            f = fields.get(name)
            if f is None or value is None:
                continue
            path = f"{prefix}{name}"
            before = len(ctx.problems)
            self._check_types(value, f.types, path, ctx)
            if len(ctx.problems) == before:
                self._check_limits(owner, f, fields, container, value, path, ctx)

    def _check_limits(
        self,
        owner: str,
        f: Field,
        fields: dict[str, Field],
        container: dict[str, Any],
        value: Any,
        path: str,
        ctx: _Ctx,
    ) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if f.limit and f.limit.unit == "value" and not f.limit.low <= value <= f.limit.high:
                ctx.problems.append(
                    _bad(f"{path} must be between {f.limit.low} and {f.limit.high}, got {value}")
                )
            if "String" not in f.types:
                return
            value = str(value)
        if isinstance(value, list):
            if (
                f.limit
                and f.limit.unit == "items"
                and not (f.limit.low <= len(value) <= f.limit.high)
            ):
                ctx.problems.append(
                    _bad(f"{path} must have {f.limit.low}-{f.limit.high} items, got {len(value)}")
                )
            return
        if not isinstance(value, str):
            return
        plain = value
        mode_field = _parse_mode_field(fields, f.name)
        mode = container.get(mode_field) if mode_field else None
        if mode:
            try:
                plain, _ = parse_formatted(value, mode)
            except UnsupportedParseMode:
                ctx.problems.append("Bad Request: unsupported parse_mode")
                return
            except NotModelled:
                ctx.problems.append(
                    f"Bad Request: parse_mode {mode} is not modelled by the fake Bot API"
                    " (the bot sends HTML only; see tools/fakeapi/formatting.py)"
                )
                return
            except EntityParseError as exc:
                ctx.problems.append(f"Bad Request: can't parse entities: {exc}")
                return
        lim = f.limit
        if lim is not None and lim.unit in ("characters", "bytes"):
            size = len(plain.encode("utf-8")) if lim.unit == "bytes" else len(plain)
            effective = len(plain.strip()) if lim.unit == "characters" else size
            after = " after entities parsing" if mode else ""
            detail = f"{path} must be {lim.low}-{lim.high} {lim.unit}{after}, got {size}"
            if size > lim.high:
                ctx.problems.append(_bad(detail, _phrase(owner, f.name, True)))
            elif effective < lim.low:
                ctx.problems.append(_bad(detail, _phrase(owner, f.name, False)))
            if lim.max_line_feeds is not None and plain.count("\n") > lim.max_line_feeds:
                ctx.problems.append(
                    _bad(f"{path} must have at most {lim.max_line_feeds} line feeds")
                )
        if f.pattern and not re.fullmatch(f.pattern, value):
            ctx.problems.append(
                _bad(
                    f"{path} must match {f.pattern} ({f.description})",
                    _phrase(owner, f.name, False),
                )
            )
        if f.constant is not None and value != f.constant:
            ctx.problems.append(_bad(f'{path} must be "{f.constant}", got "{value}"'))

    def _check_types(self, value: Any, types: tuple[str, ...], path: str, ctx: _Ctx) -> None:
        """Append problems unless ``value`` matches one of ``types``; picks the closest match."""
        best: list[str] | None = None
        for t in self._candidates(value, types):
            attempt: list[str] = []
            self._check_one(value, t, path, _Ctx(ctx.files, attempt))
            if not attempt:
                return
            if best is None or len(attempt) < len(best):
                best = attempt
        if best is None:
            best = [_bad(f"{path} must be {_type_label(types)}, got {_describe(value)}")]
        ctx.problems.extend(best)

    def _candidates(self, value: Any, types: tuple[str, ...]) -> list[str]:
        """The alternatives whose JSON shape fits ``value`` (a dict is never an Integer)."""
        out: list[str] = []
        for t in types:
            if t.startswith("Array of "):
                if isinstance(value, list):
                    out.append(t)
            elif t in ("Integer", "Float"):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    out.append(t)
            elif t == "Boolean":
                if isinstance(value, bool):
                    out.append(t)
            elif t == "String":
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    out.append(t)
            elif t == "InputFile":
                if isinstance(value, UploadedFile | str):
                    out.append(t)
            else:
                tspec = self.spec.types.get(t)
                if isinstance(value, dict) or (
                    isinstance(value, str) and tspec is not None and tspec.string_allowed
                ):
                    out.append(t)
        return out

    def _check_one(self, value: Any, t: str, path: str, ctx: _Ctx) -> None:
        if t.startswith("Array of "):
            inner = t[len("Array of ") :]
            for idx, item in enumerate(value):
                self._check_types(item, (inner,), f"{path}[{idx}]", ctx)
            return
        if t == "Integer":
            if isinstance(value, float) and not value.is_integer():
                ctx.problems.append(_bad(f"{path} must be Integer, got {value!r}"))
            return
        if t in ("Float", "Boolean", "String"):
            return
        if t == "InputFile":
            if isinstance(value, str):
                if not value.startswith("attach://"):
                    ctx.problems.append(_bad(f"{path} must be an uploaded file"))
                elif value[len("attach://") :] not in ctx.files:
                    ctx.problems.append(
                        _bad(f'{path}: can\'t find attached file "{value[len("attach://") :]}"')
                    )
            return
        tspec = self.spec.types.get(t)
        if tspec is None:
            return
        if isinstance(value, str):  # string_allowed (KeyboardButton shorthand)
            if not value.strip():
                ctx.problems.append(_bad(f"{path}: button text must be non-empty"))
            return
        self._check_object(value, tspec, path, ctx)

    def _check_object(self, value: dict, tspec: TypeSpec, path: str, ctx: _Ctx) -> None:
        if tspec.subtypes:
            self._check_types(value, tspec.subtypes, path, ctx)
            return
        if not tspec.fields:  # e.g. CallbackGame: any object
            return
        for name in value:
            if name not in tspec.fields:
                ctx.problems.append(_bad(f'unknown field "{path}.{name}" in {tspec.name}'))
        for f in tspec.fields.values():
            if f.required and value.get(f.name) is None:
                ctx.problems.append(_bad(f'field "{path}.{f.name}" of {tspec.name} is required'))
        self._check_fields(tspec.name, tspec.fields, value, f"{path}.", ctx)
        if tspec.exactly_one_of or tspec.at_most_one_of:
            group = tspec.exactly_one_of or tspec.at_most_one_of
            used = [n for n in group if value.get(n) is not None]
            if tspec.exactly_one_of and not used:
                ctx.problems.append(
                    _bad(
                        f"{path} needs exactly one of {', '.join(group)}",
                        "text buttons are unallowed in the inline keyboard",
                    )
                )
            elif len(used) > 1:
                ctx.problems.append(
                    _bad(f"{path} may use only one of {', '.join(group)}, got {', '.join(used)}")
                )
        rule = _TYPE_RULES.get(tspec.name)
        if rule:
            rule(value, path, ctx.problems)


def coerce_value(value: Any, types: tuple[str, ...]) -> Any:
    """Decode a form-encoded (string) value by its declared type; typed values pass through."""
    if not isinstance(value, str):
        return value
    if "String" in types or "InputFile" in types:
        if "Integer" in types and _INT_RE.fullmatch(value):
            return int(value)
        return value
    if types == ("Integer",):
        return int(value) if _INT_RE.fullmatch(value) else value
    if types == ("Float",):
        try:
            return float(value)
        except ValueError:
            return value
    if types == ("Boolean",):
        lowered = value.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _describe(value: Any) -> str:
    if isinstance(value, UploadedFile):
        return "an uploaded file"
    return f"{type(value).__name__} {json.dumps(value, default=str)[:60]}"


def _parse_mode_field(fields: dict[str, Field], name: str) -> str | None:
    """The sibling parse-mode parameter of a text field, if any."""
    own = f"{name}_parse_mode"
    if own in fields:
        return own
    if name in ("text", "caption", "message_text") and "parse_mode" in fields:
        return "parse_mode"
    return None


def _button_rows(markup: dict, key: str) -> list[list[Any]]:
    rows = markup.get(key) or []
    return [row for row in rows if isinstance(row, list)]


# --- hand-written rules ---------------------------------------------------------------------


def _rule_inline_button(button: dict, path: str, problems: list[str]) -> None:
    if not str(button.get("text", "")).strip():
        problems.append(_bad(f"{path}.text must be non-empty", "BUTTON_TEXT_INVALID"))
    url = button.get("url")
    if isinstance(url, str) and not re.match(r"(?i)(https?|tg)://\S+$", url):
        problems.append(
            _bad(f"{path}.url must be an http(s):// or tg:// URL", "BUTTON_URL_INVALID")
        )


def _rule_keyboard_button(button: dict, path: str, problems: list[str]) -> None:
    if not str(button.get("text", "")).strip():
        problems.append(_bad(f"{path}.text must be non-empty", "BUTTON_TEXT_INVALID"))


def _rule_inline_markup(markup: dict, path: str, problems: list[str]) -> None:
    total = sum(len(row) for row in _button_rows(markup, "inline_keyboard"))
    if total > 100:
        problems.append(_bad(f"{path} has {total} buttons, at most 100", "REPLY_MARKUP_TOO_LONG"))


def _rule_reply_markup(markup: dict, path: str, problems: list[str]) -> None:
    total = sum(len(row) for row in _button_rows(markup, "keyboard"))
    if total == 0:
        problems.append(_bad(f"{path}.keyboard must contain at least one button"))
    if total > 300:
        problems.append(_bad(f"{path} has {total} buttons, at most 300", "REPLY_MARKUP_TOO_LONG"))


def _rule_bot_command(cmd: dict, path: str, problems: list[str]) -> None:
    if not str(cmd.get("description", "")).strip():
        problems.append(_bad(f"{path}.description must be non-empty"))


_TYPE_RULES = {
    "InlineKeyboardButton": _rule_inline_button,
    "KeyboardButton": _rule_keyboard_button,
    "InlineKeyboardMarkup": _rule_inline_markup,
    "ReplyKeyboardMarkup": _rule_reply_markup,
    "BotCommand": _rule_bot_command,
}


def _rule_send_poll(params: dict, problems: list[str]) -> None:
    options = params.get("options") or []
    texts = [str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in options]
    if len(set(texts)) != len(texts):
        problems.append(_bad("poll options must be unique", "POLL_OPTION_DUPLICATE"))
    poll_type = params.get("type", "regular")
    if poll_type not in ("regular", "quiz"):
        problems.append(_bad(f'poll type must be "regular" or "quiz", got "{poll_type}"'))
    correct = params.get("correct_option_ids")
    if correct is None and params.get("correct_option_id") is not None:
        correct = [params["correct_option_id"]]
    if poll_type == "quiz":
        if not correct:
            problems.append(
                _bad("correct_option_ids is required for quiz polls", "wrong correct option id")
            )
        else:
            if any(not isinstance(i, int) or not 0 <= i < len(options) for i in correct):
                problems.append(
                    _bad(
                        f"correct option ids {correct} out of range 0..{len(options) - 1}",
                        "wrong correct option id",
                    )
                )
            if list(correct) != sorted(set(correct)):
                problems.append(_bad("correct_option_ids must be strictly increasing"))
            if len(correct) > 1 and not params.get("allows_multiple_answers"):
                problems.append(_bad("several correct options need allows_multiple_answers=true"))
    if params.get("open_period") is not None and params.get("close_date") is not None:
        problems.append(_bad("open_period and close_date can't be used together"))
    period = params.get("open_period")
    if isinstance(period, int) and not 5 <= period <= 2628000:
        problems.append(_bad(f"open_period must be 5-2628000 seconds, got {period}"))


def _rule_answer_inline_query(params: dict, problems: list[str]) -> None:
    results = params.get("results") or []
    if len(results) > 50:
        problems.append(_bad(f"at most 50 results allowed, got {len(results)}", "RESULTS_TOO_MUCH"))
    ids = [r.get("id") for r in results if isinstance(r, dict)]
    dupes = sorted({i for i in ids if ids.count(i) > 1}, key=str)
    if dupes:
        problems.append(_bad(f"duplicate result ids {dupes}", "RESULT_ID_DUPLICATE"))
    offset = params.get("next_offset")
    if isinstance(offset, str) and len(offset.encode("utf-8")) > 64:
        problems.append(_bad("next_offset must be at most 64 bytes"))


def _rule_set_my_commands(params: dict, problems: list[str]) -> None:
    commands = params.get("commands") or []
    if len(commands) > 100:
        problems.append(_bad(f"at most 100 commands allowed, got {len(commands)}"))


def _rule_chat_action(params: dict, problems: list[str]) -> None:
    if params.get("action") not in CHAT_ACTIONS:
        problems.append(
            _bad(
                f"unknown chat action {params.get('action')!r}", "wrong parameter action in request"
            )
        )


def _rule_edit_text(params: dict, problems: list[str]) -> None:
    if params.get("text") is None and params.get("rich_message") is None:
        problems.append("Bad Request: message text is empty")
    _rule_edit_target(params, problems)


def _rule_edit_target(params: dict, problems: list[str]) -> None:
    if params.get("inline_message_id") is None:
        if params.get("chat_id") is None:
            problems.append("Bad Request: chat_id is empty")
        elif params.get("message_id") is None:
            problems.append("Bad Request: message identifier is not specified")


_METHOD_RULES = {
    "sendPoll": _rule_send_poll,
    "answerInlineQuery": _rule_answer_inline_query,
    "setMyCommands": _rule_set_my_commands,
    "sendChatAction": _rule_chat_action,
    "editMessageText": _rule_edit_text,
    "editMessageCaption": _rule_edit_target,
    "editMessageReplyMarkup": _rule_edit_target,
    "editMessageMedia": _rule_edit_target,
}
