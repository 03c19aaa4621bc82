"""Commands, free text, buttons and odd messages. Thin: read, call core, send."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.channels.telegram.handlers import admin, handoff, quiz
from bot.channels.telegram.handlers.common import send_turn, services, user_lang
from bot.core import callbacks


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = context.args[0] if context.args else None
    turn = services(context).dialogue.start(user_lang(update, context), payload)
    await send_turn(update, context, turn)


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/menu /help /language /hotline /privacy /forget and unknown commands (-> help).

    `/forget@otherbot` in a private chat is a command for another bot: not run, it gets
    the help like any command the bot does not know.
    """
    text = update.effective_message.text or ""
    lang = user_lang(update, context)
    _cmd, at, target = (text.split(None, 1) or [""])[0].partition("@")
    if at and target.casefold() != (context.bot.username or "").casefold():
        await send_turn(update, context, services(context).dialogue.help(lang))
        return
    turn = services(context).command(text, lang)
    await send_turn(update, context, turn)


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = update.effective_message
    question = msg.text or ""
    if msg.chat.type != "private":
        # groups: only when this bot is mentioned or replied to (AddressedToBot)
        question = re.sub(rf"@{re.escape(context.bot.username)}\b", " ", question, flags=re.I)
    turn = services(context).dialogue.on_text(question, user_lang(update, context), msg.chat_id)
    await send_turn(update, context, turn)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button: its data decoded once (bot/core/callbacks.py), the value handed
    to the part of the bot it belongs to; data the bot did not make gets "old or unknown"."""
    query = update.callback_query
    pressed = callbacks.decode(query.data)
    if isinstance(pressed, callbacks.QuizButton):
        await quiz.button(update, context, pressed)
    elif isinstance(pressed, callbacks.AdminButton):
        await admin.button(update, context, pressed)
    elif isinstance(pressed, callbacks.TalkButton):
        await handoff.button(update, context, pressed)
    else:
        chat = query.message.chat.id if query.message else None  # a picked entry sets the country
        turn = services(context).dialogue.on_button(pressed, user_lang(update, context), chat)
        await query.answer(turn.toast[:200] if turn.toast else None)
        await send_turn(update, context, turn)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: say what the bot can read."""
    turn = services(context).dialogue.not_text(user_lang(update, context))
    await send_turn(update, context, turn)


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location (button or attachment menu); used for this search only, not stored."""
    loc = update.effective_message.location
    turn = services(context).dialogue.on_location(
        loc.latitude, loc.longitude, user_lang(update, context)
    )
    await send_turn(update, context, turn)
