"""Re-extract UI strings and merge them into locales/*/LC_MESSAGES/bot.po.

    python scripts/update_locales.py

Runs `pybabel extract` into locales/bot.pot, then keeps every existing
translation and adds new msgids with an empty msgstr (the i18n test then fails
until a Lao translation is written). English needs no translations: its
msgids are English. New Lao strings get the comment "needs native review".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "locales" / "bot.pot"


def extract() -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "--no-location", "--sort-output", "--omit-header", "-o", str(POT), "."],
        cwd=ROOT, check=True,
    )  # fmt: skip


def merge(lang: str) -> None:
    po_path = ROOT / "locales" / lang / "LC_MESSAGES" / "bot.po"
    old = read_po(po_path.open("rb"), locale=lang) if po_path.exists() else Catalog(locale=lang)
    with POT.open("rb") as fh:
        template = read_po(fh)
    new = Catalog(locale=lang, project="lao-safe-migration-bot", fuzzy=False)
    for msg in template:
        if not msg.id:
            continue
        prev = old.get(msg.id)
        string = prev.string if prev else ""
        comments = list(prev.user_comments) if prev else []
        if lang == "lo" and not prev:
            comments = ["needs native review"]
        new.add(msg.id, string, user_comments=comments)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as fh:
        write_po(fh, new, omit_header=False, sort_output=True, width=100, no_location=True)


if __name__ == "__main__":
    extract()
    for lang in ("lo", "en"):
        merge(lang)
    print("updated", POT, "and lo/en bot.po")
