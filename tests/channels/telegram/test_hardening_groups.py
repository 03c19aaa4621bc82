"""Groups, edits and look-alike input (issue #13, findings 1, 4 and 11): in a group the bot
answers only what is meant for it; an edited message never runs a command or gets an
answer; `/forget@otherbot` is not ours; a callback's data is matched whole."""

from __future__ import annotations

import random

import pytest
from telegram import Update

from bot.app.runtime import load_live
from bot.storage import admin as admin_db
from tests.channels.telegram.conftest import ADMIN_ID, make_harness
from tests.channels.telegram.test_quiz import Clock, new_event, polls_to

GROUP = -1001777
AMY, BEN = 501, 502
IN_GROUP = {"chat_id": GROUP, "chat_type": "supergroup", "title": "Workers in Korea"}
PASSPORT = "my boss took my passport what can I do"


@pytest.fixture
async def quiz_bot(fake_api, loaded, tmp_path):
    h = await make_harness(fake_api, loaded, tmp_path / "bot.sqlite3", Clock(), random.Random(7))
    yield h
    await h.app.shutdown()


@pytest.fixture
async def admin_bot(fake_api, content_copy, tmp_path, loaded):
    """Edits go to a copy of content/."""
    live = load_live(content_copy, previous=loaded)
    h = await make_harness(fake_api, live, tmp_path / "bot.sqlite3")
    yield h
    await h.app.shutdown()


def _unanswered(bot) -> list[str]:
    return [r["text"] for r in bot.services.store.unanswered()]


# --- finding 1: in a group, only what is meant for this bot ---------------------------------


async def test_a_reply_to_another_person_is_not_answered_or_stored(bot):
    first = bot.fake.push_message(BEN, "anyone been to Korea?", **IN_GROUP)
    await bot.process(first)
    await bot.say(AMY, PASSPORT, reply_to_message=first["message"]["message_id"],
                  silent=True, **IN_GROUP)  # fmt: skip
    await bot.say(AMY, "zzqx my boss phone is 020 5555 1234",
                  reply_to_message=first["message"]["message_id"], silent=True, **IN_GROUP)  # fmt: skip
    assert _unanswered(bot) == []


async def test_a_mention_of_somebody_else_is_not_answered_or_stored(bot):
    await bot.say(AMY, "@somchai_99 my boss phone is 020 5555 1234 zzqx", silent=True, **IN_GROUP)
    await bot.say(AMY, f"@{bot.app.bot.username}_fan {PASSPORT}", silent=True, **IN_GROUP)
    assert _unanswered(bot) == []


async def test_a_mention_of_this_bot_is_answered_in_any_case(bot):
    name = bot.app.bot.username
    assert "passport" in (await bot.say(AMY, f"@{name} {PASSPORT}", **IN_GROUP)).lower()
    assert "passport" in (await bot.say(AMY, f"{PASSPORT} @{name.upper()}", **IN_GROUP)).lower()


async def test_a_lone_surrogate_does_not_break_the_mention_check(bot):
    await bot.say(AMY, "\ud800 @somchai_99 zzqx", silent=True, **IN_GROUP)
    answer = await bot.say(AMY, f"\ud800 @{bot.app.bot.username} {PASSPORT}", **IN_GROUP)
    assert "passport" in answer.lower()
    assert _unanswered(bot) == []


async def test_a_text_mention_of_this_bot_is_answered(bot):
    me = bot.fake.bot_user
    text = f"Bot {PASSPORT}"
    entity = {"type": "text_mention", "offset": 0, "length": 3, "user": me}
    answer = await bot.say(AMY, text, entities=[entity], **IN_GROUP)
    assert "passport" in answer.lower()


async def test_a_reply_to_this_bots_message_is_answered(bot):
    await bot.say(AMY, f"@{bot.app.bot.username} hello", **IN_GROUP)
    ours = bot.fake.messages_to(GROUP)[-1]["message_id"]
    answer = await bot.say(BEN, PASSPORT, reply_to_message=ours, **IN_GROUP)
    assert "passport" in answer.lower()


async def test_a_message_in_a_topic_the_bot_opened_is_not_a_reply_to_the_bot(bot):
    topic_start = {
        "message_id": 77, "date": 0, "message_thread_id": 77,
        "chat": {"id": GROUP, "type": "supergroup", "title": "W", "is_forum": True},
        "from": bot.fake.bot_user,
        "forum_topic_created": {"name": "Korea", "icon_color": 7322096},
    }  # fmt: skip
    await bot.say(AMY, PASSPORT, reply_to_message=topic_start, message_thread_id=77,
                  is_topic_message=True, silent=True, **IN_GROUP)  # fmt: skip
    assert _unanswered(bot) == []


async def test_commands_for_this_bot_still_work_in_a_group(bot):
    assert "/menu" in await bot.say(AMY, "/help", **IN_GROUP)
    assert "/menu" in await bot.say(AMY, f"/help@{bot.app.bot.username}", **IN_GROUP)
    await bot.say(AMY, "/help@some_other_bot", silent=True, **IN_GROUP)


# --- finding 4: edits never run commands or get answers -------------------------------------


async def _edit(bot, user: int, text: str, **kw) -> None:
    await bot.process(bot.fake.push_edited_message(user, text, **kw))


async def test_an_edited_undo_undoes_nothing_more(admin_bot):
    bot, entry = admin_bot, "kr-eps"
    await bot.press(ADMIN_ID, f"ad:q:en:{entry}", check_buttons=False)
    await bot.say(ADMIN_ID, "zebra crossing permit for korea work")
    ok = [d for d in bot.button_data(ADMIN_ID) if d and d.startswith("ad:ok:")]
    await bot.press(ADMIN_ID, ok[0])
    await bot.press(ADMIN_ID, f"ad:q:en:{entry}", check_buttons=False)
    await bot.say(ADMIN_ID, "zebra crossing permit for thailand work")
    ok = [d for d in bot.button_data(ADMIN_ID) if d and d.startswith("ad:ok:")]
    await bot.press(ADMIN_ID, ok[0])
    assert "Undone" in await bot.say(ADMIN_ID, "/undo")
    before = len(bot.fake.sent(ADMIN_ID))
    await _edit(bot, ADMIN_ID, "/undo ")
    assert len(bot.fake.sent(ADMIN_ID)) == before
    kinds = [r["kind"] for r in admin_db.recent_changes(bot.services.store)]
    assert kinds.count("undo") == 1


async def test_an_edited_event_next_sends_no_second_question(quiz_bot):
    bot = quiz_bot
    code = await new_event(bot)
    await bot.say(EN := 601, f"/start ev_{code}")
    await bot.say(ADMIN_ID, "/event next")
    assert len(polls_to(bot, EN)) == 1
    before = len(bot.fake.sent())
    await _edit(bot, ADMIN_ID, "/event next ")
    assert len(polls_to(bot, EN)) == 1
    assert bot.fake.sent()[before:] == []


async def test_an_edited_message_in_a_group_gets_no_answer(bot):
    name = bot.app.bot.username
    await bot.say(AMY, f"@{name} hello", **IN_GROUP)
    before = len(bot.fake.sent())
    await _edit(bot, AMY, f"@{name} {PASSPORT}", chat_id=GROUP)
    await _edit(bot, AMY, "/help", chat_id=GROUP)
    assert bot.fake.sent()[before:] == []


async def test_no_handler_takes_an_edited_message(bot):
    """Every handler of every feature, with every command name it knows: none runs."""
    names = {"start", "menu", "help", "forget", "quiz", "join", "event", "talk", "undo", "edit",
             "reload", "newentry", "missed", "stats", "changes", "cancel", "stop", "close"}  # fmt: skip
    await bot.say(ADMIN_ID, "hello")
    texts = [f"/{name} 1" for name in sorted(names)]
    texts += [PASSPORT, f"@{bot.app.bot.username} {PASSPORT}"]
    for text in texts:
        for chat in (ADMIN_ID, GROUP):
            bot.fake.push_message(ADMIN_ID, "x", **({} if chat == ADMIN_ID else IN_GROUP))
            raw = bot.fake.push_edited_message(ADMIN_ID, text, chat_id=chat)
            update = Update.de_json(raw, bot.app.bot)
            for group, handlers in bot.app.handlers.items():
                if group < 0:
                    continue  # the guard logs every update
                taken = [h.callback.__qualname__ for h in handlers if h.check_update(update)]
                assert taken == [], f"edited {text!r} in chat {chat} taken by {taken}"


# --- finding 11: /forget@otherbot, callback data with a trailing newline --------------------


async def test_forget_for_another_bot_deletes_nothing(bot):
    await bot.say(AMY, "/start")
    await bot.press(AMY, "l:en")
    assert bot.services.user_lang(AMY) == "en"
    await bot.say(AMY, "/forget@some_other_bot")
    assert bot.services.user_lang(AMY) == "en"  # the row is still there
    await bot.say(AMY, f"/forget@{bot.app.bot.username}")
    assert bot.services.user_lang(AMY) is None


@pytest.mark.parametrize("data", ["q\n", "qa:1\n", "q\n\n"])
async def test_callback_data_with_a_trailing_newline_is_an_unknown_button(bot, data):
    await bot.say(AMY, "/menu")
    before = len(bot.fake.sent())
    update = bot.fake.push_callback(AMY, data, check_buttons=False)
    await bot.process(update)
    assert "old or unknown" in (bot.text_since(before, AMY) or "")
    assert not bot.fake.sent(AMY, "sendPoll")
    assert bot.fake.callback_answer(update["callback_query"]["id"]) is not None
