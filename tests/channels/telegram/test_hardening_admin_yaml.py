"""An admin's /newentry with hostile YAML gets a clear answer (issue #13, finding 7)."""

from __future__ import annotations

import pytest

from tests.channels.telegram.conftest import ADMIN_ID


@pytest.mark.parametrize(
    ("text", "expected"),
    [("? [a, b]\n: 1\n", "key"), ("a: &a [x, x]\nb: *a\n", "alias"), ("[" * 3000 + "]" * 3000, "deep")],
)  # fmt: skip
async def test_newentry_with_hostile_yaml_names_the_problem(bot, text, expected):
    await bot.say(ADMIN_ID, "/newentry")
    reply = await bot.say(ADMIN_ID, text)
    assert reply and expected in reply
    assert not [m for m in bot.fake.messages_to(ADMIN_ID) if "Bot error" in m.get("text", "")]
