"""Shared handler plumbing: who is the user, what language, send a Turn."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.core.dialogue import Turn
from bot.i18n import pick_lang
from bot.services import Services
from bot.tg.render import keyboard, to_html_messages

log = logging.getLogger("bot.tg")


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The chosen language, else the Telegram app's language, else Lao."""
    user = update.effective_user
    if user is None:
        return "lo"
    return services(context).user_lang(user.id) or pick_lang(user.language_code)


async def send_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Record the turn's events, then send its replies to the update's chat."""
    user = update.effective_user
    services(context).apply(user.id if user else 0, turn)
    chat = update.effective_chat
    if chat is None:
        return
    try:
        for reply in turn.replies:
            messages = to_html_messages(reply) if reply.text or reply.title else []
            for i, html in enumerate(messages):
                last = i == len(messages) - 1
                await context.bot.send_message(
                    chat.id,
                    html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply) if last else None,
                    disable_web_page_preview=True,
                )
            if reply.venue:
                v = reply.venue
                await context.bot.send_venue(chat.id, v.lat, v.lon, v.title[:100], v.address[:100])
    except Forbidden:
        log.info("chat unreachable (blocked or removed) chat_type=%s", chat.type)
