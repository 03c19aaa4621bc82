"""Admin commands (docs/ADMIN.md): /reload /edit /newentry /missed /stats /changes /undo.

Thin: who may, read the input, hand it to the admin flow (bot/app/admin_flow.py: the edit
dialogue's state, the core's decisions, the editor's writes) and send what it returns.
The flow blocks (loading and validating content, building the matcher), so it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app.admin_flow import AdminFlow, Chart, Out
from bot.app.editor import ContentEditor
from bot.channels.telegram.handlers.common import command_handler, send_turn, services, user_lang
from bot.core.admin import replies as ui
from bot.core.callbacks import AdminButton
from bot.core.dialogue_types import Reply, Turn
from bot.i18n import N_, translator

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
        return self.app.bot_data["admin_flow"].awaiting(user.id)


def register(app: Application) -> None:
    editor = app.bot_data["editor"] = ContentEditor(app.bot_data["services"])
    app.bot_data["admin_flow"] = AdminFlow(app.bot_data["services"], editor)
    admins = app.bot_data["services"].admin_ids
    names = [c for c, _d in ADMIN_COMMANDS if c != "cancel"]
    # everyone reaches these: non-admins are refused politely
    app.add_handler(command_handler(names, command))
    # /cancel only means something to an admin in an edit; others get the usual help
    app.add_handler(command_handler("cancel", command, filters=filters.User(user_id=admins)))
    # the ad: buttons come through the one button handler (handlers/conversation.py)
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


# --- handlers -----------------------------------------------------------------------------


def _flow(context: ContextTypes.DEFAULT_TYPE) -> AdminFlow:
    return context.bot_data["admin_flow"]


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return bool(user and user.id in services(context).admin_ids)


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, outs: list[Out]) -> None:
    replies = [o for o in outs if isinstance(o, Reply)]
    if replies:
        await send_turn(update, context, Turn(replies))
    for chart in (o for o in outs if isinstance(o, Chart)):
        try:
            await context.bot.send_photo(update.effective_chat.id, chart.png, caption=chart.caption)
        except TelegramError as exc:
            log.error("stats chart not sent: %s", exc)


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_lang(update, context)
    if not _is_admin(update, context):
        await _send(update, context, [ui.not_admin(lang)])
        return
    if update.effective_chat.type != "private":
        _ = translator(lang)
        await _send(update, context, [Reply(_("Please use admin commands in a private chat with the bot."))])  # fmt: skip
        return
    cmd, arg = [*(update.effective_message.text or "").split(None, 1), "", ""][:2]
    name = cmd.lstrip("/").split("@", 1)[0].lower()
    user = update.effective_user.id
    await _send(update, context, await asyncio.to_thread(_flow(context).command, user, name, arg, lang))  # fmt: skip


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE, pressed: AdminButton) -> None:
    query = update.callback_query
    lang = user_lang(update, context)
    if not _is_admin(update, context):
        await query.answer(ui.not_admin(lang).text[:200])
        return
    await query.answer()
    user = update.effective_user.id
    await _send(update, context, await asyncio.to_thread(_flow(context).button, user, pressed, lang))  # fmt: skip


async def incoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The text (or .yaml file) an admin was asked for: a variant, an answer or a new entry."""
    lang = user_lang(update, context)
    msg = update.effective_message
    user = update.effective_user.id
    text = msg.text
    if msg.document and _flow(context).wants_entry(user):
        text = await _document_text(msg, context)
    outs = await asyncio.to_thread(_flow(context).text, user, text, lang, bool(msg.document))
    await _send(update, context, outs)


async def _document_text(msg: Message, context) -> str:
    if (msg.document.file_size or 0) > MAX_YAML_BYTES:
        return ""
    file = await context.bot.get_file(msg.document.file_id)
    data = await file.download_as_bytearray()
    return bytes(data).decode("utf-8", errors="replace")
