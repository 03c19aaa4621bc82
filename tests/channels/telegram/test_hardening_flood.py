"""One flooding user must not slow anybody else (issue #13, findings 5 and 11).

These go through the Application's real update queue and update processor (as polling
and the webhook do), with sendMessage slow in the fake. They assert on the order of the
fake's calls, not on wall-clock time: how many of the flooder's replies went out before
the other person's.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.updates import ArrivalFlood

A, B = 701, 702


async def _queue(bot, raw: dict) -> None:
    await bot.app.update_queue.put(Update.de_json(raw, bot.app.bot))


def _replies_to(bot, chat: int) -> list[int]:
    """Positions (in the fake's call list) of the bot's messages to a chat."""
    return [i for i, c in enumerate(bot.fake.sent())
            if c.method == "sendMessage" and c.params.get("chat_id") == chat]  # fmt: skip


async def _flood_then_ask(bot, floods: int, delay: float) -> list[int]:
    """A queues `floods` messages, then B one: the calls to A made before B's reply."""
    bot.fake.delay("sendMessage", delay)
    await bot.app.start()
    try:
        for _ in range(floods):
            await _queue(bot, bot.fake.push_message(A, "/help"))
        await _queue(bot, bot.fake.push_message(B, "/help"))
        for _ in range(2000):
            if _replies_to(bot, B):
                break
            await asyncio.sleep(0.01)
        b_at = _replies_to(bot, B)[0]
        return [i for i in _replies_to(bot, A) if i < b_at]
    finally:
        bot.fake.delay("sendMessage", 0)
        await bot.app.stop()


async def test_a_flood_is_dropped_on_arrival_and_others_are_served_at_once(bot):
    before_b = await _flood_then_ask(bot, floods=300, delay=0.05)
    # before: B waited for A's 20 replies and the "slow down" (21 calls, one at a time)
    assert len(before_b) <= 3, f"{len(before_b)} of A's replies went out before B's"
    texts = [m.get("text", "") for m in bot.fake.messages_to(A)]
    assert sum("/menu" in t for t in texts) == 20
    assert sum("very fast" in t for t in texts) == 1


async def test_one_busy_chat_holds_one_slot_not_all_of_them(bot):
    """Within the flood limit (raised here), a chat's queued updates wait for their chat,
    not for the slots every chat shares."""
    bot.app.bot_data["flood"].messages.limit = 10_000
    before_b = await _flood_then_ask(bot, floods=80, delay=0.01)
    # before: 32 slots were held by A's updates waiting for A's lock; B waited for ~48
    assert len(before_b) <= 3, f"{len(before_b)} of A's replies went out before B's"
    assert len(_replies_to(bot, A)) == 80  # A's are all answered, in the end


async def test_inline_queries_are_flood_limited_too(bot):
    ids = []
    for i in range(30):
        update = bot.fake.push_inline_query(A, f"korea cost {i}")
        ids.append(update["inline_query"]["id"])
        await bot.process(update)
    answered = [q for q in ids if bot.fake.inline_answer(q) is not None]
    assert len(answered) == 20
    # their own limit: typing inline does not stop the same person's questions
    assert "/menu" in await bot.say(A, "/help")
    other = bot.fake.push_inline_query(B, "korea cost")
    await bot.process(other)
    assert bot.fake.inline_answer(other["inline_query"]["id"]) is not None


def test_arrival_verdicts_spare_the_counsellors_group_and_keep_nothing_dropped(fake_api):
    staff_chat = -1009876543210
    flood = ArrivalFlood(staff_chat=staff_chat)
    staff = [fake_api.push_group_message(555, "case 1: call 1362", chat_id=staff_chat)
             for _ in range(30)]  # fmt: skip
    assert {flood.arrive(Update.de_json(u, None)) for u in staff} == {"ok"}
    mine = [Update.de_json(fake_api.push_message(A, "hi"), None) for _ in range(30)]
    verdicts = [flood.arrive(u) for u in mine]
    assert verdicts == ["ok"] * 20 + ["warn"] + ["drop"] * 9
    # the guard later reads each verdict once; a dropped update leaves nothing behind
    assert [flood.verdict(u) for u in mine[19:22]] == ["ok", "warn", "drop"]
    assert len(flood._decided) == 30 + 19
