"""LINE webhook events -> the same app as Telegram -> replies. Thin: read the event, call
the dialogue or the quiz service, render, reply.

Every answer goes back with the event's reply token (free). A push is used only where
there is no usable reply token and the answer matters (the reply token expired and the
answer is about trouble: hotlines, fraud, "I don't know, call ..."), counted and logged.
Group chats: the bot answers only when it is mentioned. A user who blocked the bot
(unfollow) is marked and never messaged until they follow again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

from linebot.v3.messaging import Message, TextMessage
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from bot.app.channels import ChannelPeople
from bot.app.quiz import Ask, Broadcast, Out, Say
from bot.app.runtime import Runtime
from bot.channels.line import render
from bot.channels.line.client import LineClient, LineSendError, ReplyTokenExpired
from bot.core import callbacks
from bot.core.dialogue import Button, Reply, Turn
from bot.core.quiz import SOLO_DEFAULT, Poll
from bot.core.untrusted import parse_int
from bot.i18n import LANGS, translator

log = logging.getLogger("bot.line")

CHANNEL = "line"
TROUBLE_CATEGORIES = ("help", "fraud", "centres")  # answers worth a push (see deliver)
NOBODY = -(2**62)  # the user id for a LINE user the bot holds nothing about: matches no row
LANG_CACHE = 10_000  # profile languages remembered in memory (never stored)


def first_guess(profile_language: str | None) -> str:
    """LINE's profile language as the first guess: Lao if the app is in Lao, else English."""
    return "lo" if (profile_language or "").lower().startswith("lo") else "en"


class LineBot:
    def __init__(self, services: Runtime, client: LineClient, channel_secret: str):
        self.services, self.client = services, client
        self.parser = WebhookParser(channel_secret)
        self.people = ChannelPeople(services, CHANNEL)
        self._langs: OrderedDict[str, str] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}  # one per chat: its events in order
        self._queued: dict[str, int] = {}
        self._polls: dict[str, Poll] = {}  # quiz questions on screen, for the feedback line
        self._seq = 0
        self.tasks: set[asyncio.Task] = set()
        self.handled = 0
        self.failed = 0  # events whose handling raised (logged with the traceback)

    # --- webhook body ---------------------------------------------------------------
    def parse(self, body: str, signature: str) -> list[Event]:
        """Events of a signed body; raises InvalidSignatureError (nothing is processed)."""
        return self.parser.parse(body, signature)

    def dispatch(self, events: list[Event]) -> None:
        """Handle events in the background, one source's events in order."""
        for event in events:
            task = asyncio.get_running_loop().create_task(self.handle_in_order(event))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def handle_in_order(self, event: Event) -> None:
        key = _source_key(event)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock:
                try:
                    await self.handle(event)
                except Exception:
                    self.failed += 1
                    log.exception("line event failed type=%s", getattr(event, "type", "?"))
                finally:
                    self.handled += 1
        finally:
            self._queued[key] -= 1
            if not self._queued[key]:  # nobody else waiting for this chat: forget its lock
                del self._queued[key]
                self._locks.pop(key, None)

    # --- events -------------------------------------------------------------------------
    async def handle(self, event: Event) -> None:
        user = getattr(event.source, "user_id", None)
        group = getattr(event.source, "type", "user") != "user"
        log.info("line event type=%s source=%s", event.type, event.source.type)
        if isinstance(event, UnfollowEvent):
            if user:
                self.people.mark_blocked(self.people.user_id(user))
            return
        if isinstance(event, FollowEvent):
            uid = self.people.known(user) if user else None
            if uid is not None:
                self.people.unblock(uid)
            lang = await self.lang(user)
            await self.send(event, self.services.dialogue.start(lang), lang)
            return
        if isinstance(event, PostbackEvent):
            await self.on_postback(event, user, event.postback.data or "")
            return
        if not isinstance(event, MessageEvent):
            return
        message = event.message
        addressed = isinstance(message, TextMessageContent) and _mentions_me(message)
        if group and not addressed:  # groups: only when the bot is mentioned
            return
        lang = await self.lang(user)
        dialogue = self.services.dialogue
        if isinstance(message, TextMessageContent):
            text = _without_mentions(message) if group else message.text
            await self.on_text(event, user, text, lang)
        elif isinstance(message, LocationMessageContent):
            turn = dialogue.on_location(message.latitude, message.longitude, lang)
            await self.send(event, turn, lang)
        else:
            await self.send(event, dialogue.not_text(lang), lang)

    async def on_text(self, event: Event, user: str | None, text: str, lang: str) -> None:
        stripped = text.strip()
        if stripped.split(" ", 1)[0].lower() == "/quiz" and user:
            arg = stripped.partition(" ")[2].strip()
            await self.quiz(event, user, lang, parse_int(arg, 0) or SOLO_DEFAULT)
            return
        if stripped.startswith("/"):
            turn = self.services.command(stripped, lang)
            trouble = stripped.split(" ", 1)[0].lower() == "/hotline"
        else:
            # the conversation (for follow-up questions) is this LINE chat: user, group or room
            chat = ("line", _source_key(event))
            turn, trouble = self.services.dialogue.on_text(text, lang, chat=chat), False
        await self.send(event, turn, lang, trouble=trouble)

    async def on_postback(self, event: PostbackEvent, user: str | None, data: str) -> None:
        """Every postback: its data decoded once (bot/core/callbacks.py), then handled."""
        lang = await self.lang(user)
        dialogue = self.services.dialogue
        pressed = callbacks.decode(data)
        if isinstance(pressed, callbacks.Quiz) and user:
            await self.quiz(event, user, lang, SOLO_DEFAULT)
            return
        if isinstance(pressed, callbacks.QuizOption) and user:
            await self.quiz_answer(event, user, pressed, lang)
            return
        if isinstance(pressed, callbacks.Page):
            turn = dialogue.on_button(pressed.origin, lang)
            await self.send(event, turn, lang, origin=pressed.origin, page=pressed.page)
            return
        if isinstance(pressed, callbacks.Forget):
            await self.send(event, dialogue.forget(lang), lang)
            return
        # help lines, at home or abroad
        trouble = isinstance(pressed, callbacks.Hotlines | callbacks.HelpAbroad)
        turn = dialogue.on_button(pressed, lang, chat=("line", _source_key(event)))
        await self.send(event, turn, lang, origin=pressed, trouble=trouble)

    # --- quiz (LINE has no quiz polls: a question with one button per option) -----------
    async def quiz(self, event: Event, user: str, lang: str, n: int) -> None:
        uid = self.people.user_id(user)
        await self.send_outs(event, user, self.services.quiz.start_solo(uid, lang, n), lang)

    async def quiz_answer(
        self, event: Event, user: str, option: callbacks.QuizOption, lang: str
    ) -> None:
        uid = self.people.known(user)
        if uid is None:
            return
        outs = self.services.quiz.on_answer(uid, option.poll_id, [option.index])
        poll = self._polls.pop(option.poll_id, None)
        before = []
        if outs and poll is not None and option.index < len(poll.options):
            before.append(TextMessage(text=render.quiz_feedback(poll, option.index)))
        await self.send_outs(event, user, outs, lang, before)

    async def send_outs(
        self, event: Event, user: str, outs: list[Out], lang: str, before: list | None = None
    ) -> None:
        messages: list[Message] = list(before or [])
        for item in outs:
            for one in item.items if isinstance(item, Broadcast) else (item,):
                if isinstance(one, Say):
                    messages += render.render_turn(Turn([one.reply]), lang).messages
                elif isinstance(one, Ask):
                    self._seq += 1
                    poll_id = f"l{time.time_ns() % 10**12:x}{self._seq}"
                    self.services.quiz.poll_sent(one, poll_id)
                    self._polls[poll_id] = one.poll
                    messages.append(render.render_question(one.poll, poll_id))
        if not messages:
            return
        await self.deliver(event, user, messages[-render.MAX_MESSAGES :], trouble=False)

    # --- sending --------------------------------------------------------------------------
    async def send(
        self,
        event: Event,
        turn: Turn,
        lang: str,
        *,
        origin: callbacks.Callback | None = None,
        page: int = 0,
        trouble: bool = False,
    ) -> None:
        user = getattr(event.source, "user_id", None)
        self.record(user, turn)
        if any(e.kind == "set_lang" for e in turn.events):
            lang = next(e.data["lang"] for e in turn.events if e.kind == "set_lang")
        turn = self._with_forget_button(turn, lang)
        rendered = render.render_turn(turn, lang, origin=origin, page=page)
        if rendered.dropped:
            log.warning("line reply had %d messages over LINE's 5", rendered.dropped)
        if rendered.messages:
            trouble = trouble or self.is_trouble(turn)
            await self.deliver(event, user, rendered.messages, trouble)

    def record(self, user: str | None, turn: Turn) -> None:
        """Storage sees LINE users by their integer id, made only when there is something
        to keep (a language choice); questions are stored without anyone's id."""
        needs_id = any(e.kind == "set_lang" for e in turn.events)
        uid = None
        if user:
            uid = self.people.user_id(user) if needs_id else self.people.known(user)
        self.services.apply(uid if uid is not None else NOBODY, turn, channel=CHANNEL)
        if user and any(e.kind == "forget" for e in turn.events):
            self._langs.pop(user, None)

    async def deliver(
        self, event: Event, user: str | None, messages: list[Message], trouble: bool
    ) -> None:
        token = getattr(event, "reply_token", None)
        to = _push_target(event)
        try:
            if token:
                await self.client.reply(token, messages)
                return
            raise ReplyTokenExpired("no reply token")
        except ReplyTokenExpired as exc:
            if not (trouble and to):
                log.warning("line reply token not usable, answer dropped detail=%s", exc)
                return
            uid = self.people.known(user) if user else None
            if uid is not None and self.people.blocked(uid):
                return
            try:
                await self.client.push(to, messages, why="reply token expired, trouble answer")
            except LineSendError as err:
                log.error("line push failed status=%s", err.status)
        except LineSendError as exc:
            log.error("line reply failed status=%s error=%s", exc.status, exc)

    def is_trouble(self, turn: Turn) -> bool:
        """Answers worth a paid push when the reply token is gone: someone in trouble."""
        if any(e.kind == "unanswered" for e in turn.events):
            return True
        by_id = self.services.dialogue.content.by_id
        for reply in turn.replies:
            entry = by_id.get(reply.entry_id or "")
            if entry is not None and entry.category in TROUBLE_CATEGORIES:
                return True
        return False

    def _with_forget_button(self, turn: Turn, lang: str) -> Turn:
        """The privacy text on LINE ends with a "Forget me" button (Telegram: /forget)."""
        _ = translator(lang)
        privacy_title = _("Privacy")
        replies = [
            Reply(r.text, r.title, r.footer, ((Button(_("🗑 Forget me"), callbacks.Forget()),),))
            if r.title == privacy_title and not r.buttons
            else r
            for r in turn.replies
        ]
        return Turn(replies, turn.events, turn.toast)

    async def lang(self, user: str | None) -> str:
        """The chosen language, else LINE's profile language (asked once, kept in memory)."""
        if not user:
            return "lo"
        uid = self.people.known(user)
        if uid is not None:
            chosen = self.services.user_lang(uid)
            if chosen in LANGS:
                return chosen
        if user in self._langs:
            self._langs.move_to_end(user)
            return self._langs[user]
        guess = first_guess(await self.client.profile_language(user))
        self._langs[user] = guess
        if len(self._langs) > LANG_CACHE:
            self._langs.popitem(last=False)
        return guess


def _source_key(event: Event) -> str:
    s = event.source
    if s is None:
        return "-"
    return getattr(s, "group_id", None) or getattr(s, "room_id", None) or s.user_id or "-"


def _push_target(event: Event) -> str | None:
    s = event.source
    if s is None:
        return None
    return getattr(s, "group_id", None) or getattr(s, "room_id", None) or s.user_id


def _mentions_me(message: TextMessageContent) -> bool:
    mention = message.mention
    return bool(mention and any(getattr(m, "is_self", False) for m in mention.mentionees))


def _without_mentions(message: TextMessageContent) -> str:
    """The question without the @mention of the bot."""
    text = message.text
    mentionees = message.mention.mentionees if message.mention else []
    for m in sorted(mentionees, key=lambda m: -m.index):
        if getattr(m, "is_self", False):
            text = text[: m.index] + " " + text[m.index + m.length :]
    return text
