"""Inline mode: `@bot question` in any chat offers answers to share."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.channels.telegram.handlers.common import services
from bot.channels.telegram.render import to_html_messages
from bot.core.text import language_of

MAX_RESULTS = 5


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    text = (query.query or "")[:256]
    svc = services(context)
    lang = svc.user_lang(query.from_user.id) or (language_of(text) if text.strip() else "lo")
    dialogue = svc.dialogue
    results = []
    for entry in dialogue.inline_results(text, lang, MAX_RESULTS):
        reply = dialogue.answer_reply(entry, lang)
        html = to_html_messages(reply)[0]
        link = f"https://t.me/{context.bot.username}?start=faq_{entry.id}"
        results.append(
            InlineQueryResultArticle(
                id=entry.id,
                title=entry.title[lang],
                description=entry.answer[lang][:120],
                input_message_content=InputTextMessageContent(
                    html, parse_mode=ParseMode.HTML, link_preview_options=None
                ),
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("🤖 " + entry.title[lang][:50], url=link)]]
                ),
            )
        )
    await query.answer(results, cache_time=300, is_personal=False)
