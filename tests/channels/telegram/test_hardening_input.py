"""Hostile input through the real Application (issue #13, finding 6): each gets a clear
reply, and admins get no error report."""

from __future__ import annotations

import pytest

from tests.channels.telegram.conftest import ADMIN_ID

U = 211


def _error_reports(bot) -> list[str]:
    return [m.get("text", "") for m in bot.fake.messages_to(ADMIN_ID) if "Bot error" in m.get("text", "")]  # fmt: skip


@pytest.mark.parametrize("arg", ["²", "9" * 40, "٣"])
async def test_quiz_with_an_odd_count_starts_a_normal_round(bot, arg):
    text = await bot.say(U, f"/quiz {arg}")
    assert text and "questions about working abroad" in text
    assert _error_reports(bot) == []


async def test_stay_anonymous_with_a_huge_event_id_does_nothing_quietly(bot):
    update = bot.fake.push_callback(U, "qa:" + "9" * 40, check_buttons=False)
    await bot.process(update)
    assert bot.fake.callback_answer(update["callback_query"]["id"]) is not None
    assert _error_reports(bot) == []


async def test_lone_surrogate_question_gets_an_answer(bot):
    text = await bot.say(U, "zzqx unknown \ud800 words qqqz")
    assert text
    assert _error_reports(bot) == []


async def test_location_at_infinity_gets_an_answer(bot):
    before = len(bot.fake.sent())
    await bot.process(bot.fake.push_location(U, float("inf"), 102.6))
    assert bot.text_since(before, U)
    assert _error_reports(bot) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/undo\n1", "change"), ("/undo ²", "change number"), ("/undo " + "9" * 40, "change"),
     ("/edit\tkr-eps", "kr-eps"), ("/undo\t#²", "change number")],
)  # fmt: skip
async def test_admin_commands_split_on_any_whitespace_and_parse_strictly(bot, command, expected):
    text = await bot.say(ADMIN_ID, command)
    assert text and expected in text.lower()
    assert _error_reports(bot) == []


@pytest.mark.parametrize("command", ["/event new ² Job fair", "/event new\t3 Job fair"])
async def test_event_new_with_odd_numbers_starts_an_event(bot, command):
    text = await bot.say(ADMIN_ID, command, chat_id=-100777, chat_type="group")
    assert _error_reports(bot) == []
    assert text
