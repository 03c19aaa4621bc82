"""Quiz handlers: /quiz, /join, /event, /start ev_<code>, poll answers, quiz buttons.

Thin: read the update, call the QuizService (bot/app/quiz.py), send what it returns.
Registered through app.FEATURES, so these handlers see their updates before the general
/start, button and text handlers.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.app.quiz import (
    Ask,
    Broadcast,
    CancelTimer,
    Document,
    Out,
    Photo,
    QuizService,
    Say,
    Status,
    StatusLater,
    Timer,
)
from bot.channels.telegram.handlers.common import command_handler, user_lang
from bot.channels.telegram.render import keyboard, to_html_messages
from bot.channels.telegram.resilience import with_retry
from bot.core.callbacks import Quiz, QuizButton
from bot.core.dialogue import Button, Reply
from bot.core.quiz import SOLO_DEFAULT
from bot.core.untrusted import parse_int
from bot.i18n import translator

log = logging.getLogger("bot.quiz")

BROADCAST_CONCURRENCY = 30  # requests in flight; the rate limiter paces the actual sending


def make_service(app: Application) -> QuizService:
    """The runtime's quiz service (bank and FAQ swap with /reload, bot/app/runtime.py)."""
    return app.bot_data["services"].quiz


class _AwaitingName(filters.MessageFilter):
    """Private text from a participant who was asked for a leaderboard name."""

    def __init__(self, quiz: QuizService):
        super().__init__(name="awaiting_quiz_name")
        self.quiz = quiz

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return bool(user and message.text and self.quiz.awaiting_name(user.id, message.text))


def register(app: Application) -> None:
    quiz = app.bot_data["quiz"] = make_service(app)
    private = filters.ChatType.PRIVATE
    # before the general /start: join links (ev_<code>) and the quiz link from groups
    app.add_handler(
        command_handler("start", start, filters=filters.Regex(r"^/start\S* (ev_|quiz)"))
    )
    app.add_handler(command_handler("quiz", quiz_command))
    app.add_handler(command_handler("join", join_command))
    app.add_handler(command_handler("event", event_command))
    # its buttons (🎯 Quiz, ✏️ leaderboard name, ✅ Yes, ❌ Stay anonymous) come through the
    # one button handler (handlers/conversation.py) to button() below
    app.add_handler(PollAnswerHandler(poll_answer))
    # a participant's leaderboard name: /name, or the text typed after tapping ✏️ (only
    # then), before free text goes to the FAQ
    app.add_handler(command_handler("name", name_command, filters=private))
    name = filters.TEXT & ~filters.COMMAND & private & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(name & _AwaitingName(quiz), name_text))
    if app.job_queue is not None:
        app.job_queue.run_once(resume_timers, 1, name="quiz-resume")


def _quiz(context: ContextTypes.DEFAULT_TYPE) -> QuizService:
    return context.bot_data["quiz"]


# --- handlers -----------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = context.args[0] if context.args else ""
    user, lang = update.effective_user, user_lang(update, context)
    if payload.startswith("ev_"):
        outs = _quiz(context).join(user.id, lang, payload[3:])
    else:
        outs = _quiz(context).start_solo(user.id, lang)
    await perform(context.application, outs)


async def quiz_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quiz [N]: a solo round in private chat; in a group, a button to play privately."""
    lang = user_lang(update, context)
    if update.effective_chat.type != "private":
        await _to_private(update, context, lang, "quiz")
        return
    n = (parse_int(context.args[0], 0) if context.args else None) or SOLO_DEFAULT
    await perform(context.application, _quiz(context).start_solo(update.effective_user.id, lang, n))


async def join_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_lang(update, context)
    code = "".join(context.args or [])
    if update.effective_chat.type != "private":
        await _to_private(update, context, lang, f"ev_{code}" if code else "quiz")
        return
    if not code:
        _ = translator(lang)
        await perform(
            context.application,
            [
                Say(
                    update.effective_chat.id,
                    Reply(_("Send /join and the event code, e.g. /join ABC234")),
                )
            ],
        )
        return
    await perform(context.application, _quiz(context).join(update.effective_user.id, lang, code))


async def event_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    outs = _quiz(context).event_command(
        user.id, chat.id, user_lang(update, context), list(context.args or []), context.bot.username
    )
    await perform(context.application, outs)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE, pressed: QuizButton) -> None:
    """🎯 Quiz / Play again (a solo round, in private); in an event, the leaderboard-name
    buttons ✏️ Set my name / Change, ✅ Yes, ❌ Stay anonymous."""
    query = update.callback_query
    lang = user_lang(update, context)
    await query.answer()
    if isinstance(pressed, Quiz):
        if update.effective_chat and update.effective_chat.type != "private":
            await _to_private(update, context, lang, "quiz")
            return
        outs = _quiz(context).start_solo(update.effective_user.id, lang)
    else:  # the leaderboard name: ✏️, ✅ Yes, ❌ Stay anonymous
        outs = _quiz(context).name_button(update.effective_user.id, pressed)
    await perform(context.application, outs)


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    answer = update.poll_answer
    if answer.user is None:  # voted as a chat: not one of our non-anonymous quiz polls
        return
    outs = _quiz(context).on_answer(answer.user.id, answer.poll_id, list(answer.option_ids))
    await perform(context.application, outs)


async def name_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/name: set the leaderboard name in the event joined last (asked, then confirmed)."""
    arg = " ".join(context.args or [])
    outs = _quiz(context).name_command(update.effective_user.id, user_lang(update, context), arg)
    await perform(context.application, outs)


async def name_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    outs = _quiz(context).set_name(update.effective_user.id, update.effective_message.text)
    await perform(context.application, outs)


async def _to_private(update: Update, context, lang: str, payload: str) -> None:
    _ = translator(lang)
    link = f"https://t.me/{context.bot.username}?start={payload}"
    reply = Reply(
        _("The quiz runs in a private chat with me."),
        buttons=((Button(_("🎯 Open the quiz"), url=link),),),
    )
    await perform(context.application, [Say(update.effective_chat.id, reply)])


# --- jobs ---------------------------------------------------------------------------------
async def timer_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    event_id, user_id, qindex = context.job.data
    await perform(context.application, _quiz(context).timeout(event_id, user_id, qindex))


async def status_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await perform(context.application, _quiz(context).status_job(context.job.data))


async def resume_timers(context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a restart: self-paced questions still open get their remaining time."""
    await perform(context.application, list(_quiz(context).pending_timers()))


# --- sending what the service decided ------------------------------------------------------
async def perform(app: Application, outs: list[Out]) -> None:
    for out in outs:
        if isinstance(out, Broadcast):
            await _broadcast(app, out)
        elif isinstance(out, Say | Ask):
            await _deliver(app, out, None)
        elif isinstance(out, Photo):
            await _safe(
                lambda out=out: app.bot.send_photo(out.chat_id, out.png, caption=out.caption[:1024])
            )
        elif isinstance(out, Document):
            await _safe(
                lambda out=out: app.bot.send_document(
                    out.chat_id, out.data, filename=out.filename, caption=out.caption[:1024]
                )
            )
        elif isinstance(out, Status):
            await _status(app, out)
        elif isinstance(out, StatusLater):
            _schedule(app, status_job, out.seconds, out.event_id, f"quiz-status:{out.event_id}")
        elif isinstance(out, Timer):
            _schedule_timer(app, out.event_id, out.user_id, out.qindex, out.seconds)
        elif isinstance(out, CancelTimer):
            _cancel(app, f"quiz-timer:{out.event_id}:{out.user_id}")


async def _broadcast(app: Application, out: Broadcast) -> None:
    """Everyone at once; AIORateLimiter (production) keeps it within ~30 messages/s, and a
    participant who blocked the bot is marked unreachable without stopping the others."""
    gate = asyncio.Semaphore(BROADCAST_CONCURRENCY)

    async def one(item: Say | Ask) -> None:
        async with gate:
            await _deliver(app, item, item.event_id if isinstance(item, Ask) else None)

    await asyncio.gather(*(one(i) for i in out.items))
    log.info("quiz broadcast items=%d", len(out.items))


async def _deliver(app: Application, out: Say | Ask, event_id: int | None) -> bool:
    quiz: QuizService = app.bot_data["quiz"]
    try:
        if isinstance(out, Ask):
            p = out.poll
            message = await with_retry(
                lambda: app.bot.send_poll(
                    out.user_id,
                    p.question,
                    list(p.options),
                    is_anonymous=False,  # so Telegram sends us poll_answer updates
                    type="quiz",
                    correct_option_ids=[p.correct],
                    explanation=p.explanation or None,
                    open_period=p.open_period,
                )
            )
            quiz.poll_sent(out, message.poll.id)
            if out.timer:
                _schedule_timer(app, out.event_id, out.user_id, out.qindex, out.timer)
        else:
            await _send_reply(app, out.chat_id, out.reply)
        return True
    except Forbidden:
        log.info("quiz participant unreachable (403)")
        quiz.unreachable(out, out.event_id if isinstance(out, Ask) else event_id)
    except TelegramError as exc:
        log.warning("quiz send failed: %s", type(exc).__name__)
    return False


async def _send_reply(app: Application, chat_id: int, reply: Reply) -> None:
    messages = to_html_messages(reply)
    for i, html in enumerate(messages):
        markup = keyboard(reply) if i == len(messages) - 1 else None
        await with_retry(
            lambda html=html, markup=markup: app.bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        )


async def _status(app: Application, out: Status) -> None:
    """Send (new question) or edit (new answers) the facilitator's live count."""
    quiz: QuizService = app.bot_data["quiz"]
    text = quiz.status_text(out.event_id)
    if text is None:
        return
    chat_id, message_id = quiz.status_target(out.event_id)
    try:
        if out.new or message_id is None:
            target = out.chat_id or chat_id
            if target is None:
                return
            message = await app.bot.send_message(target, text)
            quiz.status_sent(out.event_id, target, message.message_id)
        else:
            await app.bot.edit_message_text(text, chat_id, message_id)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("quiz status not updated: %s", exc)
    except TelegramError as exc:
        log.warning("quiz status not updated: %s", type(exc).__name__)


async def _safe(call) -> None:
    """Send with retries (429, timeouts, network errors); a final failure is logged."""
    try:
        await with_retry(call)
    except TelegramError as exc:
        log.warning("quiz send failed: %s", type(exc).__name__)


def _schedule(app: Application, callback, seconds: float, data, name: str) -> None:
    if app.job_queue is not None:
        app.job_queue.run_once(callback, max(0.0, seconds), data=data, name=name)


def _cancel(app: Application, name: str) -> None:
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(name):
            job.schedule_removal()


def _schedule_timer(app: Application, event_id: int, user_id: int, qindex: int, s: float) -> None:
    name = f"quiz-timer:{event_id}:{user_id}"
    _cancel(app, name)
    _schedule(app, timer_job, s, (event_id, user_id, qindex), name)
