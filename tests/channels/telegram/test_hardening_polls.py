"""A poll answer with an option the poll does not have is ignored (issue #13, finding 11)."""

from __future__ import annotations

import pytest

U = 221


@pytest.mark.parametrize("option", [None, 99, -1, 2**70])
async def test_out_of_range_poll_option_is_ignored(bot, option):
    await bot.say(U, "/quiz")
    poll = bot.fake.last_poll(U)
    quiz = bot.app.bot_data["quiz"]
    option = len(poll["options"]) if option is None else option  # one past the last
    assert quiz.on_answer(U, poll["id"], [option]) == []
    assert quiz.store.poll(poll["id"]).record.chosen is None  # still open
    assert quiz.on_answer(U, poll["id"], [poll["correct_option_ids"][0]])  # a real answer counts
