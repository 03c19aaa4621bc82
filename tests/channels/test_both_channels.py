"""One conversation suite, run on Telegram and on LINE: a behaviour that works on one
channel and not on the other fails here.

Each channel has a driver with the same verbs (start, say, press, location, sticker,
answer a quiz question); every verb fails when the bot says nothing. Telegram runs the
real Application over the fake Bot API (tests/channels/telegram/conftest.py's harness);
LINE runs the real LINE adapter and SDK client over the fake LINE platform, which checks
every request against LINE's OpenAPI spec (0 violations asserted after each test).
"""

from __future__ import annotations

import random

import pytest

from bot.app.runtime import Runtime
from bot.channels.line.client import LineClient
from bot.channels.line.handler import LineBot
from bot.core.quiz import SOLO_DEFAULT
from bot.i18n import translator
from bot.storage.db import Store, connect
from tests.channels.line.conftest import LineChat, quick, text_of
from tests.channels.telegram.conftest import make_harness
from tools.fakeline import FakeLine, FakeLineServer

USER = 4242


class TelegramDriver:
    name = "telegram"

    def __init__(self, harness):
        self.h = harness
        self.services = harness.services
        self.user_id = USER

        self._mark = 0  # messages to the user before the last action

    def _since(self) -> None:
        self._mark = len(self.h.fake.messages_to(USER))

    async def start(self) -> str:
        self._since()
        return await self.h.say(USER, "/start", language_code="en")

    async def say(self, text: str) -> str:
        self._since()
        return await self.h.say(USER, text) or ""

    async def press(self, data: str) -> str:
        """A button; a toast (answerCallbackQuery) counts as the bot's answer, as LINE
        shows it as a message."""
        self._since()
        before = len(self.h.fake.sent())
        update = self.h.fake.push_callback(USER, data, check_buttons=False)
        await self.h.process(update)
        text = self.h.text_since(before, USER)
        if not text:
            answer = self.h.fake.callback_answer(update["callback_query"]["id"]) or {}
            text = answer.get("text")
        assert text, f"after {data!r} the bot said nothing"
        return text

    async def location(self, lat: float, lon: float) -> str:
        self._since()
        before = len(self.h.fake.sent())
        await self.h.process(self.h.fake.push_location(USER, lat, lon))
        text = self.h.text_since(before, USER)
        assert text, "the bot said nothing"
        return text

    async def sticker(self) -> str:
        before = len(self.h.fake.sent())
        await self.h.process(self.h.fake.push_sticker(USER))
        text = self.h.text_since(before, USER)
        assert text, "the bot said nothing"
        return text

    def buttons(self) -> list[str]:
        """Buttons on every message of the last answer."""
        out = []
        for message in self.h.fake.messages_to(USER)[self._mark :]:
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            out += [b.get("callback_data") for row in rows for b in row if b.get("callback_data")]
        return out

    def quiz_options(self) -> int:
        return len(self.h.fake.last_poll(USER)["options"])

    async def answer(self, option: int) -> str:
        self._since()
        poll = self.h.fake.last_poll(USER)
        before = len(self.h.fake.sent())
        await self.h.process(self.h.fake.push_poll_answer(USER, poll["id"], [option]))
        assert len(self.h.fake.sent()) > before, "the bot said nothing"
        return self.h.text_since(before, USER) or ""

    def stored_user_id(self) -> int | None:
        return USER


class LineDriver:
    name = "line"

    def __init__(self, chat: LineChat):
        self.chat = chat
        self.services = chat.services
        self._last: list[dict] = []

    async def _run(self, coro) -> str:
        self._last = await coro
        return text_of(self._last)

    async def start(self) -> str:
        return await self._run(self.chat.send(self.chat.fake.follow(self.chat.user)))

    async def say(self, text: str) -> str:
        return await self._run(self.chat.say(text))

    async def press(self, data: str) -> str:
        return await self._run(self.chat.tap(data))

    async def location(self, lat: float, lon: float) -> str:
        return await self._run(self.chat.send(self.chat.fake.location(self.chat.user, lat, lon)))

    async def sticker(self) -> str:
        return await self._run(self.chat.send(self.chat.fake.sticker(self.chat.user)))

    def buttons(self) -> list[str]:
        return list(quick(self._last).values()) if self._last else []

    def _options(self) -> list[str]:
        return [d for d in self.buttons() if d.startswith("qo:")]

    def quiz_options(self) -> int:
        return len(self._options())

    async def answer(self, option: int) -> str:
        return await self._run(self.chat.tap(self._options()[option]))

    def stored_user_id(self) -> int | None:
        return self.chat.bot.people.known(self.chat.user)


@pytest.fixture(params=["telegram", "line"])
async def channel(request, loaded, tmp_path):
    loaded.dialogue.context.clear()  # each test starts a new conversation
    if request.param == "telegram":
        fake = request.getfixturevalue("fake_api")
        harness = await make_harness(
            fake, loaded, tmp_path / "tg.sqlite3", clock=lambda: 1_000_000.0, rng=random.Random(3)
        )
        yield TelegramDriver(harness)
        await harness.app.shutdown()
        return
    fake = FakeLine()
    with FakeLineServer(fake) as url:
        services = Runtime(
            loaded,
            Store(connect(tmp_path / "line.sqlite3")),
            clock=lambda: 1_000_000.0,
            rng=random.Random(3),
        )
        client = LineClient(fake.access_token, url, backoff_s=0.01)
        await client.start()
        chat = LineChat(LineBot(services, client, fake.channel_secret), fake, services)
        fake.profiles[chat.user] = {"language": "en"}
        yield LineDriver(chat)
        await client.close()
        assert fake.violations == [], "requests LINE would refuse"
        assert chat.bot.failed == 0
        assert fake.push_count == 0, "a conversation is answered by reply, never by push"


async def test_start_greets_offers_languages_and_the_menu(channel):
    text = await channel.start()
    assert "Hello!" in text
    assert {"l:lo", "l:en", "c:thailand", "c:korea", "c:japan", "ctr", "h", "q"} <= set(
        channel.buttons()
    )


async def test_menu_category_then_answer_with_feedback_buttons(channel):
    await channel.start()
    text = await channel.press("c:korea")
    assert "South Korea" in text
    assert "f:kr-eps" in channel.buttons()
    entry = channel.services.dialogue.content.by_id["kr-eps"]
    text = await channel.press("f:kr-eps")
    assert entry.title["en"] in text
    assert {"fb:kr-eps:1", "fb:kr-eps:0", "m"} <= set(channel.buttons())
    await channel.press("fb:kr-eps:1")
    rows = channel.services.store.conn.execute("SELECT entry_id, helpful FROM feedback")
    assert [tuple(r) for r in rows] == [("kr-eps", 1)]


async def test_free_text_answer(channel):
    text = await channel.say("how much does it cost to go to work in Korea?")
    assert "Korea" in text


async def test_a_follow_up_keeps_the_country_and_says_so(channel):
    await channel.say("how much does it cost to go to work in Korea?")
    text = await channel.say("and do I need to pass a language test?")
    assert "About South Korea" in text


async def test_a_greeting_is_small_talk_not_an_unanswered_question(channel):
    text = await channel.say("hello")
    assert "don't know" not in text
    rows = channel.services.store.conn.execute("SELECT * FROM unanswered").fetchall()
    assert rows == []


async def test_free_text_did_you_mean(channel):
    text = await channel.say("cost")
    assert "Did you mean" in text
    assert {"f:th-costs", "f:kr-costs", "f:jp-costs"} & set(channel.buttons())


async def test_dont_know_gives_help_numbers_and_records_the_question_only(channel):
    text = await channel.say("who won the football match yesterday")
    assert "don't know" in text and "1362" in text
    rows = channel.services.store.conn.execute("SELECT * FROM unanswered").fetchall()
    assert [(r["text"], r["channel"]) for r in rows] == [
        ("who won the football match yesterday", channel.name)
    ]


async def test_language_choice_is_kept(channel):
    await channel.start()
    lo = translator("lo")
    text = await channel.press("l:lo")
    assert lo("Choose a topic, or type your question:") in text
    text = await channel.say("/help")
    assert lo("How to use this bot") in text


async def test_hotlines(channel):
    assert "1362" in await channel.press("h")


async def test_location_in_thailand_gives_help_there(channel):
    text = await channel.location(13.75, 100.50)
    assert "Thailand" in text


async def test_sticker_gets_i_read_text(channel):
    assert "only read text" in await channel.sticker()


async def test_solo_quiz_to_the_score(channel):
    await channel.start()
    await channel.press("q")
    text = ""
    for _ in range(SOLO_DEFAULT):
        assert channel.quiz_options() >= 2
        text = await channel.answer(0)
    assert "Quiz result" in text and "right" in text
    assert "q" in channel.buttons()  # play again


async def test_privacy_then_forget_deletes_the_user(channel):
    await channel.start()
    await channel.press("l:en")
    store = channel.services.store
    assert store.count("users") == 1
    assert "Privacy" in await channel.say("/privacy")
    assert "Done: I deleted" in await channel.say("/forget")
    assert store.count("users") == 0
    assert channel.services.user_lang(channel.stored_user_id() or -1) is None
