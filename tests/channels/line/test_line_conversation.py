"""The conversation on LINE: answers by reply (never push), buttons as quick replies,
short answers with More and Sources, did-you-mean, don't-know, language, location."""

from __future__ import annotations

import pytest
from linebot.v3.exceptions import InvalidSignatureError

from bot.channels.line.render import render_turn
from bot.core.callbacks import Answer, Category
from bot.core.dialogue import Button, Reply, Turn
from bot.i18n import translator
from tests.channels.line.conftest import quick, text_of
from tools.fakeline import sign


async def test_plain_question_is_answered_by_reply_with_no_push(line_chat):
    out = await line_chat.say("passport taken by employer")
    assert "passport" in text_of(out).lower()
    assert line_chat.fake.push_count == 0
    assert line_chat.fake.reply_count == 1
    assert [c.path for c in line_chat.fake.calls if c.method == "POST"] == ["/v2/bot/message/reply"]


async def test_answer_is_short_first_with_more_and_sources(line_chat):
    out = await line_chat.say("passport taken by employer")
    buttons = quick(out)
    assert buttons["📚 Sources"] == "fs:fraud-passport"
    entry = line_chat.services.dialogue.content.by_id["fraud-passport"]
    short = text_of(out)
    assert entry.summary["en"] in short and len(short) < len(entry.answer["en"])
    full = text_of(await line_chat.tap(buttons["📖 More"]))
    assert entry.answer["en"].split("\n\n")[-1] in full
    sources = text_of(await line_chat.tap(buttons["📚 Sources"]))
    assert entry.sources[0].title in sources


async def test_menu_buttons_fit_line_limits_and_open_topics(line_chat):
    out = await line_chat.send(line_chat.fake.follow(line_chat.user))
    buttons = quick(out)
    assert "English" in buttons and len(buttons) <= 13
    assert all(len(label) <= 20 for label in buttons)
    topics = await line_chat.tap("c:thailand")
    labels = quick(topics)
    assert labels and all(len(label) <= 20 and len(d) <= 300 for label, d in labels.items())
    first = next(d for d in labels.values() if d.startswith("f:"))
    assert text_of(await line_chat.tap(first))


def test_long_button_lists_are_paged_within_13_quick_replies():
    buttons = tuple(
        (Button(f"Topic number {i} with a long title", Answer(str(i))),) for i in range(30)
    )
    turn = Turn([Reply("Choose a topic:", buttons=buttons)])
    seen = set()
    for page in range(3):
        message = render_turn(turn, "en", origin=Category("big"), page=page).messages[-1]
        items = message.quick_reply.items
        assert len(items) <= 13 and all(len(i.action.label) <= 20 for i in items)
        assert "Topic number" in message.text  # cut labels are listed whole
        seen |= {i.action.data for i in items if i.action.data.startswith("f:")}
        more = [i.action.data for i in items if i.action.data.startswith("pg:")]
        assert more == ([f"pg:{page + 1}:c:big"] if page < 2 else [])
    assert seen == {f"f:{i}" for i in range(30)}


async def test_did_you_mean_offers_the_candidates(line_chat):
    out = await line_chat.say("work korea")
    assert "did you mean" in text_of(out).lower()
    assert sum(d.startswith("f:kr-") for d in quick(out).values()) >= 2


async def test_dont_know_gives_help_numbers_and_records_the_channel(line_chat):
    out = await line_chat.say("what is the weather on mars today")
    assert "1362" in text_of(out)
    rows = line_chat.services.store.unanswered()
    assert [(r["text"], r["channel"]) for r in rows] == [
        ("what is the weather on mars today", "line")
    ]
    assert line_chat.fake.push_count == 0


async def test_profile_language_is_the_first_guess_then_the_choice_sticks(line_chat):
    line_chat.fake.profiles[line_chat.user] = {"language": "lo"}
    lao = await line_chat.say("/help")
    assert translator("lo")("How to use this bot") in text_of(lao)
    await line_chat.tap("l:en")
    out = await line_chat.say("/help")
    assert "Ask me a question" in text_of(out)
    profile_calls = [c for c in line_chat.fake.calls if c.path == "/v2/bot/profile/{userId}"]
    assert len(profile_calls) == 1  # asked once


async def test_location_in_laos_gives_nearest_places(line_chat):
    out = await line_chat.send(line_chat.fake.location(line_chat.user, 16.56, 104.75))
    assert "Savannakhet" in text_of(out) and "exact address" in text_of(out)
    # town-centre coordinates only: no map pin that would look exact
    assert not [d for d in quick(out).values() if d.startswith("v:")]


async def test_location_in_thailand_gives_help_there(line_chat):
    out = await line_chat.send(line_chat.fake.location(line_chat.user, 13.75, 100.50))
    assert "Thailand" in text_of(out)


async def test_centres_asks_for_the_location_with_a_location_button(line_chat):
    out = await line_chat.tap("ctr")
    assert "location" in quick(out).values()


async def test_sticker_gets_i_read_text(line_chat):
    out = await line_chat.send(line_chat.fake.sticker(line_chat.user))
    assert "only read text" in text_of(out)


async def test_bad_signature_processes_nothing(line_chat):
    body, good = line_chat.fake.signed(line_chat.fake.text(line_chat.user, "hello"))
    for bad in ("", "x", sign(body, "not-the-secret"), good[:-2] + "AA"):
        with pytest.raises(InvalidSignatureError):
            line_chat.bot.parse(body.decode(), bad)
    assert line_chat.fake.calls == []
