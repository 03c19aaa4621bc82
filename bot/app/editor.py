"""Admin content changes, safely: check, preview, write, record, undo, reload.

One edit at a time (a lock), each in the same steps:
1. read the overlay file (BOT_OVERLAY, default content/overlay.yaml: the one the content
   was loaded with) and apply the edit to it as data (bot/core/admin/__init__.py);
2. load the would-be content from disk with that overlay and run the same validation
   as `python -m bot validate`: if anything is wrong nothing is written;
3. record the change in the audit log as pending, write the overlay atomically
   (temporary file, fsync, os.replace), mark the row done: a failed write leaves
   neither a half-written file nor a log row, and a crash in between is settled
   at the next start (ContentEditor.settle);
4. reload: the new content is swapped in as one object.
Used by the Telegram admin handlers; no Telegram here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.app.runtime import Live, Runtime, matcher_for
from bot.core import admin as core
from bot.core.content import Content, default_overlay_path, source_name
from bot.core.dialogue import Dialogue
from bot.core.errors import ContentError, Problem
from bot.core.matching import Matcher
from bot.core.overlay import (
    dump_state,
    entry_state,
    is_empty,
    load_state,
    parse_overlay,
    render_overlay,
    with_entry_state,
)
from bot.core.validate import check_all
from bot.i18n import N_
from bot.storage import admin as db

log = logging.getLogger("bot.editing")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    change_id: int | None = None
    problems: tuple[Problem, ...] = ()
    refusal: core.Refusal | None = None
    changed: tuple[str, ...] = ()  # reload: entries that differ from before


@dataclass(frozen=True)
class Prepared:
    """An edit checked against the content on disk, not yet written."""

    edit: core.Edit
    content: Content  # the content as it will be
    overlay_text: str  # what overlay.yaml will hold ("" = no file)
    state_before: dict = field(repr=False)
    state_after: dict = field(repr=False)


class ContentEditor:
    def __init__(self, services: Runtime, clock: Callable[[], float] = time.time):
        self.services = services
        self.clock = clock
        self.lock = threading.Lock()
        self._previewed: Live | None = None  # its matcher is reused when the save matches it
        self.settle()

    def settle(self) -> None:
        """At start: a change left pending by a crash is kept if the overlay file shows it
        (the write happened), dropped if not (bot/storage/admin.py, record_change)."""
        try:
            overlay = self._read_overlay()
        except ContentError as exc:  # a broken hand edit: leave the rows for the next start
            log.error("pending content changes not settled: %s", exc.problems[:1])
            return

        def written(row: dict) -> bool:
            return entry_state(overlay, row["entry_id"]) == load_state(row["state_after"])

        kept, dropped = db.settle_pending(self.services.store, written)
        if kept or dropped:
            log.warning("after a crash: content changes kept %s, dropped %s", kept, dropped)

    @property
    def root(self) -> Path:
        return Path(self.services.loaded.content.root)

    @property
    def overlay_path(self) -> Path:
        """The file the served content was loaded with (BOT_OVERLAY), so an edit lands
        where /reload and a restart read it."""
        path = self.services.loaded.content.overlay_path
        return Path(path) if path else default_overlay_path(self.root)

    @property
    def overlay_name(self) -> str:
        return source_name(self.overlay_path, self.root)

    def today(self):
        return core.today(self.clock)

    # --- steps ----------------------------------------------------------------------------

    def _read_overlay(self) -> dict:
        path = self.overlay_path
        text = path.read_text(encoding="utf-8") if path.exists() else None
        return parse_overlay(text, self.overlay_name)

    def _write(self, text: str) -> None:
        """The overlay's folder is made if need be (a fresh data volume has none yet)."""
        self.overlay_path.parent.mkdir(parents=True, exist_ok=True)
        db.atomic_write(self.overlay_path, text)

    def _check(self, overlay_text: str) -> tuple[Content | None, list[Problem]]:
        content, problems, _summary = check_all(self.root, overlay_text, self.overlay_path)
        return content, problems

    def prepare(self, edit: core.Edit) -> Prepared | Outcome:
        """The edit applied to the overlay on disk and validated; nothing written."""
        refusal = core.check_edit(edit, self.services.loaded.content)
        if refusal:
            return Outcome(False, refusal=refusal)
        try:
            overlay = self._read_overlay()
        except ContentError as exc:
            return Outcome(False, problems=tuple(exc.problems))
        after = core.apply_edit(overlay, edit)
        text = "" if is_empty(after) else render_overlay(after)
        content, problems = self._check(text)
        if content is None:
            if edit.kind == core.NEW_ENTRY:  # lines of the rendered overlay mean nothing here
                problems = [_in_message(p, edit.entry_id, self.overlay_name) for p in problems]
            return Outcome(False, problems=tuple(problems))
        return Prepared(
            edit,
            content,
            text,
            entry_state(overlay, edit.entry_id),
            entry_state(after, edit.entry_id),
        )

    def preview(self, edit: core.Edit, lang: str, nonce: int):
        """(replies showing the change as users will see it, None) or (None, Outcome)."""
        from bot.core.admin.replies import preview

        prepared = self.prepare(edit)
        if isinstance(prepared, Outcome):
            return None, prepared
        live = self.services.loaded
        hint = self._previewed
        matcher = _same_matcher(prepared.content, hint) or matcher_for(prepared.content)
        after = Dialogue(prepared.content, matcher, live.dialogue.directory)
        self._previewed = Live(prepared.content, after, live.bank)
        return preview(edit, live.content, after, lang, nonce), None

    def commit(self, edit: core.Edit, admin_id: int) -> Outcome:
        """Check again (the files may have changed since the preview), write, record, reload."""
        with self.lock:
            prepared = self.prepare(edit)
            if isinstance(prepared, Outcome):
                return prepared
            old, new = core.edit_values(edit, self.services.loaded.content)
            change_id = self._record(
                admin_id=admin_id,
                kind=edit.kind,
                entry_id=edit.entry_id,
                summary=core.describe(edit),
                old_value=old,
                new_value=new,
                state_before=dump_state(prepared.state_before),
                state_after=dump_state(prepared.state_after),
                write=lambda: self._write(prepared.overlay_text),
            )
            if isinstance(change_id, Outcome):
                return change_id
            # the files on disk now hold exactly what prepare() validated: serve it
            problems = self.services.install(prepared.content, self._previewed)
        return Outcome(True, change_id, tuple(problems))

    def undo(self, change_id: int | None, admin_id: int) -> Outcome:
        """Put an entry back exactly as it was before a change (default: the newest change).

        Refused when the entry changed since (a later change or a hand edit): undo those
        first, so an undo never silently throws away other work."""
        with self.lock:
            store = self.services.store
            row = db.last_undoable(store) if change_id is None else db.get_change(store, change_id)
            if row is None:
                msg = (
                    N_("Nothing to undo.") if change_id is None else N_("There is no change #{id}.")
                )
                return Outcome(False, refusal=core.Refusal(msg, {"id": change_id}))
            if row["kind"] == "reload":
                return Outcome(False, refusal=core.Refusal(
                    N_("#{id} is a reload of hand edits: change the files back by hand."),
                    {"id": row["id"]}))  # fmt: skip
            if row["undone_by"]:
                return Outcome(False, refusal=core.Refusal(
                    N_("#{id} was already undone by #{by}."),
                    {"id": row["id"], "by": row["undone_by"]}))  # fmt: skip
            try:
                overlay = self._read_overlay()
            except ContentError as exc:
                return Outcome(False, problems=tuple(exc.problems))
            eid = row["entry_id"]
            if entry_state(overlay, eid) != load_state(row["state_after"]):
                later = [f"#{r['id']}" for r in db.later_changes(store, eid, row["id"])]
                if not later:
                    return Outcome(False, refusal=core.Refusal(
                        N_("{entry} was edited by hand after #{id}, so it cannot be undone "
                           "safely: change it back by hand, then send /reload."),
                        {"entry": eid, "id": row["id"]}))  # fmt: skip
                return Outcome(False, refusal=core.Refusal(
                    N_("{entry} changed after #{id} ({later}): undo the later changes first."),
                    {"entry": eid, "id": row["id"], "later": ", ".join(later)}))  # fmt: skip
            restored = with_entry_state(overlay, eid, load_state(row["state_before"]))
            text = "" if is_empty(restored) else render_overlay(restored)
            content, problems = self._check(text)
            if content is None:
                return Outcome(False, problems=tuple(problems))
            change = self._record(
                admin_id=admin_id,
                kind="undo",
                entry_id=eid,
                summary=f"undo #{row['id']}: {row['summary']}",
                old_value=row["new_value"],
                new_value=row["old_value"],
                state_before=row["state_after"],
                state_after=row["state_before"],
                undoes=row["id"],
                write=lambda: self._write(text),
            )
            if isinstance(change, Outcome):
                return change
            problems = self.services.install(content)
        return Outcome(True, change, tuple(problems))

    def _record(self, **change) -> int | Outcome:
        """Write the file and log the change together; a failed write changes nothing."""
        try:
            return db.record_change(self.services.store, **change)
        except OSError as exc:
            log.error("content file not written: %s", exc)
            return Outcome(False, refusal=core.Refusal(
                N_("The content file could not be written ({error}); nothing was changed."),
                {"error": type(exc).__name__}))  # fmt: skip

    def reload(self, admin_id: int) -> Outcome:
        """/reload: hand edits on disk swapped in if all valid; recorded in the audit log."""
        with self.lock:
            before = self.services.loaded.content
            problems = self.services.reload()
            if problems:
                return Outcome(False, problems=tuple(problems))
            after = self.services.loaded.content
            changed = _changed_ids(before, after)
            if changed:
                change = db.record_change(
                    self.services.store,
                    admin_id=admin_id,
                    kind="reload",
                    entry_id="*",
                    summary="reload: " + ", ".join(changed),
                )
                return Outcome(True, change, changed=tuple(changed))
        return Outcome(True)


def _same_matcher(content: Content, live: Live | None) -> Matcher | None:
    if live is not None and live.content.entries == content.entries:
        return live.dialogue.matcher
    return None


def _changed_ids(before: Content, after: Content) -> list[str]:
    """Entries added, removed or changed (moving an entry within its file is no change)."""

    def same(a, b) -> bool:
        return a is not None and b is not None and replace(a, line=0) == replace(b, line=0)

    ids = sorted(set(before.by_id) | set(after.by_id))
    return [i for i in ids if not same(before.by_id.get(i), after.by_id.get(i))]


def _in_message(p: Problem, entry_id: str, overlay_name: str) -> Problem:
    """A problem in a new entry sent by message: name the field, not an overlay line."""
    if p.file == overlay_name and p.field.startswith(f"{entry_id}."):
        return replace(p, file="message", line=None)
    return p
