"""Field rules shared by the content loaders: FAQ entries (bot/core/content.py), quiz
questions (bot/core/quiz.py) and directory places (bot/core/centres/)."""

from __future__ import annotations

from bot.i18n import LANGS

__all__ = ["ID_PATTERN", "LANGS", "MAX_ID_CHARS", "VARIANT_LANGS"]

VARIANT_LANGS = (*LANGS, "th", "rom")  # question variants may also be in Thai or romanised Lao
# An id travels in button data (bot/core/callbacks.py): short, and no ':' (the separator).
MAX_ID_CHARS = 40
ID_PATTERN = rf"[A-Za-z0-9][A-Za-z0-9_.-]{{0,{MAX_ID_CHARS - 1}}}"
