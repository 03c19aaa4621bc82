"""What the adapters share: current content, matcher, dialogue and storage.

`apply()` records a Turn's events (privacy rules in one place: question text
is stored without the user id), so Telegram and the terminal chat behave alike.
Content is swapped as one object, so a reload is atomic for readers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.content import Content, load_content
from bot.core.dialogue import Dialogue, Turn
from bot.core.matching import Matcher
from bot.storage.db import Store, connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    content: Content
    dialogue: Dialogue


def load_loaded(
    content_dir: Path, overlay_path: Path | str | None = None, content: Content | None = None
) -> Loaded:
    """Content (with the admins' overlay, BOT_OVERLAY; default content/overlay.yaml),
    matcher, dialogue and centre directory. `content`: already loaded and checked."""
    if content is None:
        content = load_content(content_dir, overlay_path=overlay_path)
    directory = None
    centres = content_dir / "centres.yaml"
    if centres.exists():
        from bot.core.centres import load_directory

        directory = load_directory(centres)
    return Loaded(content, Dialogue(content, Matcher(content), directory))


class Services:
    def __init__(
        self,
        loaded: Loaded,
        store: Store,
        admin_ids: frozenset[int] = frozenset(),
        facilitator_ids: frozenset[int] = frozenset(),
    ):
        self.loaded = loaded
        self.store = store
        self.admin_ids = admin_ids
        self.facilitator_ids = facilitator_ids  # may run quiz events (admins may too)

    @classmethod
    def open(
        cls,
        content_dir: Path,
        db_path: Path | str,
        admin_ids: frozenset[int] = frozenset(),
        facilitator_ids: frozenset[int] = frozenset(),
        overlay_path: Path | str | None = None,
    ):
        loaded = load_loaded(content_dir, overlay_path)
        return cls(loaded, Store(connect(db_path)), admin_ids, facilitator_ids)

    @property
    def dialogue(self) -> Dialogue:
        return self.loaded.dialogue

    def reload(self) -> list:
        """Re-read content/ and the overlay from disk; swap them in only if all is valid.

        Returns the problems (file, line, field); with any, the last good content keeps
        serving. The swap is one assignment, so a reader sees the old or the new, never a mix.
        """
        from bot.core.errors import ContentError
        from bot.core.validate import check_all

        root = Path(self.loaded.content.root)
        overlay = self.loaded.content.overlay_path or None  # the file it was loaded with
        content, problems, _summary = check_all(root, overlay_path=overlay)
        if problems:
            return problems
        try:
            loaded = load_loaded(root, overlay, content)
        except ContentError as exc:  # the directory changed on disk between check and load
            return exc.problems
        self.loaded = loaded
        return []

    def health(self) -> dict:
        """For /health and `python -m bot health`: content loaded, database writable."""
        content_ok = bool(self.loaded and self.loaded.content.entries)
        db_ok = self.store.writable()
        return {
            "ok": content_ok and db_ok,
            "content_loaded": content_ok,
            "faq_entries": len(self.loaded.content.entries) if content_ok else 0,
            "database_writable": db_ok,
        }

    def user_lang(self, user_id: int) -> str | None:
        return self.store.get_lang(user_id)

    def apply(self, user_id: int, turn: Turn) -> Turn:
        """Record what the turn says happened; return it for sending."""
        for ev in turn.events:
            d = ev.data
            if ev.kind == "set_lang":
                self.store.set_lang(user_id, d["lang"])
            elif ev.kind == "feedback":
                self.store.add_feedback(d["entry"], d["helpful"])
            elif ev.kind == "asked":
                self.store.add_asked(d.get("entry"), d["decision"], d["lang"])
            elif ev.kind == "unanswered":
                self.store.add_unanswered(d["text"], d["lang"])
            elif ev.kind == "forget":
                self.store.forget_user(user_id)
        return turn

    def command(self, text: str, lang: str) -> Turn:
        """Slash commands as core turns (used by the terminal chat)."""
        cmd, arg = [*text.split(None, 1), "", ""][:2]
        cmd = cmd.split("@", 1)[0].lower()
        d = self.dialogue
        table = {
            "/start": lambda: d.start(lang, arg.strip() or None),
            "/menu": lambda: d.menu(lang),
            "/help": lambda: d.help(lang),
            "/language": lambda: d.choose_language(lang),
            "/hotline": lambda: d.hotlines(lang),
            "/privacy": lambda: d.privacy(lang),
            "/forget": lambda: d.forget(lang),
            "/location": lambda: _location(d, arg, lang),
        }
        return table.get(cmd, lambda: d.help(lang))()


def _location(dialogue, arg: str, lang: str) -> Turn:
    """Terminal chat: `/location 15.12 105.80` stands in for a shared location."""
    try:
        lat, lon = (float(x) for x in arg.replace(",", " ").split())
    except ValueError:
        return dialogue.centres(lang)
    return dialogue.on_location(lat, lon, lang)
