"""What the channels share: the live content (FAQ, matcher, dialogue, centre directory,
quiz bank), storage, and the quiz service.

`apply()` records a Turn's events (privacy rules in one place: question text
is stored without the user id), so Telegram and the terminal chat behave alike.
Everything loaded from content/ is swapped as one `Live` object, so a /reload is atomic
for readers and the FAQ, the directory and the quiz bank never come from different
versions of the files.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.app.handoff import HandoffService
from bot.app.quiz import QuizService
from bot.core.content import Content, load_content
from bot.core.dialogue import Dialogue, Turn
from bot.core.errors import ContentError
from bot.core.handoff import parse_hours
from bot.core.matching import Matcher
from bot.core.quiz import QuizBank, load_quiz_bank
from bot.storage.db import Store, connect
from bot.storage.quiz import EVENT_KEEP_DAYS, QuizStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Live:
    """One version of content/: FAQ, its dialogue (with the centre directory), quiz bank."""

    content: Content
    dialogue: Dialogue
    bank: QuizBank | None = None  # None: no quiz.yaml, or a broken one at startup


def load_live(
    content_dir: Path,
    overlay_path: Path | str | None = None,
    content: Content | None = None,
    strict: bool = False,
    previous: Live | None = None,
) -> Live:
    """Content (with the admins' overlay, BOT_OVERLAY; default content/overlay.yaml),
    matcher, dialogue, centre directory and quiz bank. `content`: already loaded and
    checked. A broken quiz bank disables the quiz, not the bot, unless `strict` (reload:
    the caller has validated everything and must not serve half of it). `previous`: a
    Live whose matcher is reused when the FAQ entries are the same (building one is the
    slowest step of a reload or an admin save)."""
    if content is None:
        content = load_content(content_dir, overlay_path=overlay_path)
    directory = None
    centres = content_dir / "centres.yaml"
    if centres.exists():
        from bot.core.centres import load_directory

        directory = load_directory(centres)
    bank = None
    quiz = content_dir / "quiz.yaml"
    if quiz.exists():
        try:
            bank = load_quiz_bank(quiz, content)
        except ContentError as exc:
            if strict:
                raise
            log.error("quiz bank not loaded (%d problems): %s", len(exc.problems), exc.problems[0])
    return Live(content, Dialogue(content, _matcher(content, previous), directory), bank)


def _matcher(content: Content, previous: Live | None) -> Matcher:
    """A new Matcher, or the previous one when it indexes the same entries."""
    if previous is not None and _same_index(previous.content, content):
        return previous.dialogue.matcher
    return matcher_for(content)


# Matchers in use, held weakly: content with the same entries as one of them (an undo back
# to what is served, a restart or a second runtime in the same process) shares it instead
# of building another (~1.5 s of CPU, ~30 MB). An index never changes once built; one that
# nothing serves any more is freed as before.
_MATCHERS: list[weakref.ref[Matcher]] = []
_MATCHERS_LOCK = threading.Lock()


def matcher_for(content: Content) -> Matcher:
    """The Matcher for `content`'s entries: one still in use for the same entries, or new."""
    with _MATCHERS_LOCK:
        live = [m for m in (ref() for ref in _MATCHERS) if m is not None]
        _MATCHERS[:] = [weakref.ref(m) for m in live]
        for matcher in live:
            if _same_index(matcher.content, content):
                return matcher
    matcher = Matcher(content)
    with _MATCHERS_LOCK:
        _MATCHERS.append(weakref.ref(matcher))
    return matcher


def _same_index(a: Content, b: Content) -> bool:
    return a.entries == b.entries and a.topics == b.topics


class Runtime:
    """The running bot behind every channel: the live content (swapped whole on reload),
    storage, and the quiz, handoff and admin services that combine them."""

    def __init__(
        self,
        loaded: Live,
        store: Store,
        admin_ids: frozenset[int] = frozenset(),
        facilitator_ids: frozenset[int] = frozenset(),
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ):
        self.loaded = loaded
        self.store = store
        self.admin_ids = admin_ids
        self.facilitator_ids = facilitator_ids  # may run quiz events (admins may too)
        self.clock = clock
        # the quiz reads the bank and the FAQ from `self.loaded` at each call: a /reload
        # swaps them for the quiz too
        self.quiz = QuizService(
            lambda: self.loaded,
            QuizStore(store),
            frozenset(admin_ids) | frozenset(facilitator_ids),
            clock=clock,
            rng=rng or random.Random(),
        )
        # talk to a person: off until enable_handoff() is given a counsellors' group
        self.handoff = HandoffService(
            store, lambda: self.loaded.dialogue.directory, None, parse_hours("24/7"), clock=clock
        )
        self._talk_dialogue: tuple[Dialogue, Dialogue] | None = None

    def enable_handoff(self, chat_id: int | None, hours: str, keep_days: int = 30) -> None:
        """BOT_COUNSELLOR_CHAT / _HOURS / _KEEP_DAYS: the relay to counsellors (docs/COUNSELLORS.md)."""
        self.handoff.chat_id = chat_id
        self.handoff.hours = parse_hours(hours)
        self.handoff.keep_days = keep_days

    @classmethod
    def open(
        cls,
        content_dir: Path,
        db_path: Path | str,
        admin_ids: frozenset[int] = frozenset(),
        facilitator_ids: frozenset[int] = frozenset(),
        overlay_path: Path | str | None = None,
    ):
        loaded = load_live(content_dir, overlay_path)
        return cls(loaded, Store(connect(db_path)), admin_ids, facilitator_ids)

    @property
    def dialogue(self) -> Dialogue:
        """The live dialogue; with counsellors set up, a copy that offers “👤 Talk to a
        person” (the shared Live is never changed, a /reload gets a fresh copy)."""
        d = self.loaded.dialogue
        if not self.handoff.enabled:
            return d
        if self._talk_dialogue is None or self._talk_dialogue[0] is not d:
            talk = copy.copy(d)
            talk.talk = True
            talk.talk_keep_days = self.handoff.keep_days
            self._talk_dialogue = (d, talk)
        return self._talk_dialogue[1]

    def install(self, content: Content, hint: Live | None = None) -> list:
        """Serve `content` (loaded and validated from the files now on disk, e.g. by an admin
        save) with the directory and quiz bank on disk; `hint` may hold its matcher."""
        root = Path(content.root)
        try:
            loaded = load_live(root, content.overlay_path or None, content, True, hint)
        except ContentError as exc:
            return exc.problems
        self._serve(loaded)
        return []

    def _serve(self, loaded: Live) -> None:
        """Swap in new content; conversations keep their thread (the last answer's
        country, for a follow-up) across the swap."""
        loaded.dialogue.context = self.loaded.dialogue.context
        self.loaded = loaded

    def reload(self) -> list:
        """Re-read content/ and the overlay from disk; swap them in only if all is valid.

        Returns the problems (file, line, field); with any, the last good content keeps
        serving. The FAQ, the centre directory and the quiz bank are swapped together in one
        assignment, so a reader sees the old or the new, never a mix.
        """
        from bot.core.validate import check_all

        root = Path(self.loaded.content.root)
        overlay = self.loaded.content.overlay_path or None  # the file it was loaded with
        content, problems, _summary = check_all(root, overlay_path=overlay)
        if problems:
            return problems
        try:
            loaded = load_live(root, overlay, content, strict=True, previous=self.loaded)
        except ContentError as exc:  # the files changed on disk between check and load
            return exc.problems
        self._serve(loaded)
        return []

    def purge_old_records(self, retention_days: int) -> dict[str, int]:
        """Daily: anonymous records older than the retention period, and ended quiz events
        (participants' names and answers) after EVENT_KEEP_DAYS, closed counsellor cases."""
        deleted = self.store.purge_older_than(retention_days)
        cutoff = self.store.clock() - EVENT_KEEP_DAYS * 86400
        deleted["quiz_events"] = self.quiz.store.purge_events(cutoff)
        # talk to a person: cases closed more than BOT_COUNSELLOR_KEEP_DAYS ago
        deleted["handoff_cases"] = self.handoff.purge()
        return deleted

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

    def apply(self, user_id: int, turn: Turn, channel: str = "telegram") -> Turn:
        """Record what the turn says happened; return it for sending. `channel`: where the
        question came from (telegram, line), kept with anonymous question records."""
        for ev in turn.events:
            d = ev.data
            if ev.kind == "set_lang":
                self.store.set_lang(user_id, d["lang"])
            elif ev.kind == "feedback":
                self.store.add_feedback(d["entry"], d["helpful"])
            elif ev.kind == "asked":
                self.store.add_asked(d.get("entry"), d["decision"], d["lang"], channel)
            elif ev.kind == "unanswered":
                self.store.add_unanswered(d["text"], d["lang"], channel)
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
            # no counsellors' group in this channel: says so, with the help lines
            "/talk": lambda: self.handoff.talk(0, lang),
            "/location": lambda: _location(d, arg, lang),
        }
        return table.get(cmd, lambda: d.help(lang))()


Services = Runtime  # the old name, for code written before the rename


def _location(dialogue, arg: str, lang: str) -> Turn:
    """Terminal chat: `/location 15.12 105.80` stands in for a shared location."""
    try:
        lat, lon = (float(x) for x in arg.replace(",", " ").split())
    except ValueError:
        return dialogue.centres(lang)
    return dialogue.on_location(lat, lon, lang)
