"""Shared handler plumbing: who is the user, what language, send a Turn."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import ContextTypes

from bot.app.runtime import Runtime
from bot.channels.telegram.render import keyboard, to_html_messages
from bot.channels.telegram.resilience import with_retry
from bot.core.dialogue import Turn
from bot.i18n import pick_lang

log = logging.getLogger("bot.tg")


def services(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["services"]


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The chosen language, else the Telegram app's language, else Lao."""
    user = update.effective_user
    if user is None:
        return "lo"
    return services(context).user_lang(user.id) or pick_lang(user.language_code)


async def send_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Record the turn's events, then send its replies to the update's chat.

    Faults are handled here so a handler never crashes: 429/timeouts are retried,
    a 403 marks the chat as unreachable, a 400 is logged with the update id.
    """
    user = update.effective_user
    svc = services(context)
    svc.apply(user.id if user else 0, turn)
    chat = update.effective_chat
    if chat is None:
        return
    bot = context.bot
    try:
        for reply in turn.replies:
            messages = to_html_messages(reply) if reply.text or reply.title else []
            for i, html in enumerate(messages):
                markup = keyboard(reply) if i == len(messages) - 1 else None
                await with_retry(
                    lambda html=html, markup=markup: bot.send_message(
                        chat.id,
                        html,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        disable_web_page_preview=True,
                    )
                )
            if reply.venue:
                v = reply.venue
                await with_retry(
                    lambda v=v: bot.send_venue(
                        chat.id, v.lat, v.lon, v.title[:100], v.address[:100]
                    )
                )
    except Forbidden:
        svc.store.mark_blocked(chat.id)
        log.info(
            "chat unreachable (403), marked blocked update_id=%s chat_type=%s",
            update.update_id,
            chat.type,
        )
    except BadRequest as exc:
        log.error("telegram refused a message update_id=%s error=%s", update.update_id, exc)
    except (TimedOut, NetworkError) as exc:
        log.error(
            "giving up after retries update_id=%s error=%s", update.update_id, type(exc).__name__
        )
