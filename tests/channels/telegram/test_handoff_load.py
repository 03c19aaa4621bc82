"""50 cases open at once, messages interleaved both ways: every message reaches the right
side and none crosses into another case (topics and reply chains)."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from tests.channels.telegram.test_handoff import (
    COUNSELLOR,
    GROUP,
    TUESDAY_10,
    Clock,
    make_talk_harness,
)

CASES = 50
ROUNDS = 3
FIRST_USER = 10_000


@pytest.mark.parametrize("forum", [False, True], ids=["reply-chain", "topics"])
async def test_fifty_cases_interleaved_nothing_crosses(fake_api, loaded, tmp_path, forum):
    h = await make_talk_harness(
        fake_api, loaded, tmp_path / "load.sqlite3", forum=forum, clock=Clock(TUESDAY_10)
    )
    rng = random.Random(14)
    users = [FIRST_USER + i for i in range(CASES)]
    started = time.perf_counter()

    async def run(updates):
        await asyncio.gather(*(h.process(u) for u in updates))

    # everyone asks at about the same time, then consents
    await run([fake_api.push_message(u, "/talk") for u in users])
    await run([fake_api.push_callback(u, "talk:ok:TH") for u in users])
    case_of = {u: h.services.handoff.open_case(u) for u in users}
    assert len({c.number for c in case_of.values()}) == CASES

    for r in range(ROUNDS):
        order = rng.sample(users, len(users))
        await run(
            [
                fake_api.push_photo(u, caption=f"u{u} m{r}")
                if (u + r) % 10 == 0
                else fake_api.push_message(u, f"u{u} m{r}")
                for u in order
            ]
        )
        # the counsellors answer every case, in another order
        replies = []
        copies = {
            m.get("text") or m.get("caption"): m["message_id"] for m in fake_api.messages_to(GROUP)
        }
        for u in rng.sample(users, len(users)):
            case = case_of[u]
            text = f"c{case.number} r{r}"
            if forum:
                replies.append(
                    fake_api.push_topic_message(
                        COUNSELLOR, text, chat_id=GROUP, thread_id=case.thread_id
                    )
                )
            else:
                last = copies[f"u{u} m{r}"]  # a counsellor replies to the user's message
                replies.append(
                    fake_api.push_group_message(
                        COUNSELLOR, text, chat_id=GROUP, reply_to_message=last
                    )
                )
        await run(replies)
    elapsed = time.perf_counter() - started
    messages = CASES * (2 + 2 * ROUNDS)
    print(
        f"\n{CASES} cases ({'topics' if forum else 'reply chains'}), {messages} updates: "
        f"{elapsed:.2f}s, {1000 * elapsed / messages:.1f} ms per update"
    )

    # every user message is in its own case in the group, exactly once
    routes = dict(
        h.services.store.conn.execute("SELECT group_message_id, case_id FROM handoff_messages")
    )
    group = {m["message_id"]: m for m in fake_api.messages_to(GROUP)}
    for u in users:
        case = h.services.handoff.cases.get(case_of[u].number)
        for r in range(ROUNDS):
            found = [
                m for m in group.values() if (m.get("text") or m.get("caption")) == f"u{u} m{r}"
            ]
            assert len(found) == 1, (u, r, found)
            (copy,) = found
            assert routes[copy["message_id"]] == case.number
            if forum:
                assert copy["message_thread_id"] == case.thread_id
            else:
                assert copy["reply_to_message"]["message_id"] == case.header_id
    # every counsellor answer reached its own user, once each, and no one else's
    for u in users:
        got = [
            m.get("text", "")
            for m in fake_api.messages_to(u)
            if m.get("text", "").startswith("👤 Counsellor")
        ]
        want = [f"👤 Counsellor\nc{case_of[u].number} r{r}" for r in range(ROUNDS)]
        assert sorted(got) == sorted(want), (u, got)
    assert fake_api.sent(method="forwardMessage") == []
    await h.app.shutdown()
