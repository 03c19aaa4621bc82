"""LINE's faults: 429 and 5xx retried with backoff; an expired reply token falls back to a
(counted) push only for answers about trouble; a blocked user is never pushed to."""

from __future__ import annotations

import pytest

from tests.channels.line.conftest import text_of

UNKNOWN = "what is the weather on mars today"  # "I don't know" + help numbers: trouble


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_busy_or_failing_line_is_retried_until_the_answer_goes(line_chat, status):
    line_chat.fake.fail_next("replyMessage", status, times=2)
    out = await line_chat.say("passport taken by employer")
    assert "passport" in text_of(out).lower()
    replies = [c for c in line_chat.fake.calls if c.path == "/v2/bot/message/reply"]
    assert [c.status for c in replies] == [status, status, 200]
    assert line_chat.fake.push_count == 0


async def test_a_client_error_is_not_retried(line_chat):
    line_chat.fake.fail_next("replyMessage", 403)
    await line_chat.post(line_chat.fake.text(line_chat.user, "passport taken by employer"))
    replies = [c for c in line_chat.fake.calls if c.path == "/v2/bot/message/reply"]
    assert [c.status for c in replies] == [403]


async def test_expired_token_pushes_a_trouble_answer_once(line_chat):
    fake = line_chat.fake
    event = fake.text(line_chat.user, UNKNOWN)
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    assert fake.push_count == 1
    assert "1362" in text_of(fake.messages_to(line_chat.user))
    push = next(c for c in fake.calls if c.path == "/v2/bot/message/push")
    assert push.headers.get("X-Line-Retry-Key")  # a retried push is delivered once
    assert line_chat.bot.client.pushes == 1


async def test_expired_token_drops_a_plain_answer_without_push(line_chat):
    fake = line_chat.fake
    event = fake.text(line_chat.user, "korea visa cost")
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    assert fake.push_count == 0 and fake.sent == []


async def test_a_blocked_user_gets_no_push(line_chat):
    fake = line_chat.fake
    await line_chat.post(fake.unfollow(line_chat.user))
    event = fake.text(line_chat.user, UNKNOWN)
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    assert fake.push_count == 0


async def test_push_is_retried_with_the_same_retry_key(line_chat):
    fake = line_chat.fake
    fake.fail_next("pushMessage", 500)
    event = fake.text(line_chat.user, UNKNOWN)
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    pushes = [c for c in fake.calls if c.path == "/v2/bot/message/push"]
    assert [c.status for c in pushes] == [500, 200]
    assert len({c.headers["X-Line-Retry-Key"] for c in pushes}) == 1
    assert fake.push_count == 1


async def test_backoff_doubles_between_retries(fake_line):
    from bot.channels.line.client import LineClient, LineSendError

    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    client = LineClient(fake_line.access_token, fake_line.url, retries=3, sleep=sleep)
    await client.start()
    fake_line.fail_next("getProfile", 429, times=4)
    try:
        with pytest.raises(LineSendError):
            await client._call("profile", lambda: client.api.get_profile("U" + "0" * 32))
    finally:
        await client.close()
    assert slept == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("tap", ["h", "ha:TH", "f:fraud-passport"])
async def test_expired_token_pushes_hotlines_help_abroad_and_fraud_answers(line_chat, tap):
    fake = line_chat.fake
    event = fake.postback(line_chat.user, tap)
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    assert fake.push_count == 1


async def test_expired_token_on_the_menu_pushes_nothing(line_chat):
    fake = line_chat.fake
    event = fake.postback(line_chat.user, "m")
    fake.expire(event["replyToken"])
    await line_chat.post(event)
    assert fake.push_count == 0
