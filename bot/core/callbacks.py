"""The one codec for every button: typed values in the core, short strings on the wire.

The core builds buttons with values (`Button(label, FullAnswer("kr-eps"))`); a channel
turns a value into its wire string with `encode()` when it renders the button (Telegram
callback data, LINE postback data) and back with `decode()` once, in its one button
handler, which hands the value to the core or the app. `decode()` never raises: data the
bot did not make (old, truncated, forged, with a trailing newline, a 40-digit number, an
unknown prefix) is None, and the channel answers "That button is old or unknown".

The wire format is the one the bot has always used (it is listed in `WIRE` below), so
buttons already sitting in people's chats keep working. Limits: Telegram allows 64 bytes
of callback data, LINE 300 characters of postback data; ids are kept short by the content
schema (bot/core/schema.py, MAX_ID_CHARS), and tests/core/test_callbacks.py checks every
kind with its longest arguments. To add a kind: a dataclass below, one line in `WIRE`,
a round-trip case in the test, and the handler that acts on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from bot.core.schema import ID_PATTERN, LANGS, VARIANT_LANGS
from bot.core.untrusted import parse_int

TELEGRAM_MAX_BYTES = 64  # callback_data
LINE_MAX_CHARS = 300  # postback data
MAX_PAGE = 999  # LINE's "More topics" pages
MAX_OPTION = 99  # quiz options (Telegram polls have at most 12, LINE quick replies 13)


class Callback:
    """A button's value: what pressing it means, without labels or wire format."""

    __slots__ = ()


class QuizButton(Callback):
    """Handled by the quiz service (bot/app/quiz.py)."""

    __slots__ = ()


class TalkButton(Callback):
    """Handled by the relay to counsellors (bot/app/handoff.py)."""

    __slots__ = ()


class AdminButton(Callback):
    """Handled by the admin flow (bot/app/admin_flow.py), for admins only."""

    __slots__ = ()


# --- the conversation (bot/core/dialogue.py) ------------------------------------------------
@dataclass(frozen=True)
class Menu(Callback):
    pass


@dataclass(frozen=True)
class Category(Callback):
    category: str


@dataclass(frozen=True)
class Answer(Callback):
    """An FAQ answer, short (its summary) first."""

    entry_id: str


@dataclass(frozen=True)
class FullAnswer(Callback):
    entry_id: str


@dataclass(frozen=True)
class Sources(Callback):
    entry_id: str


@dataclass(frozen=True)
class Feedback(Callback):
    """“Did this help?” 👍 / 👎."""

    entry_id: str
    helpful: bool


@dataclass(frozen=True)
class SetLanguage(Callback):
    lang: str


@dataclass(frozen=True)
class ChooseLanguage(Callback):
    pass


@dataclass(frozen=True)
class Hotlines(Callback):
    pass


@dataclass(frozen=True)
class Centres(Callback):
    """Service centres: asks for the location."""


@dataclass(frozen=True)
class InProvince(Callback):
    province_id: str


@dataclass(frozen=True)
class PlaceOnMap(Callback):
    """A place on the map (a venue)."""

    place_id: str


@dataclass(frozen=True)
class HelpAbroad(Callback):
    """Help lines in the country a person is in."""

    country: str


# --- quiz (bot/app/quiz.py) --------------------------------------------------------------------
@dataclass(frozen=True)
class Quiz(QuizButton):
    """🎯 Quiz / Play again: a solo round."""


@dataclass(frozen=True)
class AskName(QuizButton):
    """✏️ Set (or change) my leaderboard name in a quiz event: the next text is the name."""

    event_id: int


@dataclass(frozen=True)
class ConfirmName(QuizButton):
    """✅ Yes: show the proposed name on the event's leaderboard (only now is it stored)."""

    event_id: int


@dataclass(frozen=True)
class StayAnonymous(QuizButton):
    """❌ A quiz event participant keeps the numbered name on the leaderboard."""

    event_id: int


@dataclass(frozen=True)
class QuizOption(QuizButton):
    """An answer to a quiz question where there are no quiz polls (LINE, the terminal)."""

    poll_id: str
    index: int


# --- talk to a person (bot/core/handoff.py) -------------------------------------------------
@dataclass(frozen=True)
class Talk(TalkButton):
    pass


@dataclass(frozen=True)
class TalkConsent(TalkButton):
    """Yes, with the country the person says they are in (XX: elsewhere)."""

    country: str


@dataclass(frozen=True)
class TalkDecline(TalkButton):
    pass


@dataclass(frozen=True)
class TalkStop(TalkButton):
    pass


# --- admin (bot/core/admin/replies.py, bot/app/admin_flow.py) --------------------------------
@dataclass(frozen=True)
class AdminEntry(AdminButton):
    """Open an entry's card."""

    entry_id: str


@dataclass(frozen=True)
class AdminAddQuestion(AdminButton):
    """Ask for a new question variant in `lang`."""

    lang: str
    entry_id: str


@dataclass(frozen=True)
class AdminNewAnswer(AdminButton):
    """Ask for a new answer text in `lang`."""

    lang: str
    entry_id: str


@dataclass(frozen=True)
class AdminReviewed(AdminButton):
    entry_id: str


@dataclass(frozen=True)
class AdminSave(AdminButton):
    """Save the pending preview number `nonce`."""

    nonce: int


@dataclass(frozen=True)
class AdminCancel(AdminButton):
    pass


@dataclass(frozen=True)
class AdminMissedAdd(AdminButton):
    """Add a missed question (group `group_id` of /missed) to an entry: asks for the text."""

    group_id: str
    entry_id: str


@dataclass(frozen=True)
class AdminMissedAsIs(AdminButton):
    """“Use as is”: add the missed question as users typed it (the admin read it first)."""

    group_id: str
    entry_id: str


@dataclass(frozen=True)
class AdminMissedNew(AdminButton):
    """Start a new entry from a missed question."""

    group_id: str


# --- LINE only (bot/channels/line) ----------------------------------------------------------
@dataclass(frozen=True)
class Forget(Callback):
    """The privacy reply's 🗑 Forget me (Telegram has /forget)."""


@dataclass(frozen=True)
class Page(Callback):
    """“More topics ▸”: page `page` of the buttons the `origin` button brought."""

    page: int
    origin: Callback


# --- the wire format ---------------------------------------------------------------------------
# {field} is replaced by the field's value; FIELD_PATTERNS says what decode accepts there.
WIRE: dict[type[Callback], str] = {
    Menu: "m",
    Category: "c:{category}",
    Answer: "f:{entry_id}",
    FullAnswer: "fa:{entry_id}",
    Sources: "fs:{entry_id}",
    Feedback: "fb:{entry_id}:{helpful}",
    SetLanguage: "l:{lang}",
    ChooseLanguage: "lang",
    Hotlines: "h",
    Centres: "ctr",
    InProvince: "p:{province_id}",
    PlaceOnMap: "v:{place_id}",
    HelpAbroad: "ha:{country}",
    Quiz: "q",
    AskName: "qn:{event_id}",
    ConfirmName: "qy:{event_id}",
    StayAnonymous: "qa:{event_id}",
    QuizOption: "qo:{poll_id}:{index}",
    Talk: "talk",
    TalkConsent: "talk:ok:{country}",
    TalkDecline: "talk:no",
    TalkStop: "talk:stop",
    AdminEntry: "ad:e:{entry_id}",
    AdminAddQuestion: "ad:q:{lang}:{entry_id}",
    AdminNewAnswer: "ad:a:{lang}:{entry_id}",
    AdminReviewed: "ad:r:{entry_id}",
    AdminSave: "ad:ok:{nonce}",
    AdminCancel: "ad:no",
    AdminMissedAdd: "ad:ma:{group_id}:{entry_id}",
    AdminMissedAsIs: "ad:mu:{group_id}:{entry_id}",
    AdminMissedNew: "ad:mn:{group_id}",
    Forget: "forget",
    Page: "pg:{page}:{origin}",
}

_NUMBER = r"[0-9]{1,18}"  # ASCII digits only; parse_int then checks the range
FIELD_PATTERNS: dict[str, str] = {
    "category": r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}",  # a known category or a file name
    "entry_id": ID_PATTERN,
    "province_id": ID_PATTERN,
    "place_id": ID_PATTERN,
    "helpful": "[01]",
    "country": "TH|KR|JP",
    "event_id": _NUMBER,
    "nonce": _NUMBER,
    "page": _NUMBER,
    "index": _NUMBER,
    "poll_id": r"[A-Za-z0-9_-]{1,64}",
    "group_id": r"[0-9a-f]{1,20}",  # bot/core/admin MissedGroup.id: 10 hex digits
    "origin": r"[^\n]{1,280}",  # another button's data, decoded in turn (never a Page)
}
# a field whose accepted values depend on the kind
KIND_PATTERNS: dict[tuple[type[Callback], str], str] = {
    (SetLanguage, "lang"): "|".join(LANGS),
    (AdminAddQuestion, "lang"): "|".join(VARIANT_LANGS),
    (AdminNewAnswer, "lang"): "|".join(LANGS),
    (TalkConsent, "country"): "LA|TH|KR|JP|XX",
}
NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "event_id": (1, 2**63 - 1),
    "nonce": (1, 2**63 - 1),
    "page": (0, MAX_PAGE),
    "index": (0, MAX_OPTION),
}


def _pattern(kind: type[Callback], template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(re.escape(part))
        else:
            field = KIND_PATTERNS.get((kind, part)) or FIELD_PATTERNS[part]
            out.append(f"(?P<{part}>{field})")
    return re.compile(r"\A" + "".join(out) + r"\Z")


_DECODERS: dict[str, list[tuple[type[Callback], re.Pattern[str]]]] = {}
for _kind, _template in WIRE.items():
    _head = re.split(r"[:{]", _template, maxsplit=1)[0]
    _DECODERS.setdefault(_head, []).append((_kind, _pattern(_kind, _template)))


def encode(button: Callback) -> str:
    """The wire string of a button value (see WIRE)."""
    values: dict[str, Any] = {}
    for f in fields(button):  # type: ignore[arg-type]
        value = getattr(button, f.name)
        if isinstance(value, Callback):
            value = encode(value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        values[f.name] = value
    return WIRE[type(button)].format(**values)


def decode(data: object) -> Callback | None:
    """The button value of wire data; None for anything this bot version did not make."""
    if not isinstance(data, str) or not data or len(data) > LINE_MAX_CHARS:
        return None
    head = data.split(":", 1)[0]
    for kind, pattern in _DECODERS.get(head, ()):
        m = pattern.match(data)
        if m is None:
            continue
        args: dict[str, Any] = {}
        for name, text in m.groupdict().items():
            if name in NUMBER_RANGES:
                number = parse_int(text, *NUMBER_RANGES[name])
                if number is None:
                    return None
                args[name] = number
            elif name == "helpful":
                args[name] = text == "1"
            elif name == "origin":
                origin = decode(text)
                if origin is None or isinstance(origin, Page):
                    return None
                args[name] = origin
            else:
                args[name] = text
        return kind(**args)
    return None
