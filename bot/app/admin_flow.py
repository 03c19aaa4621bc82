"""The admin's edit dialogue as a state machine, for any channel.

/edit, /newentry, /missed, /stats, /reload, /changes, /undo, /cancel, the admin buttons and
the text (or YAML file) an admin was asked for go in; what to show comes out as values
(`Reply`, and `Chart` for the /stats picture). The state of each admin's dialogue (what the
bot is waiting for, the pending preview) lives here, keyed by admin id, so a channel only
checks who may, reads the input and sends the outcome. Calls block (loading and validating
content, building the matcher): an async channel runs them in a worker thread. One admin's
inputs must arrive in order (the Telegram channel handles a chat's updates in order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.app import admin as reports
from bot.app.editor import ContentEditor, Outcome
from bot.app.runtime import Runtime
from bot.core import admin as core
from bot.core import callbacks as cb
from bot.core.admin import replies as ui
from bot.core.chart import stats_png
from bot.core.dialogue_types import Reply
from bot.core.errors import ContentError
from bot.core.overlay import plain
from bot.core.untrusted import parse_int
from bot.core.yamlsrc import LineDict, parse_yaml
from bot.i18n import translator

MISSED_DAYS = 30
COMMANDS = ("reload", "edit", "newentry", "missed", "stats", "changes", "undo", "cancel")


@dataclass(frozen=True)
class Chart:
    """A picture to send (the /stats chart), PNG bytes and a caption."""

    png: bytes
    caption: str


Out = Reply | Chart


@dataclass
class AdminFlow:
    services: Runtime
    editor: ContentEditor
    states: dict[int, dict[str, Any]] = field(default_factory=dict)

    def _state(self, admin_id: int) -> dict[str, Any]:
        return self.states.setdefault(admin_id, {})

    def awaiting(self, admin_id: int) -> bool:
        """Is the bot waiting for this admin to send text (a variant, answer or entry)?"""
        return bool(self.states.get(admin_id, {}).get("await"))

    def wants_entry(self, admin_id: int) -> bool:
        """Waiting for a new entry (the only input that may come as a YAML file)?"""
        return (self.states.get(admin_id, {}).get("await") or {}).get("kind") == "new"

    # --- commands ---------------------------------------------------------------------
    def command(self, admin_id: int, name: str, arg: str, lang: str) -> list[Out]:
        return getattr(self, f"_cmd_{name}")(admin_id, arg.strip(), lang)

    def _cmd_reload(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        outcome = self.editor.reload(admin_id)
        if outcome.ok:
            content = self.services.loaded.content
            return [ui.reload_ok(content, outcome.changed, lang)]
        return [ui.reload_failed(outcome.problems, lang)]

    def _cmd_edit(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        loaded = self.services.loaded
        if arg in loaded.content.by_id:
            return [ui.entry_card(loaded.content.by_id[arg], lang, self.editor.today())]
        ids = (
            [eid for eid, _s in loaded.dialogue.matcher.index.entry_scores(arg)[:5]] if arg else []
        )
        return [ui.pick_entry(ids, loaded.content, lang)]

    def _cmd_newentry(
        self, admin_id: int, arg: str, lang: str, question: str | None = None
    ) -> list[Out]:
        self._state(admin_id)["await"] = {"kind": "new"}
        qlang = core.variant_lang(question) if question else "en"
        template = ui.new_entry_template(self.editor.today(), question, qlang)
        return [ui.new_entry_intro(lang, from_missed=bool(question)), Reply(template)]

    def _missed_groups(self) -> list[core.MissedGroup]:
        return reports.missed_groups(self.services, self.editor.clock(), MISSED_DAYS)

    def _cmd_missed(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        groups = self._missed_groups()
        matcher = self.services.dialogue.matcher
        suggestions = {
            g.id: [eid for eid, _s in matcher.match(g.text).ranked[:3]]
            for g in groups[: ui.MISSED_SHOWN]
        }
        content = self.services.loaded.content
        return list(ui.missed_replies(groups, suggestions, content, lang, MISSED_DAYS))

    def _cmd_stats(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        _ = translator(lang)
        short, long = reports.stats(self.services, self.editor.clock())
        content = self.services.loaded.content
        text = Reply(core.stats_text(short, long, content, lang), title=_("Statistics"))
        caption = _("Questions per day and top topics, last {days} days", days=long.days)
        return [text, Chart(stats_png(long), caption)]

    def _cmd_changes(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        return [ui.changes_reply(reports.recent_changes(self.services), lang)]

    def _cmd_undo(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        _ = translator(lang)
        target = arg.lstrip("#")
        change_id = parse_int(target, 1) if target else None
        if target and change_id is None:
            return [Reply(_("Send /undo, or /undo followed by a change number."))]
        outcome = self.editor.undo(change_id, admin_id)
        if outcome.ok:
            return [Reply(_("Undone (recorded as change #{id}). Users see the previous content now.", id=outcome.change_id))]  # fmt: skip
        return _report(outcome, lang)

    def _cmd_cancel(self, admin_id: int, arg: str, lang: str) -> list[Out]:
        _ = translator(lang)
        self.states.pop(admin_id, None)
        return [Reply(_("Stopped. Nothing was changed."))]

    # --- buttons (bot/core/callbacks.py AdminButton, "ad:..." on the wire) -------------------
    def button(self, admin_id: int, pressed: cb.AdminButton | None, lang: str) -> list[Out]:
        _ = translator(lang)
        content = self.services.loaded.content
        by_id = content.by_id
        state = self._state(admin_id)
        match pressed:
            case cb.AdminEntry(eid) if eid in by_id:
                return [ui.entry_card(by_id[eid], lang, self.editor.today())]
            case cb.AdminAddQuestion(qlang, eid) | cb.AdminNewAnswer(qlang, eid) if eid in by_id:
                kind = "q" if isinstance(pressed, cb.AdminAddQuestion) else "a"
                state["await"] = {"kind": kind, "lang": qlang, "id": eid}
                return list(ui.ask_for_text(kind, qlang, by_id[eid], lang))
            case cb.AdminReviewed(eid) if eid in by_id:
                edit = core.Edit(core.MARK_REVIEWED, eid, reviewed=self.editor.today())
                return self._preview(admin_id, edit, lang)
            case cb.AdminSave(nonce):
                return self._save(admin_id, nonce, lang)
            case cb.AdminCancel():
                state.pop("pending", None)
                state.pop("await", None)
                return [Reply(_("Cancelled. Nothing was changed."))]
            case cb.AdminMissedAdd(gid) | cb.AdminMissedAsIs(gid) | cb.AdminMissedNew(gid):
                group = core.find_group(self._missed_groups(), gid)
                if group is None:
                    return [Reply(_("That list is out of date. Send /missed again."))]
                if isinstance(pressed, cb.AdminMissedNew):
                    return self._cmd_newentry(admin_id, "", lang, question=group.text)
                entry = by_id.get(pressed.entry_id)
                if entry is not None and isinstance(pressed, cb.AdminMissedAdd):
                    # which text? what users typed may name or identify someone
                    state.pop("pending", None)
                    state["await"] = {"kind": "mq", "id": entry.id}
                    return ui.ask_for_missed_variant(group, entry, lang)
                if entry is not None:  # "Use as is": the admin read it and chose it
                    lang_of = core.variant_lang(group.text)
                    edit = core.Edit(core.ADD_VARIANT, entry.id, lang_of, group.text)
                    return self._preview(admin_id, edit, lang)
        return [Reply(_("That button is old or unknown."))]

    # --- typed input --------------------------------------------------------------------
    def text(self, admin_id: int, text: str | None, lang: str, document: bool = False) -> list[Out]:
        """The text (or a YAML file's text, `document`) an admin was asked for."""
        _ = translator(lang)
        wait = self._state(admin_id).get("await") or {}
        if wait.get("kind") == "new":
            edit = _new_entry_edit(text or "", lang)
            return [edit] if isinstance(edit, Reply) else self._preview(admin_id, edit, lang)
        if document or not text:
            return [Reply(_("Please send text, or /cancel."))]
        if wait.get("kind") == "mq":  # the text to add for a missed question, as chosen
            edit = core.Edit(core.ADD_VARIANT, wait["id"], core.variant_lang(text), text)
            return self._preview(admin_id, edit, lang)
        kind = core.ADD_VARIANT if wait.get("kind") == "q" else core.REPLACE_ANSWER
        return self._preview(admin_id, core.Edit(kind, wait["id"], wait["lang"], text), lang)

    # --- preview and save -----------------------------------------------------------------
    def _preview(self, admin_id: int, edit: core.Edit, lang: str) -> list[Out]:
        """Show the change as users will see it; keep it pending until Save or Cancel."""
        state = self._state(admin_id)
        nonce = state.get("seq", 0) + 1
        state["seq"] = nonce
        replies, failed = self.editor.preview(edit, lang, nonce)
        if failed:
            return _report(failed, lang)
        state["pending"] = {"nonce": nonce, "edit": edit}
        state.pop("await", None)
        return list(replies)

    def _save(self, admin_id: int, nonce: int, lang: str) -> list[Out]:
        _ = translator(lang)
        state = self._state(admin_id)
        pending = state.get("pending")
        if not pending or pending["nonce"] != nonce:
            return [Reply(_("This preview is out of date; nothing was saved."))]
        state.pop("pending", None)
        outcome = self.editor.commit(pending["edit"], admin_id)
        if not outcome.ok:
            return _report(outcome, lang)
        out: list[Out] = [ui.saved(outcome.change_id, lang)]
        if outcome.problems:  # written, but the reload found a hand edit in the way
            out.append(ui.reload_failed(outcome.problems, lang))
        return out


def _report(outcome: Outcome, lang: str) -> list[Out]:
    if outcome.refusal:
        return [Reply(ui.refusal_text(outcome.refusal, lang))]
    if outcome.problems:
        return [ui.edit_rejected(outcome.problems, lang)]
    return []


def _new_entry_edit(text: str, lang: str) -> core.Edit | Reply:
    _ = translator(lang)
    try:
        raw = parse_yaml(text, "message", strict=True)
    except ContentError as exc:
        return ui.problems_reply(exc.problems, lang, _("This is not valid YAML:"))
    if not isinstance(raw, LineDict) or not isinstance(raw.get("id"), str):
        return Reply(_("Send one entry like the template (id: ..., category: ..., title: ...)."))
    return core.Edit(core.NEW_ENTRY, raw["id"], entry=plain(raw))
