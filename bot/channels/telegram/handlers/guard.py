"""Runs before every other handler: one log line per update, the flood limit (counted when
the update arrived, updates.py: here the "slow down" reply), and noticing that a chat which
had blocked the bot is reachable again."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.channels.telegram.handlers.common import services, user_lang
from bot.i18n import translator

log = logging.getLogger("bot.updates")


def _kind(update: Update) -> str:
    for kind in ("message", "edited_message", "callback_query", "inline_query", "poll_answer",
                 "my_chat_member", "poll"):  # fmt: skip
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    # who and what was said are never logged together: only the update id and its kind
    log.info(
        "update update_id=%s kind=%s chat_type=%s",
        update.update_id,
        _kind(update),
        chat.type if chat else "-",
    )
    user = update.effective_user
    if user is None:
        return
    # counted on arrival (updates.ArrivalFlood; the counsellors' group is never limited);
    # inline queries have their own limit
    verdict = context.bot_data["flood"].verdict(update)
    if verdict == "ok":
        if chat is not None and update.message is not None:
            store = services(context).store
            if store.is_blocked(chat.id):
                store.unblock(chat.id)
        return
    log.warning("flood limit update_id=%s verdict=%s", update.update_id, verdict)
    if verdict == "warn" and chat is not None and chat.type == "private":
        _ = translator(user_lang(update, context))
        await context.bot.send_message(
            chat.id,
            _("You are sending messages very fast. Please wait a few seconds, then ask again."),
        )
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


async def chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was blocked/removed (record it) or allowed back (forget it)."""
    change = update.my_chat_member
    store = services(context).store
    if change.new_chat_member.status in ("kicked", "left"):
        store.mark_blocked(change.chat.id)
    else:
        store.unblock(change.chat.id)


async def purge_old_records(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily: delete anonymous records older than the retention period."""
    deleted = services(context).purge_old_records(context.bot_data["retention_days"])
    log.info("retention purge deleted=%s", deleted)
