"""Admin commands (docs/ADMIN.md): /reload /edit /newentry /missed /stats /changes /undo.

Thin: who may, what state the admin's edit dialog is in (context.user_data["admin"]),
then the core (bot/core/admin*.py) decides and bot/editing.py writes. Slow steps (loading
and validating content, building the matcher) run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core import admin as core
from bot.core import admin_ui as ui
from bot.core.chart import stats_png
from bot.core.content import LANGS, VARIANT_LANGS
from bot.core.dialogue_types import Reply, Turn
from bot.core.errors import ContentError
from bot.core.overlay import plain
from bot.core.untrusted import parse_int
from bot.core.yamlsrc import LineDict, parse_yaml
from bot.editing import ContentEditor, Outcome
from bot.i18n import N_, translator
from bot.storage import admin as db
from bot.tg.handlers.common import send_turn, services, user_lang

log = logging.getLogger("bot.admin")

ADMIN_COMMANDS = [
    ("edit", N_("Admin: edit an FAQ entry")),
    ("newentry", N_("Admin: create an FAQ entry")),
    ("missed", N_("Admin: questions the bot could not answer")),
    ("stats", N_("Admin: usage statistics")),
    ("reload", N_("Admin: reload content from disk")),
    ("changes", N_("Admin: recent content changes")),
    ("undo", N_("Admin: undo a content change")),
    ("cancel", N_("Admin: stop the current edit")),
]
MISSED_DAYS = 30
MAX_YAML_BYTES = 64_000


class _AwaitingInput(filters.MessageFilter):
    """Private text (or a .yaml file) from an admin the bot has asked for input."""

    def __init__(self, app: Application):
        super().__init__(name="awaiting_admin_input")
        self.app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or user.id not in self.app.bot_data["services"].admin_ids:
            return False
        return bool(self.app.user_data.get(user.id, {}).get("admin", {}).get("await"))


def register(app: Application) -> None:
    app.bot_data["editor"] = ContentEditor(app.bot_data["services"])
    admins = app.bot_data["services"].admin_ids
    names = [c for c, _d in ADMIN_COMMANDS if c != "cancel"]
    # everyone reaches these: non-admins are refused politely
    app.add_handler(CommandHandler(names, command))
    # /cancel only means something to an admin in an edit; others get the usual help
    app.add_handler(CommandHandler("cancel", command, filters=filters.User(user_id=admins)))
    app.add_handler(CallbackQueryHandler(button, pattern=r"^ad:"))
    # an admin's answer to "send the new question/answer/entry": before free text
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    yaml_file = filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")
    typed = (filters.TEXT & ~filters.COMMAND) | yaml_file
    app.add_handler(MessageHandler(private & typed & _AwaitingInput(app), incoming))


async def set_admin_commands(app: Application, user_commands: list[tuple[str, str]]) -> None:
    """The command menu with admin commands, in each admin's chat only."""
    for admin in sorted(app.bot_data["services"].admin_ids):
        try:
            for lang in ("lo", "en", None):
                _ = translator(lang or "en")
                cmds = [BotCommand(c, _(d)) for c, d in [*user_commands, *ADMIN_COMMANDS]]
                await app.bot.set_my_commands(
                    cmds, scope=BotCommandScopeChat(admin), language_code=lang
                )
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.warning("admin command menu not set for one admin: %s", exc)


# --- plumbing -----------------------------------------------------------------------------


def _editor(context: ContextTypes.DEFAULT_TYPE) -> ContentEditor:
    return context.bot_data["editor"]


def _state(context: ContextTypes.DEFAULT_TYPE) -> dict:
    return context.user_data.setdefault("admin", {})


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, *replies: Reply) -> None:
    await send_turn(update, context, Turn(list(replies)))


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return bool(user and user.id in services(context).admin_ids)


async def _report(update, context, outcome: Outcome, lang: str) -> None:
    if outcome.refusal:
        await _send(update, context, Reply(ui.refusal_text(outcome.refusal, lang)))
    elif outcome.problems:
        await _send(update, context, ui.edit_rejected(outcome.problems, lang))


async def _preview(update, context, edit: core.Edit, lang: str) -> None:
    """Show the change as users will see it; keep it pending until Save or Cancel."""
    state = _state(context)
    nonce = state.get("seq", 0) + 1
    state["seq"] = nonce
    replies, failed = await asyncio.to_thread(_editor(context).preview, edit, lang, nonce)
    if failed:
        await _report(update, context, failed, lang)
        return
    state["pending"] = {"nonce": nonce, "edit": edit}
    state.pop("await", None)
    await _send(update, context, *replies)


# --- commands -------------------------------------------------------------------------------


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_lang(update, context)
    if not _is_admin(update, context):
        await _send(update, context, ui.not_admin(lang))
        return
    _ = translator(lang)
    if update.effective_chat.type != "private":
        await _send(update, context, Reply(_("Please use admin commands in a private chat with the bot.")))  # fmt: skip
        return
    cmd, arg = [*(update.effective_message.text or "").split(None, 1), "", ""][:2]
    name = cmd.lstrip("/").split("@", 1)[0].lower()
    await COMMANDS[name](update, context, arg.strip(), lang)


async def reload_cmd(update, context, arg: str, lang: str) -> None:
    outcome = await asyncio.to_thread(_editor(context).reload, update.effective_user.id)
    if outcome.ok:
        content = services(context).loaded.content
        await _send(update, context, ui.reload_ok(content, outcome.changed, lang))
    else:
        await _send(update, context, ui.reload_failed(outcome.problems, lang))


async def edit_cmd(update, context, arg: str, lang: str) -> None:
    loaded = services(context).loaded
    if arg in loaded.content.by_id:
        entry = loaded.content.by_id[arg]
        await _send(update, context, ui.entry_card(entry, lang, _editor(context).today()))
        return
    ids = [eid for eid, _s in loaded.dialogue.matcher.index.entry_scores(arg)[:5]] if arg else []
    await _send(update, context, ui.pick_entry(ids, loaded.content, lang))


async def newentry_cmd(update, context, arg: str, lang: str, question: str | None = None) -> None:
    _state(context)["await"] = {"kind": "new"}
    qlang = core.variant_lang(question) if question else "en"
    template = ui.new_entry_template(_editor(context).today(), question, qlang)
    await _send(update, context, ui.new_entry_intro(lang), Reply(template))


def _missed_groups(context) -> list[core.MissedGroup]:
    svc = services(context)
    since = _editor(context).clock() - MISSED_DAYS * 86400
    rows = db.unanswered_since(svc.store, since, core.MAX_MISSED_ROWS)
    return core.still_missed(core.group_missed(rows), svc.dialogue.matcher.match)


async def missed_cmd(update, context, arg: str, lang: str) -> None:
    svc = services(context)
    groups = await asyncio.to_thread(_missed_groups, context)
    matcher = svc.dialogue.matcher
    suggestions = {
        g.id: [eid for eid, _s in matcher.match(g.text).ranked[:3]]
        for g in groups[: ui.MISSED_SHOWN]
    }
    replies = ui.missed_replies(groups, suggestions, svc.loaded.content, lang, MISSED_DAYS)
    await _send(update, context, *replies)


def _stats(context) -> tuple[core.Stats, core.Stats]:
    store = services(context).store
    now = _editor(context).clock()
    since = now - 30 * 86400
    asked = db.asked_since(store, since)
    feedback = db.feedback_since(store, since)
    quiz = db.quiz_plays_since(store, since)
    return (
        core.compute_stats(asked, feedback, quiz, now, 7),
        core.compute_stats(asked, feedback, quiz, now, 30),
    )


async def stats_cmd(update, context, arg: str, lang: str) -> None:
    _ = translator(lang)
    short, long = await asyncio.to_thread(_stats, context)
    content = services(context).loaded.content
    await _send(update, context, Reply(core.stats_text(short, long, content, lang), title=_("Statistics")))  # fmt: skip
    png = await asyncio.to_thread(stats_png, long)
    caption = _("Questions per day and top topics, last {days} days", days=long.days)
    try:
        await context.bot.send_photo(update.effective_chat.id, png, caption=caption)
    except TelegramError as exc:
        log.error("stats chart not sent: %s", exc)


async def changes_cmd(update, context, arg: str, lang: str) -> None:
    rows = db.recent_changes(services(context).store)
    await _send(update, context, ui.changes_reply(rows, lang))


async def undo_cmd(update, context, arg: str, lang: str) -> None:
    _ = translator(lang)
    target = arg.lstrip("#")
    change_id = parse_int(target, 1) if target else None
    if target and change_id is None:
        await _send(update, context, Reply(_("Send /undo, or /undo followed by a change number.")))
        return
    outcome = await asyncio.to_thread(_editor(context).undo, change_id, update.effective_user.id)
    if outcome.ok:
        await _send(update, context, Reply(_("Undone (recorded as change #{id}). Users see the previous content now.", id=outcome.change_id)))  # fmt: skip
    else:
        await _report(update, context, outcome, lang)


async def cancel_cmd(update, context, arg: str, lang: str) -> None:
    _ = translator(lang)
    context.user_data.pop("admin", None)
    await _send(update, context, Reply(_("Stopped. Nothing was changed.")))


COMMANDS = {
    "reload": reload_cmd,
    "edit": edit_cmd,
    "newentry": newentry_cmd,
    "missed": missed_cmd,
    "stats": stats_cmd,
    "changes": changes_cmd,
    "undo": undo_cmd,
    "cancel": cancel_cmd,
}


# --- buttons ----------------------------------------------------------------------------------


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    lang = user_lang(update, context)
    _ = translator(lang)
    if not _is_admin(update, context):
        await query.answer(ui.not_admin(lang).text[:200])
        return
    await query.answer()
    parts = (query.data or "").split(":")
    head, args = (parts[1] if len(parts) > 1 else ""), parts[2:]
    content = services(context).loaded.content
    state = _state(context)
    if head == "e" and args and args[0] in content.by_id:
        await _send(update, context, ui.entry_card(content.by_id[args[0]], lang, _editor(context).today()))  # fmt: skip
    elif (
        head in ("q", "a")
        and len(args) == 2
        and args[1] in content.by_id
        and args[0] in (VARIANT_LANGS if head == "q" else LANGS)
    ):
        state["await"] = {"kind": head, "lang": args[0], "id": args[1]}
        await _send(update, context, *ui.ask_for_text(head, args[0], content.by_id[args[1]], lang))
    elif head == "r" and args and args[0] in content.by_id:
        edit = core.Edit(core.MARK_REVIEWED, args[0], reviewed=_editor(context).today())
        await _preview(update, context, edit, lang)
    elif head == "ok" and args:
        await _save(update, context, args[0], lang)
    elif head == "no":
        state.pop("pending", None)
        state.pop("await", None)
        await _send(update, context, Reply(_("Cancelled. Nothing was changed.")))
    elif head in ("ma", "mn") and args:
        group = core.find_group(await asyncio.to_thread(_missed_groups, context), args[0])
        if group is None:
            await _send(update, context, Reply(_("That list is out of date. Send /missed again.")))
        elif head == "ma" and len(args) == 2 and args[1] in content.by_id:
            edit = core.Edit(core.ADD_VARIANT, args[1], core.variant_lang(group.text), group.text)
            await _preview(update, context, edit, lang)
        elif head == "mn":
            await newentry_cmd(update, context, "", lang, question=group.text)
        else:
            await _send(update, context, Reply(_("That button is old or unknown.")))
    else:
        await _send(update, context, Reply(_("That button is old or unknown.")))


async def _save(update, context, nonce: str, lang: str) -> None:
    _ = translator(lang)
    state = _state(context)
    pending = state.get("pending")
    if not pending or str(pending["nonce"]) != nonce:
        await _send(update, context, Reply(_("This preview is out of date; nothing was saved.")))
        return
    state.pop("pending", None)
    outcome = await asyncio.to_thread(
        _editor(context).commit, pending["edit"], update.effective_user.id
    )
    if outcome.ok:
        await _send(update, context, ui.saved(outcome.change_id, lang))
        if outcome.problems:  # written, but the reload found a hand edit in the way
            await _send(update, context, ui.reload_failed(outcome.problems, lang))
    else:
        await _report(update, context, outcome, lang)


# --- typed input --------------------------------------------------------------------------------


async def incoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The text an admin was asked for: a question variant, an answer or a new entry."""
    lang = user_lang(update, context)
    _ = translator(lang)
    wait = _state(context).get("await") or {}
    msg = update.effective_message
    if wait.get("kind") == "new":
        text = await _document_text(msg, context) if msg.document else msg.text
        edit = await asyncio.to_thread(_new_entry_edit, text or "", lang)
        if isinstance(edit, Reply):
            await _send(update, context, edit)
        else:
            await _preview(update, context, edit, lang)
        return
    if msg.document or not msg.text:
        await _send(update, context, Reply(_("Please send text, or /cancel.")))
        return
    kind = core.ADD_VARIANT if wait.get("kind") == "q" else core.REPLACE_ANSWER
    await _preview(update, context, core.Edit(kind, wait["id"], wait["lang"], msg.text), lang)


async def _document_text(msg: Message, context) -> str:
    if (msg.document.file_size or 0) > MAX_YAML_BYTES:
        return ""
    file = await context.bot.get_file(msg.document.file_id)
    data = await file.download_as_bytearray()
    return bytes(data).decode("utf-8", errors="replace")


def _new_entry_edit(text: str, lang: str) -> core.Edit | Reply:
    _ = translator(lang)
    try:
        raw = parse_yaml(text, "message", strict=True)
    except ContentError as exc:
        return ui.problems_reply(exc.problems, lang, _("This is not valid YAML:"))
    if not isinstance(raw, LineDict) or not isinstance(raw.get("id"), str):
        return Reply(_("Send one entry like the template (id: ..., category: ..., title: ...)."))
    return core.Edit(core.NEW_ENTRY, raw["id"], entry=plain(raw))
