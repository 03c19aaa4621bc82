"""The fake LINE refuses what LINE refuses, so the adapter's 0 violations mean something."""

from __future__ import annotations

import json

import pytest

from tools.fakeline import FakeLine, line_id


def _reply(fake: FakeLine, messages: list[dict], token: str | None = None) -> tuple[int, dict]:
    if token is None:
        token = fake.text(line_id(), "hi")["replyToken"]
    body = json.dumps({"replyToken": token, "messages": messages}).encode()
    headers = {"Authorization": f"Bearer {fake.access_token}"}
    return fake.handle("POST", "/v2/bot/message/reply", headers, body)


def _quick(label: str, data: str = "m") -> dict:
    action = {"type": "postback", "label": label, "data": data}
    return {
        "type": "text",
        "text": "x",
        "quickReply": {"items": [{"type": "action", "action": action}]},
    }


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        ([{"type": "text", "text": "x" * 5001}], "at most 5000"),
        ([_quick("a label of more than twenty")], "> 20"),
        ([_quick("ok", "d" * 301)], "at most 300"),
        ([{"type": "text", "text": "x", "colour": "red"}], "unknown property"),
        ([{"type": "txt", "text": "x"}], "not one of Message's types"),
        ([{"type": "text"}], "missing required 'text'"),
        ([{"type": "text", "text": "x"}] * 6, "at most 5"),
        ([], "at least 1"),
    ],
)
def test_requests_line_would_refuse_are_violations(messages, problem):
    fake = FakeLine()
    status, _ = _reply(fake, messages)
    assert status == 400
    assert any(problem in v for v in fake.violations), fake.violations


def test_a_good_reply_passes_and_its_token_works_once():
    fake = FakeLine()
    token = fake.text(line_id(), "hi")["replyToken"]
    assert _reply(fake, [_quick("Menu")], token)[0] == 200
    assert _reply(fake, [{"type": "text", "text": "again"}], token)[0] == 400  # used
    assert fake.violations == [] and fake.reply_count == 1


def test_wrong_access_token_and_unknown_endpoint():
    fake = FakeLine()
    assert fake.handle("POST", "/v2/bot/message/reply", {}, b"{}")[0] == 401
    headers = {"Authorization": f"Bearer {fake.access_token}"}
    assert fake.handle("POST", "/v2/bot/message/shout", headers, b"{}")[0] == 404


def test_built_events_must_conform_to_the_webhook_spec():
    fake = FakeLine()
    event = fake.text(line_id(), "hi")
    del event["message"]["quoteToken"]
    with pytest.raises(AssertionError, match="quoteToken"):
        fake.body(event)
