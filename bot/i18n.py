"""UI strings through gettext, in Lao and English.

The .po files in locales/ are compiled in memory when first used (Babel's
read_po/write_mo), so nobody needs a compile step after installing or after
editing a translation. FAQ and quiz text is not here: it lives in content/.

Usage in core code (pybabel extracts `_("...")` calls):

    _ = translator(lang)
    _("Reviewed {date}", date=...)
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("lo", "en")
DEFAULT_LANG = "lo"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "bot"

Translate = Callable[..., str]


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    po = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translator(lang: str | None) -> Translate:
    """A function msgid, **placeholders -> text in `lang` (Lao when unknown)."""
    cat = _catalog(lang if lang in LANGS else DEFAULT_LANG)

    def _(msgid: str, **kw: object) -> str:
        text = cat.gettext(msgid)
        return text.format(**kw) if kw else text

    return _


def pick_lang(code: str | None) -> str:
    """Telegram's language_code -> our language: English for en*, else Lao."""
    if code and code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def N_(msgid: str) -> str:
    return msgid
