"""Field checks shared by the three content loaders: FAQ entries (bot/core/content.py),
quiz questions (bot/core/quiz.py) and directory places (bot/core/centres/).

A `Record` is one mapping of a content file being checked. Its methods check one field
each (present and known, a per-language text within a length, true/false, one of a list,
a date), return the value (or what is usable of it) and add a Problem naming the file,
the line and `<id>.<field>` for anything wrong, so `python -m bot validate` and /reload
list every problem at once. The loaders keep only the rules that are their own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from bot.core.errors import Problem
from bot.core.yamlsrc import LineDict
from bot.i18n import LANGS

__all__ = ["ID_PATTERN", "LANGS", "MAX_ID_CHARS", "VARIANT_LANGS", "Record"]

VARIANT_LANGS = (*LANGS, "th", "rom")  # question variants may also be in Thai or romanised Lao
# Every id (FAQ entry, quiz question, place) travels in button data (bot/core/callbacks.py,
# Telegram allows 64 bytes): short, and without ':' (the separator there).
MAX_ID_CHARS = 41
ID_PATTERN = rf"[a-z0-9][a-z0-9-]{{1,{MAX_ID_CHARS - 1}}}"
ID_RE = re.compile(rf"\A{ID_PATTERN}\Z")


class Record:
    """One record of a content file: `raw` (with line numbers) from file `name`; problems
    are added to `problems` as `<label><field>` at the field's line (`label`: "kr-eps.",
    or "places[3]." for a record without a usable id)."""

    def __init__(self, raw: LineDict, name: str, label: str, problems: list[Problem]):
        self.raw, self.name, self.label, self.problems = raw, name, label, problems

    def bad(self, key: str, msg: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.name, line or self.raw.line_of(key), f"{self.label}{key}", msg))  # fmt: skip

    def fields(self, required: Sequence[str], optional: Sequence[str] = ()) -> None:
        """Unknown fields, missing fields, and an id of lowercase letters, digits and '-'."""
        raw = self.raw
        allowed = (*required, *optional)
        for key in raw:
            if key not in allowed:
                self.bad(str(key), f"unknown field (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in raw:
                self.bad(key, "missing field", raw.line)
        rid = raw.get("id")
        if "id" in raw and (not isinstance(rid, str) or not ID_RE.match(rid)):
            msg = f"id must be lowercase letters, digits and '-' (2-{MAX_ID_CHARS} characters)"
            self.bad("id", msg)

    def text(
        self, key: str, max_chars: int | None = None, reason: str = "", what: str = ""
    ) -> str | None:
        """`key`: a non-empty text (returned stripped) of at most `max_chars` characters;
        `reason` says why, after "<what> is N characters; ". None when absent or wrong
        (a missing field is reported by `fields()`)."""
        if key not in self.raw:
            return None
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            self.bad(key, "empty text")
            return None
        n = len(value.strip())
        if max_chars is not None and n > max_chars:
            why = reason or f"keep it <= {max_chars}"
            self.bad(key, f"{what or key} is {n} characters; {why}")
            return None
        return value.strip()

    def texts(
        self,
        key: str,
        max_chars: int | None = None,
        reason: str = "",
        langs: Sequence[str] = LANGS,
    ) -> dict[str, str]:
        """`key`: a mapping of each language in `langs` to a text (see `text()`), problems
        at `<key>.<lang>`. Returns the good texts (all of them when nothing is wrong);
        nothing when the field is absent."""
        value = self.raw.get(key)
        if key not in self.raw:
            return {}
        if not isinstance(value, LineDict):
            self.bad(key, f"expected a mapping with {' and '.join(langs)}")
            return {}
        each = Record(value, self.name, f"{self.label}{key}.", self.problems)
        for lang in value:
            if lang not in langs:
                each.bad(str(lang), f"unknown language (use {', '.join(langs)})")
        out: dict[str, str] = {}
        for lang in langs:
            if value.get(lang) is None:
                each.bad(lang, "missing language", value.line)
                continue
            text = each.text(lang, max_chars, reason, what=key)
            if text is not None:
                out[lang] = text
        return out

    def flag(self, key: str, default: bool = False, msg: str = "expected true or false") -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.bad(key, msg)
            return default
        return value

    def one_of(
        self, key: str, allowed: Sequence[Any], what: str, default: Any = None, null: bool = False
    ) -> Any:
        """The field's value, one of `allowed`; absent: `default`; `null`: may be empty."""
        value = self.raw.get(key, default)
        if key in self.raw and value not in allowed and not (null and value is None):
            self.bad(key, f"unknown {what} {value!r} (use {', '.join(map(str, allowed))})")
        return value

    def date(self, key: str) -> Any:
        value = self.raw.get(key)
        if key in self.raw and not isinstance(value, dt.date):
            self.bad(key, "expected a date like 2026-11-29")
        return value
