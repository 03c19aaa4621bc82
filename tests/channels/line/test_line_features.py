"""Quiz, feedback, privacy and forget-me, groups and unfollow on LINE."""

from __future__ import annotations

import re

from bot.core.quiz import SOLO_DEFAULT
from bot.i18n import translator
from tests.channels.line.conftest import quick, text_of
from tools.fakeline import line_id


async def test_solo_quiz_with_postback_options_ends_with_the_score(line_chat):
    out = await line_chat.tap("q")
    right = 0
    for n in range(SOLO_DEFAULT):
        options = [d for d in quick(out).values() if d.startswith("qo:")]
        assert len(options) >= 2, f"question {n + 1} has no option buttons"
        assert re.search(r"^1\. ", out[-1]["text"], re.M)  # options listed whole in the text
        out = await line_chat.tap(options[0])
        first = out[0]["text"]
        assert first.startswith(("✅", "❌"))  # right or wrong, and why
        right += first.startswith("✅")
    result = text_of(out)
    assert "Quiz result" in result
    expected = (
        f"all {SOLO_DEFAULT} right" if right == SOLO_DEFAULT else f"{right} of {SOLO_DEFAULT}"
    )
    assert expected in result
    assert "q" in quick(out).values()  # play again
    assert line_chat.fake.push_count == 0


async def test_an_old_quiz_button_is_ignored_politely(line_chat):
    await line_chat.tap("q")
    options = [d for d in quick(line_chat.fake.messages_to(line_chat.user)).values()]
    option = next(d for d in options if d.startswith("qo:"))
    await line_chat.tap(option)
    await line_chat.post(line_chat.fake.postback(line_chat.user, option))  # tapped twice
    assert line_chat.fake.violations == []


async def test_feedback_is_recorded_without_the_user(line_chat):
    out = await line_chat.tap("fb:fraud-passport:1")
    assert "Glad it helped" in text_of(out)
    out = await line_chat.tap("fb:fraud-passport:0")
    assert "Staff will see this" in text_of(out)
    rows = line_chat.services.store.conn.execute("SELECT * FROM feedback").fetchall()
    assert [(r["entry_id"], r["helpful"]) for r in rows] == [
        ("fraud-passport", 1),
        ("fraud-passport", 0),
    ]


async def test_privacy_has_a_forget_me_button_that_deletes_the_line_user(line_chat):
    store = line_chat.services.store
    await line_chat.tap("l:lo")
    assert store.count("users") == 1
    assert store.conn.execute("SELECT COUNT(*) FROM channel_users").fetchone()[0] == 1
    out = await line_chat.say("/privacy")
    assert translator("lo")("Privacy") in text_of(out)  # in the language chosen
    forget = [d for d in quick(out).values() if d == "forget"]
    assert forget, "no Forget me button"
    await line_chat.tap("forget")
    assert store.count("users") == 0
    assert store.conn.execute("SELECT COUNT(*) FROM channel_users").fetchone()[0] == 0
    assert line_chat.user not in str(store.conn.execute("SELECT * FROM channel_users").fetchall())


async def test_plain_questions_store_no_line_id(line_chat):
    await line_chat.say("passport taken by employer")
    await line_chat.say("what is the weather on mars today")
    assert line_chat.services.store.conn.execute("SELECT * FROM channel_users").fetchall() == []


async def test_in_a_group_the_bot_answers_only_when_mentioned(line_chat):
    fake, group = line_chat.fake, line_id("C")
    await line_chat.post(fake.text(line_chat.user, "passport taken by employer", group=group))
    assert fake.sent == []
    await line_chat.post(
        fake.text(line_chat.user, "passport taken by employer", group=group, mention_self=True)
    )
    assert "passport" in text_of(fake.messages_to(group)).lower()
    assert fake.messages_to(line_chat.user) == []  # answered in the group, by reply
    assert fake.push_count == 0


async def test_unfollow_marks_the_user_and_follow_greets_again(line_chat):
    fake, store = line_chat.fake, line_chat.services.store
    await line_chat.send(fake.unfollow(line_chat.user))
    uid = line_chat.bot.people.known(line_chat.user)
    assert uid is not None and store.is_blocked(uid)
    assert fake.sent == []
    out = await line_chat.send(fake.follow(line_chat.user))
    assert "Safe work abroad" in text_of(out)
    assert not store.is_blocked(uid)


async def test_one_users_events_are_answered_in_order(line_chat):
    fake = line_chat.fake
    questions = ["passport taken by employer", "/help", "what is the weather on mars today"]
    await line_chat.post(*(fake.text(line_chat.user, q) for q in questions))
    texts = fake.texts_to(line_chat.user)
    assert "passport" in texts[0].lower()
    assert "How to use this bot" in texts[1]
    assert "1362" in texts[2]
    assert line_chat.bot._locks == {}  # nothing left behind


async def test_quiz_by_command(line_chat):
    out = await line_chat.say("/quiz 3")
    assert "3 questions" in text_of(out)
    assert any(d.startswith("qo:") for d in quick(out).values())
