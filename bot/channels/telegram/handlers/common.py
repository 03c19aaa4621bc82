"""Shared handler plumbing: who is the user, what language, send a Turn; command handlers
that ignore edits; the "meant for this bot" filter for groups."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Message, MessageEntity, Update
from telegram.constants import MessageEntityType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.ext import filters as _filters

from bot.app.runtime import Runtime
from bot.channels.telegram.render import keyboard, to_html_messages
from bot.channels.telegram.resilience import with_retry
from bot.core.dialogue import Turn
from bot.i18n import pick_lang

log = logging.getLogger("bot.tg")


def command_handler(
    commands: str | list[str], callback: Callable, filters: _filters.BaseFilter | None = None
) -> CommandHandler:
    """A CommandHandler for new messages only.

    PTB's default (and any `filters` given) also lets edited messages through, so editing
    an old `/event next` or `/undo` would run it again. An edit never runs a command.
    """
    new = _filters.UpdateType.MESSAGE
    return CommandHandler(commands, callback, filters=new if filters is None else new & filters)


class AddressedToBot(_filters.MessageFilter):
    """A group message meant for this bot: it mentions @our_username (or is a text mention
    of our id), or it replies to one of our messages.

    `filters.Entity("mention") | filters.REPLY` would match a mention of anybody and a reply
    to anybody: the bot would answer (and store as unanswered) what people say to each other.
    A message in a forum topic "replies" to the topic's first message without the person
    replying; that does not count.
    """

    def __init__(self, app: Application):
        super().__init__(name="addressed_to_bot")
        self.app = app

    def filter(self, message: Message) -> bool:
        me = self.app.bot
        replied = message.reply_to_message
        if (
            replied is not None
            and replied.forum_topic_created is None
            and replied.from_user is not None
            and replied.from_user.id == me.id
        ):
            return True
        username = (me.username or "").casefold()
        text = message.text or ""
        return any(_names(text, e, me.id, username) for e in message.entities)


def _names(text: str, entity: MessageEntity, bot_id: int, username: str) -> bool:
    """Does this entity name the bot: @username (any case), or a text mention of its id?"""
    if entity.type == MessageEntityType.TEXT_MENTION:
        return entity.user is not None and entity.user.id == bot_id
    if entity.type == MessageEntityType.MENTION and username:
        return _entity_text(text, entity).removeprefix("@").casefold() == username
    return False


def _entity_text(text: str, entity: MessageEntity) -> str:
    """The entity's text. Offsets count UTF-16 code units; unlike Message.parse_entity this
    copes with a lone surrogate in the text (possible in JSON, and so from Telegram)."""
    units = text.encode("utf-16-le", "surrogatepass")
    part = units[2 * entity.offset : 2 * (entity.offset + entity.length)]
    return part.decode("utf-16-le", "replace")


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
