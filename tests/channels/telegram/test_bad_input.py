"""Odd messages never crash the bot; each gets a sensible reply or none."""

from __future__ import annotations

import pytest

U = 201


async def test_sticker_and_photo_get_a_hint(bot):
    await bot.process(bot.fake.push_sticker(U))
    assert "only read text" in bot.fake.last_text(U)
    await bot.process(bot.fake.push_photo(U))
    assert "only read text" in bot.fake.last_text(U)


async def test_ten_thousand_characters(bot):
    text = await bot.say(U, "passport " * 1111)
    assert text  # answered or suggested; the fake fails the test on any limit violation


@pytest.mark.parametrize(
    "text",
    [
        "\u200b\u200b",
        "\x01\x02 \x7f",
        "????",
        "ໄປ\u200bເຮັດ\u200bວຽກ\u200bໄທ",
        "🙂🙂🙂",
        "<b>hi</b> & <script>",
    ],
)
async def test_control_zero_width_and_markup(bot, text):
    reply = await bot.say(U, text)
    assert reply


async def test_markup_in_question_is_escaped_when_echoed(bot):
    await bot.say(U, "<b>hi</b> & <script>zzzz qqqq")
    # the fake parses HTML: had the text gone out unescaped it would have been refused
    assert bot.fake.last_text(U)


async def test_edited_message_is_ignored(bot):
    await bot.say(U, "hello")
    before = len(bot.fake.sent(U))
    await bot.process(bot.fake.push_edited_message(U, "how much does Korea cost"))
    assert len(bot.fake.sent(U)) == before


async def test_callback_data_the_bot_did_not_create(bot):
    await bot.say(U, "/menu")
    before = len(bot.fake.sent())
    update = bot.fake.push_callback(U, "drop table users;--", check_buttons=False)
    await bot.process(update)
    text = bot.text_since(before, U)  # this reply, not the menu sent before it
    assert text and "old or unknown" in text and "Choose a topic" in text
    assert bot.fake.callback_answer(update["callback_query"]["id"]) is not None


@pytest.mark.parametrize("data", ["f:no-such-entry", "fb:th-costs:7", "c:mars", "l:fr", ""])
async def test_malformed_known_prefixes(bot, data):
    await bot.say(U, "/menu")
    await bot.process(bot.fake.push_callback(U, data or "x", check_buttons=False))
    assert bot.fake.last_text(U)


async def test_unknown_command_gets_help(bot):
    text = await bot.say(U, "/doesnotexist")
    assert "/menu" in text
