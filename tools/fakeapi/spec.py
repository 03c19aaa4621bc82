"""The Telegram Bot API as data, loaded from ``tools/fakeapi/data/bot-api.json``.

Why a data file instead of hand-written rules: the fake server must refuse exactly what
Telegram refuses (unknown method, missing or unknown parameter, out-of-range lengths).
Deriving those rules from the machine-readable spec keeps the fake honest when the API
grows, and keeps hand-written special cases (see ``validation.py``) to the few limits the
spec only states in prose.

The file is a copy kept in the repository (``data/``, with its MIT licence and a README saying
where it came from) so that a fresh clone can run its tests offline. The environment variable
``FAKE_BOT_API_SPEC`` points the fake at another copy (e.g. a newer API version).
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "FAKE_BOT_API_SPEC"

#: The copy of the spec shipped with the fake (see ``data/README.md``).
DEFAULT_SPEC = Path(__file__).resolve().parent / "data" / "bot-api.json"

SCALAR_TYPES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})


def spec_path() -> Path:
    """Where the spec file is: ``$FAKE_BOT_API_SPEC`` or the copy in ``data/``."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return DEFAULT_SPEC


@dataclass(frozen=True)
class Limit:
    """A length/count/value range parsed from a field description.

    ``unit`` is ``"characters"``, ``"bytes"``, ``"items"`` (array length) or ``"value"``
    (integer range, e.g. getUpdates ``limit`` "Values between 1-100 are accepted").
    ``after_entities`` means the length is measured on the text *after* parse_mode parsing.
    """

    low: int
    high: int
    unit: str
    after_entities: bool = False
    max_line_feeds: int | None = None


@dataclass(frozen=True)
class Field:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    limit: Limit | None = None
    #: Regex the whole value must match (e.g. BotCommand.command), parsed from prose.
    pattern: str | None = None
    #: For discriminator fields (``type``/``status``/``source``): the only allowed value.
    constant: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API object type (``Message``, ``InlineKeyboardButton``...)."""

    name: str
    description: str
    fields: dict[str, Field]
    subtypes: tuple[str, ...] = ()
    #: Fields of which exactly one / at most one may be set (button kinds).
    exactly_one_of: tuple[str, ...] = ()
    at_most_one_of: tuple[str, ...] = ()
    #: KeyboardButton: "String can be used instead of this object".
    string_allowed: bool = False


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method with its parameters and return types."""

    name: str
    description: str
    fields: dict[str, Field]
    returns: tuple[str, ...] = ()


@dataclass
class BotApiSpec:
    """The whole API: ``methods`` and ``types`` keyed by their exact names."""

    version: str
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]
    _lower_methods: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._lower_methods = {name.lower(): name for name in self.methods}

    def method(self, name: str) -> MethodSpec | None:
        """Look a method up the way Telegram does: method names are case-insensitive."""
        canonical = self._lower_methods.get(name.lower())
        return self.methods[canonical] if canonical else None


# --- prose parsing ------------------------------------------------------------------------

_STRING_RANGE = re.compile(r"(\d+)-(\d+)\s+(characters|bytes)", re.IGNORECASE)
_ARRAY_RANGE = re.compile(r"(\d+)-(\d+)\s+[A-Za-z]")
_INT_RANGE = re.compile(r"(\d+)-(\d+)\s+are accepted")
_LINE_FEEDS = re.compile(r"at most (\d+) line feeds")
_CONSTANT = re.compile(r"(?:must be|always)\s+(?!one of)[\"“]?([a-z0-9_]+)[\"”]?")
_ONE_OF = re.compile(r"(Exactly|At most) one of the fields other than (.+?) must be used")


def _parse_limit(types: tuple[str, ...], description: str) -> Limit | None:
    """Read "1-4096 characters", "1-64 bytes", "list of 1-12 answer options" etc."""
    after = "after entit" in description
    feeds_match = _LINE_FEEDS.search(description)
    feeds = int(feeds_match.group(1)) if feeds_match else None
    if all(t.startswith("Array of") for t in types):
        m = _ARRAY_RANGE.search(description)
        if m and int(m.group(1)) <= int(m.group(2)):
            return Limit(int(m.group(1)), int(m.group(2)), "items")
        return None
    if "String" in types:
        m = _STRING_RANGE.search(description)
        if m:
            return Limit(int(m.group(1)), int(m.group(2)), m.group(3).lower(), after, feeds)
        return None
    if types == ("Integer",):
        m = _INT_RANGE.search(description)
        if m:
            return Limit(int(m.group(1)), int(m.group(2)), "value")
    return None


def _parse_pattern(description: str) -> str | None:
    if "only lowercase English letters, digits and underscores" in description:
        return r"[a-z0-9_]+"
    return None


def _parse_field(raw: dict) -> Field:
    types = tuple(raw["types"])
    desc = raw.get("description", "")
    constant = None
    if raw["name"] in ("type", "status", "source") and types == ("String",):
        m = _CONSTANT.search(desc)
        constant = m.group(1) if m else None
    return Field(
        name=raw["name"],
        types=types,
        required=bool(raw.get("required")),
        description=desc,
        limit=_parse_limit(types, desc),
        pattern=_parse_pattern(desc),
        constant=constant,
    )


def _split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r",|\band\b", text) if n.strip()]


def _parse_type(raw: dict) -> TypeSpec:
    desc = " ".join(raw.get("description", []))
    fields = {f["name"]: _parse_field(f) for f in raw.get("fields", [])}
    exactly: tuple[str, ...] = ()
    at_most: tuple[str, ...] = ()
    m = _ONE_OF.search(desc)
    if m:
        excluded = set(_split_names(m.group(2)))
        names = tuple(n for n in fields if n not in excluded)
        if m.group(1) == "Exactly":
            exactly = names
        else:
            at_most = names
    return TypeSpec(
        name=raw["name"],
        description=desc,
        fields=fields,
        subtypes=tuple(raw.get("subtypes", ())),
        exactly_one_of=exactly,
        at_most_one_of=at_most,
        string_allowed="String can be used instead of this object" in desc,
    )


def _parse_method(raw: dict) -> MethodSpec:
    return MethodSpec(
        name=raw["name"],
        description=" ".join(raw.get("description", [])),
        fields={f["name"]: _parse_field(f) for f in raw.get("fields", [])},
        returns=tuple(raw.get("returns", ())),
    )


def parse_spec(data: dict) -> BotApiSpec:
    """Turn the raw JSON document into :class:`BotApiSpec`."""
    return BotApiSpec(
        version=data.get("version", "?"),
        methods={name: _parse_method(raw) for name, raw in data["methods"].items()},
        types={name: _parse_type(raw) for name, raw in data["types"].items()},
    )


@functools.cache
def _load_cached(path: str) -> BotApiSpec:
    with open(path, encoding="utf-8") as fh:
        return parse_spec(json.load(fh))


def load_spec(path: str | os.PathLike[str] | None = None) -> BotApiSpec:
    """Load (and cache) the spec; raises FileNotFoundError with a hint if it is missing."""
    resolved = Path(path) if path is not None else spec_path()
    if not resolved.is_file():
        raise FileNotFoundError(
            f"Bot API spec not found at {resolved}. Expected {DEFAULT_SPEC} (in the repository)"
            f" or a file named by ${ENV_VAR}."
        )
    return _load_cached(str(resolved.resolve()))
