"""UI strings: every one has a Lao translation with the same placeholders; the .pot is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import pick_lang, translator

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _catalog(lang):
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "bot.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _pot_ids(path: Path) -> set[str]:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_pot_matches_the_code(tmp_path):
    out = tmp_path / "bot.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
         "--no-location", "--omit-header", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    assert _pot_ids(out) == _pot_ids(ROOT / "locales" / "bot.pot"), (
        "UI strings changed: run `python scripts/update_locales.py` and translate the new ones"
    )


def test_every_ui_string_has_a_lao_translation_with_the_same_placeholders():
    pot = _pot_ids(ROOT / "locales" / "bot.pot")
    lo = {m.id: m.string for m in _catalog("lo") if m.id}
    missing = sorted(i for i in pot if not lo.get(i))
    assert not missing, f"no Lao translation for: {missing}"
    for msgid in pot:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(lo[msgid])), msgid


def test_placeholders_are_named():
    for msgid in _pot_ids(ROOT / "locales" / "bot.pot"):
        assert "{}" not in msgid and "%s" not in msgid, msgid


@pytest.mark.parametrize(
    ("code", "lang"), [("en", "en"), ("en-GB", "en"), ("lo", "lo"), ("th", "lo"), (None, "lo")]
)
def test_pick_lang(code, lang):
    assert pick_lang(code) == lang


def test_translator_formats_and_falls_back():
    assert translator("lo")("Menu") == "ເມນູ"
    assert translator("en")("Menu") == "Menu"
    assert translator("xx")("Menu") == "ເມນູ"  # unknown -> Lao
    assert "2026-11-29" in translator("lo")("Checked: {date}", date="2026-11-29")
