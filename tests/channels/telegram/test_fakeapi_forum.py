"""The fake Bot API refuses what Telegram refuses with forums, topics and copyMessage."""

from __future__ import annotations

import pytest

from tools.fakeapi import FakeBotAPI

FORUM, PLAIN = -1001, -1002


@pytest.fixture
def fake():
    f = FakeBotAPI()
    f.make_group(FORUM, forum=True)
    f.make_group(PLAIN)
    return f


def test_topics_only_in_forums(fake):
    status, body = fake.handle("createForumTopic", {"chat_id": PLAIN, "name": "Case 1"})
    assert status == 400 and "not a forum" in body["description"]
    status, body = fake.handle("createForumTopic", {"chat_id": FORUM, "name": "Case 1"})
    assert status == 200 and body["result"]["name"] == "Case 1"


def test_a_message_thread_must_exist(fake):
    thread = fake.handle("createForumTopic", {"chat_id": FORUM, "name": "Case 1"})[1]["result"]
    tid = thread["message_thread_id"]
    ok = fake.handle("sendMessage", {"chat_id": FORUM, "text": "hi", "message_thread_id": tid})
    assert ok[0] == 200 and ok[1]["result"]["is_topic_message"]
    for chat, t in ((FORUM, tid + 99), (PLAIN, tid)):
        status, body = fake.handle(
            "sendMessage", {"chat_id": chat, "text": "x", "message_thread_id": t}
        )
        assert status == 400 and "thread not found" in body["description"]


def test_copy_keeps_the_content_not_the_sender(fake):
    src = fake.push_message(7, "my words", first_name="Somchai", username="somchai_l")["message"]
    status, body = fake.handle(
        "copyMessage", {"chat_id": PLAIN, "from_chat_id": 7, "message_id": src["message_id"]}
    )
    assert status == 200 and body["result"]["message_id"] == 1
    (copy,) = fake.messages_to(PLAIN)
    assert copy["text"] == "my words" and copy["from"]["is_bot"]
    assert "Somchai" not in str(copy) and "forward_origin" not in copy
    missing = fake.handle("copyMessage", {"chat_id": PLAIN, "from_chat_id": 7, "message_id": 999})
    assert missing[0] == 400 and "not found" in missing[1]["description"]


def test_closing_a_topic_twice_is_refused(fake):
    tid = fake.handle("createForumTopic", {"chat_id": FORUM, "name": "C"})[1]["result"][
        "message_thread_id"
    ]
    assert fake.handle("closeForumTopic", {"chat_id": FORUM, "message_thread_id": tid})[0] == 200
    assert fake.topic(FORUM, tid)["closed"]
    again = fake.handle("closeForumTopic", {"chat_id": FORUM, "message_thread_id": tid})
    assert again[0] == 400 and "TOPIC_NOT_MODIFIED" in again[1]["description"]
