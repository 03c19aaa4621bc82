"""Input from people we do not control: numbers, coordinates, text.

`str.isdigit()` is True for '²' and '٣', which `int()` then refuses or reads in a
script nobody meant; and a 40-digit number overflows SQLite's INTEGER. Every count,
change number or id a user or admin types (or a button carries) goes through here.
Telegram can deliver a lone surrogate (\\ud800) that SQLite cannot encode as UTF-8, and
a location with latitude inf that breaks the distance maths.
"""

from __future__ import annotations

import math

SQLITE_MAX = 2**63 - 1


def parse_int(text: str | None, lo: int = 0, hi: int = SQLITE_MAX) -> int | None:
    """The number in `text` if it is 1-18 ASCII digits (an optional leading '-') within
    lo..hi; None otherwise, so the caller answers with a clear message."""
    if text is None:
        return None
    text = text.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def finite_coords(lat: float, lon: float) -> bool:
    """A real place on Earth: finite numbers, latitude -90..90, longitude -180..180."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def scrub(text: str) -> str:
    """`text` that can be encoded as UTF-8: lone surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
