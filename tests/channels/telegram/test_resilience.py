"""Keeps serving through Telegram faults: 429, 403, 400, network errors, floods."""

from __future__ import annotations

import logging

from bot.core.flood import FloodGate
from bot.logs import RedactToken

A, B = 401, 402


async def test_429_waits_retry_after_then_succeeds(bot):
    bot.fake.fail_next("sendMessage", status=429, retry_after=1)
    text = await bot.say(A, "how much does it cost to go to Korea")
    assert text and "Korea" in text
    assert len(bot.fake.sent(A, method="sendMessage")) == 1  # delivered once


async def test_network_error_is_retried_with_backoff(bot, monkeypatch):
    import bot.channels.telegram.resilience as r

    monkeypatch.setattr(r, "BACKOFF_S", 0.01)
    bot.fake.fail_next("sendMessage", status=502, times=2)
    text = await bot.say(A, "/help")
    assert text and "/menu" in text


async def test_403_for_one_chat_while_others_are_served(bot):
    bot.fake.block_chat(A)
    await bot.say(A, "how much does it cost to go to Korea", silent=True)  # must not raise
    assert bot.services.store.is_blocked(A)
    text = await bot.say(B, "how much does it cost to go to Korea")
    assert text and "Korea" in text


async def test_blocked_chat_that_writes_again_is_unblocked(bot):
    bot.services.store.mark_blocked(A)
    await bot.say(A, "/help")
    assert not bot.services.store.is_blocked(A)


async def test_my_chat_member_kicked_is_recorded(bot):
    await bot.process(bot.fake.push_my_chat_member(A, status="kicked"))
    assert bot.services.store.is_blocked(A)


async def test_400_for_a_built_message_is_logged_not_crashing(bot, caplog):
    bot.fake.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    with caplog.at_level(logging.ERROR, logger="bot.tg"):
        await bot.say(A, "/help", silent=True)  # Telegram refused the only message
    assert any("telegram refused a message update_id=" in r.getMessage() for r in caplog.records)
    assert "/menu" in await bot.say(A, "/help")  # still serving


async def test_flood_limit_slows_one_user_without_affecting_others(bot):
    for _ in range(25):
        await bot.process(bot.fake.push_message(A, "/help"))
    texts = [m.get("text", "") for m in bot.fake.messages_to(A)]
    assert sum("/menu" in t for t in texts) == 20
    assert sum("very fast" in t for t in texts) == 1
    assert "/menu" in await bot.say(B, "/help")


def test_flood_gate_window_reopens():
    now = [0.0]
    gate = FloodGate(limit=3, window=10, clock=lambda: now[0])
    assert [gate.check(1) for _ in range(5)] == ["ok", "ok", "ok", "warn", "drop"]
    assert gate.check(2) == "ok"
    now[0] = 10.5
    assert gate.check(1) == "ok"


def test_token_is_redacted_from_log_records():
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        "",
        0,
        'HTTP Request: POST https://api.telegram.org/bot%s/getMe "200"',
        (token,),
        None,
    )
    RedactToken().filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()


async def test_daily_retention_job_purges_old_records(bot):
    from types import SimpleNamespace

    from bot.channels.telegram.handlers.guard import purge_old_records

    store = bot.services.store
    real_clock = store.clock
    store.clock = lambda: real_clock() - 200 * 86400
    store.add_unanswered("old question", "en")
    store.clock = real_clock
    store.add_unanswered("new question", "en")
    jobs = bot.app.job_queue.jobs()
    assert any(j.callback is purge_old_records for j in jobs)  # scheduled daily
    await purge_old_records(SimpleNamespace(bot_data=bot.app.bot_data))
    assert [r["text"] for r in store.unanswered()] == ["new question"]
