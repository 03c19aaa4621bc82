"""Talk to a person in Telegram: /talk, consent, the relay both ways, /close, /stop, /forget.

The decisions are in bot/app/handoff.py and bot/core/handoff.py; this adapter sends. Messages
go to the counsellors' group as copies (copyMessage), never forwarded: a forward would show
the user's name and profile. Faults: a group the bot cannot post to gives the user a clear
message with help-line numbers, and the admins one report until the group works again.
"""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app.handoff import HandoffService
from bot.channels.telegram.handlers.common import command_handler, send_turn, services, user_lang
from bot.channels.telegram.render import keyboard, to_html_messages
from bot.channels.telegram.resilience import with_retry
from bot.core import handoff as core
from bot.core.callbacks import TalkButton, TalkConsent, TalkDecline, TalkStop
from bot.core.dialogue_types import Turn

log = logging.getLogger("bot.handoff")
GROUP_FAULTS = (Forbidden, BadRequest, TimedOut, NetworkError)
CAPTIONED = ("photo", "document", "voice", "video", "audio", "animation")


class _InCase(filters.MessageFilter):
    """A private message from someone with an open case (it goes to the counsellors)."""

    def __init__(self, handoff: HandoffService):
        super().__init__(name="in_case")
        self.handoff = handoff

    def filter(self, message: Message) -> bool:
        return self.handoff.open_case(message.chat.id) is not None


def register(app: Application) -> None:
    handoff = app.bot_data["services"].handoff
    private = filters.ChatType.PRIVATE
    app.add_handler(command_handler("talk", talk))
    # its buttons (talk, talk:ok:<country>, talk:no, talk:stop) come through the one button
    # handler (handlers/conversation.py) to button() below
    if not handoff.enabled:
        return  # /talk says it is not available; nothing else changes
    group = filters.Chat(handoff.chat_id)
    message = filters.UpdateType.MESSAGE
    # the counsellors' group first: its messages are never questions for the bot
    app.add_handler(command_handler("close", close, filters=group))
    app.add_handler(MessageHandler(group & message & ~filters.COMMAND, from_counsellors))
    app.add_handler(command_handler("stop", stop, filters=private))
    # before the general /forget: close the case and drop its mapping too
    app.add_handler(command_handler("forget", forget, filters=private))
    # a user with an open case: everything but commands goes to the counsellors
    # (before the FAQ, location and "I read text" handlers)
    relay = private & message & ~filters.COMMAND & ~filters.StatusUpdate.ALL & _InCase(handoff)
    app.add_handler(MessageHandler(relay, from_user))
    # closed cases are purged by the daily retention job (Runtime.purge_old_records)


def _handoff(context: ContextTypes.DEFAULT_TYPE) -> HandoffService:
    return services(context).handoff


# --- the user's side ---------------------------------------------------------------------------
async def talk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat.type != "private":
        return
    turn = _handoff(context).talk(update.effective_chat.id, user_lang(update, context))
    await send_turn(update, context, turn)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE, pressed: TalkButton) -> None:
    """👤 Talk to a person, consent (with the country), no thanks, ⏹ Stop."""
    query = update.callback_query
    await query.answer()
    chat, lang = update.effective_chat.id, user_lang(update, context)
    handoff = _handoff(context)
    if isinstance(pressed, TalkConsent):
        await _open(update, context, pressed.country)
    elif isinstance(pressed, TalkDecline):
        await send_turn(update, context, handoff.decline(lang))
    elif isinstance(pressed, TalkStop):
        await stop(update, context)
    else:
        await send_turn(update, context, handoff.talk(chat, lang))


async def _open(update: Update, context: ContextTypes.DEFAULT_TYPE, country: str) -> None:
    handoff, bot = _handoff(context), context.bot
    lang = user_lang(update, context)
    opening = handoff.open(update.effective_chat.id, lang, country)
    if isinstance(opening, Turn):
        await send_turn(update, context, opening)
        return
    case = opening.case
    try:
        if handoff.is_forum is None:
            handoff.is_forum = bool(
                (await with_retry(lambda: bot.get_chat(handoff.chat_id))).is_forum
            )
        thread = None
        if handoff.is_forum:
            try:
                topic = await with_retry(
                    lambda: bot.create_forum_topic(handoff.chat_id, opening.topic)
                )
                thread = topic.message_thread_id
            except BadRequest as exc:  # no "Manage topics" right: fall back to reply chains
                log.warning("cannot create a topic (%s): using reply chains", exc)
        header = await with_retry(
            lambda: bot.send_message(handoff.chat_id, opening.header, message_thread_id=thread)
        )
        handoff.routed(case, thread, header.message_id)
        case = handoff.open_case(update.effective_chat.id) or case
        for notice in opening.notices:
            await _post(context, case, notice)
    except GROUP_FAULTS as exc:
        handoff.failed_to_open(case)
        await _group_down(update, context, case, exc)
        return
    log.info("handoff case opened case=%d topics=%s", case.number, thread is not None)
    await send_turn(update, context, opening.turn)


async def from_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message (any kind) from a user with an open case: a copy goes to the case."""
    msg, handoff = update.effective_message, _handoff(context)
    got = handoff.from_user(msg.chat_id, msg.text or msg.caption)
    if got is None:
        return
    if got.turn.replies:  # urgent: the emergency numbers first
        await send_turn(update, context, got.turn)
    case = got.case
    try:
        copied = await with_retry(
            lambda: context.bot.copy_message(
                handoff.chat_id, msg.chat_id, msg.message_id, **_where(case)
            )
        )
        handoff.relayed(case, copied.message_id)
        if got.became_urgent:
            await _mark_urgent(context, case, got.notices)
    except GROUP_FAULTS as exc:
        await _group_down(update, context, case, exc)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    case, turn, notice = _handoff(context).stop(
        update.effective_chat.id, user_lang(update, context)
    )
    await send_turn(update, context, turn)
    if case is not None and notice:
        await _end_in_group(context, case, notice)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: the case is closed, its mapping deleted, then everything else as usual."""
    svc = services(context)
    lang = user_lang(update, context)
    case = svc.handoff.open_case(update.effective_chat.id)
    if case is not None:  # told first: the notice still belongs to the case
        await _end_in_group(context, case, core.closed_notice(case, "forget"))
    _case, had_any = svc.handoff.forget(update.effective_chat.id)
    turn = svc.command("/forget", lang)
    if had_any:
        turn.replies.append(core.forget_note(lang))
    await send_turn(update, context, turn)


# --- the counsellors' side ---------------------------------------------------------------------
def _case_of(handoff: HandoffService, msg: Message):
    thread = msg.message_thread_id if msg.is_topic_message else None
    reply = msg.reply_to_message.message_id if msg.reply_to_message else None
    return handoff.case_for(thread, reply)


async def from_counsellors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A counsellor writes in a case (its topic, or a reply to one of its messages)."""
    msg, handoff = update.effective_message, _handoff(context)
    anonymous_admin = msg.sender_chat is not None and msg.sender_chat.id == handoff.chat_id
    if (msg.from_user is None or msg.from_user.is_bot) and not anonymous_admin:
        return  # other bots (and this one's own messages)
    case, problem = _case_of(handoff, msg)
    if case is None:
        return  # counsellors talking among themselves
    if problem:
        await _post(context, case, core.not_delivered_notice(case, problem), reply_to=msg)
        return
    try:
        await _to_user(context, case, msg)
    except Forbidden:
        await _post(context, case, handoff.user_gone(case), reply_to=msg)
        return
    except (BadRequest, TimedOut, NetworkError) as exc:
        log.error("counsellor message not delivered case=%d error=%s", case.number, exc)
        await _post(context, case, "Not delivered (Telegram refused it); please try again.",
                    reply_to=msg)  # fmt: skip
        return
    handoff.relayed(case, msg.message_id)  # a reply to the counsellor's message routes too


async def _to_user(context: ContextTypes.DEFAULT_TYPE, case: core.Case, msg: Message) -> None:
    """As from “Counsellor”: text with a label; media copied with the label in the caption."""
    bot, label = context.bot, html.escape(core.counsellor_label(case.lang))
    if msg.text:
        body = f"<b>{label}</b>\n{html.escape(msg.text)}"
        await with_retry(
            lambda: bot.send_message(case.user_chat, body[:4096], parse_mode=ParseMode.HTML)
        )
        return
    kind = next((k for k in CAPTIONED if getattr(msg, k, None)), None)
    if kind is not None:
        caption = f"<b>{label}</b>" + (f"\n{html.escape(msg.caption)}" if msg.caption else "")
        await with_retry(
            lambda: bot.copy_message(
                case.user_chat,
                msg.chat_id,
                msg.message_id,
                caption=caption[:1024],
                parse_mode=ParseMode.HTML,
            )
        )
        return
    await with_retry(lambda: bot.send_message(case.user_chat, f"<b>{label}</b>", parse_mode="HTML"))
    await with_retry(lambda: bot.copy_message(case.user_chat, msg.chat_id, msg.message_id))


async def close(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/close in a case's topic or as a reply to one of its messages."""
    msg, handoff = update.effective_message, _handoff(context)
    case, problem = _case_of(handoff, msg)
    if case is None or problem:
        text = (
            f"Case {case.number} is already closed."
            if case
            else "Use /close in a case's topic, or as a reply to a message of the case."
        )
        await with_retry(lambda: msg.reply_text(text))
        return
    user_turn, notice = handoff.close(case)
    with contextlib.suppress(Forbidden):  # the user blocked the bot: closed anyway
        await _send_to(context, case.user_chat, user_turn)
    await _end_in_group(context, case, notice)


# --- helpers -----------------------------------------------------------------------------------
def _where(case: core.Case) -> dict:
    """Where in the group a message of this case goes: its topic, or a reply to its header."""
    if case.thread_id:
        return {"message_thread_id": case.thread_id}
    if case.header_id:
        return {
            "reply_parameters": ReplyParameters(case.header_id, allow_sending_without_reply=True)
        }
    return {}


async def _post(
    context: ContextTypes.DEFAULT_TYPE, case: core.Case, text: str, reply_to: Message | None = None
) -> Message | None:
    """A notice from the bot in the case (errors are logged: the user's side matters more)."""
    handoff = _handoff(context)
    where = _where(case)
    if reply_to is not None and not case.thread_id:
        where = {"reply_parameters": ReplyParameters(reply_to.message_id)}
    try:
        sent = await with_retry(lambda: context.bot.send_message(handoff.chat_id, text, **where))
    except GROUP_FAULTS as exc:
        log.error("notice not posted case=%d error=%s", case.number, type(exc).__name__)
        return None
    handoff.relayed(case, sent.message_id)
    return sent


async def _end_in_group(context: ContextTypes.DEFAULT_TYPE, case: core.Case, notice: str) -> None:
    await _post(context, case, notice)
    if case.thread_id:
        try:
            await context.bot.close_forum_topic(_handoff(context).chat_id, case.thread_id)
        except TelegramError as exc:
            log.warning("topic not closed case=%d error=%s", case.number, exc)


async def _mark_urgent(context: ContextTypes.DEFAULT_TYPE, case: core.Case, notices) -> None:
    """The header (and the topic's name) get the urgent marker; a notice pings the group."""
    handoff, bot = _handoff(context), context.bot
    try:
        if case.header_id:
            await bot.edit_message_text(core.header_text(case), handoff.chat_id, case.header_id)
        if case.thread_id:
            await bot.edit_forum_topic(handoff.chat_id, case.thread_id, name=core.topic_name(case))
    except TelegramError as exc:
        log.warning("urgent marker not set case=%d error=%s", case.number, exc)
    for notice in notices:
        await _post(context, case, notice)


async def _group_down(
    update: Update, context: ContextTypes.DEFAULT_TYPE, case: core.Case, exc: Exception
) -> None:
    """Never silence: the user gets a clear message and help lines; admins one report."""
    handoff = _handoff(context)
    log.error("counsellors' group unreachable case=%d error=%s", case.number, exc)
    await send_turn(update, context, handoff.unreachable(case.lang, case.country))
    if handoff.group_failed():
        text = (
            f"⚠️ Talk to a person: the bot cannot post to the counsellors' group "
            f"{handoff.chat_id} ({type(exc).__name__}: {exc}). Users are shown help lines "
            "instead. Check that the bot is still an admin there (docs/COUNSELLORS.md)."
        )
        for admin in services(context).admin_ids:
            try:
                await context.bot.send_message(admin, text[:1000])
            except TelegramError:
                log.warning("could not report to an admin")


async def _send_to(context: ContextTypes.DEFAULT_TYPE, chat_id: int, turn: Turn) -> None:
    """A Turn to a chat other than the update's (the user, from the counsellors' group)."""
    for reply in turn.replies:
        for html_text in to_html_messages(reply):
            await with_retry(
                lambda h=html_text, r=reply: context.bot.send_message(
                    chat_id, h, parse_mode=ParseMode.HTML, reply_markup=keyboard(r)
                )
            )
