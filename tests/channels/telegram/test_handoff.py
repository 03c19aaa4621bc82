"""Talk to a person: the relay between users and the counsellors' group, through the real
Application and the fake Bot API (which validates every call against the Bot API spec)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.app.runtime import Runtime
from bot.channels.telegram.app import build_application
from bot.channels.telegram.handlers import guard
from bot.config import Settings
from bot.storage.db import Store, connect
from tests.channels.telegram.conftest import ADMIN_ID, Harness
from tests.clock import Clock
from tools.fakeapi import FakeRequest

GROUP = -1009876543210
COUNSELLOR = 555
USER = 424242  # the user's Telegram id (= their private chat id)
NAME, USERNAME = "Somchai", "somchai_l"
TUESDAY_10 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC).timestamp()  # 10:00 in Vientiane
SUNDAY_10 = datetime(2026, 11, 29, 3, 0, tzinfo=UTC).timestamp()


async def make_talk_harness(fake, loaded, db_path, *, forum: bool, clock: Clock, chat=GROUP):
    fake.make_group(GROUP, forum=forum)
    store = Store(connect(db_path), clock=clock)
    services = Runtime(loaded, store, frozenset({ADMIN_ID}), clock=clock)
    settings = Settings(
        token=fake.token,
        db_path=db_path,
        admin_ids=frozenset({ADMIN_ID}),
        counsellor_chat=chat,
        counsellor_hours="Mon-Fri 08:00-17:00",
    )
    app = build_application(settings, services, request=FakeRequest(fake), rate_limit=False)
    await app.initialize()
    return Harness(fake, app, services)


@pytest.fixture
def clock():
    return Clock(TUESDAY_10)


@pytest.fixture(params=[False, True], ids=["reply-chain", "topics"])
async def talk(request, fake_api, loaded, tmp_path, clock):
    h = await make_talk_harness(fake_api, loaded, tmp_path / "t.sqlite3", forum=request.param,
                                clock=clock)  # fmt: skip
    h.forum = request.param
    yield h
    await h.app.shutdown()


@pytest.fixture
async def plain(fake_api, loaded, tmp_path, clock):
    h = await make_talk_harness(fake_api, loaded, tmp_path / "p.sqlite3", forum=False, clock=clock)
    yield h
    await h.app.shutdown()


async def say(h, text: str, user: int = USER, **kw) -> str | None:
    return await h.say(user, text, first_name=NAME, username=USERNAME, **kw)


async def relay(h, text: str, user: int = USER) -> None:
    """A message during a case: it goes to the group, the bot says nothing to the user."""
    await say(h, text, user, silent=True)


async def open_case(h, user: int = USER, country: str = "TH") -> str:
    text = await say(h, "/talk", user)
    assert "do NOT see your name" in text
    return await h.press(user, f"talk:ok:{country}", first_name=NAME)


def group_messages(h) -> list[dict]:
    return h.fake.messages_to(GROUP)


def copies_in_group(h) -> list[dict]:
    return [c for c in h.fake.sent(GROUP, "copyMessage")]


def last_copy_id(h) -> int:
    """The group message id of the newest copy the bot made there."""
    return max(m["message_id"] for m in group_messages(h) if "forum_topic_created" not in m)


def new_to_user(h, before: set[int]) -> str | None:
    """What the user sees (rendered text or caption) in messages sent since `before`."""
    new = [m for m in h.fake.messages_to(USER) if m["message_id"] not in before]
    return "\n---\n".join(m.get("text") or m.get("caption") or "" for m in new) or None


async def counsellor_says(h, text: str, *, reply_to: int | None = None, case_thread=None):
    before = {m["message_id"] for m in h.fake.messages_to(USER)}
    if case_thread is not None and reply_to is None:
        update = h.fake.push_topic_message(COUNSELLOR, text, chat_id=GROUP, thread_id=case_thread)
    else:
        kw = {"message_thread_id": case_thread, "is_topic_message": True} if case_thread else {}
        update = h.fake.push_group_message(
            COUNSELLOR, text, chat_id=GROUP, reply_to_message=reply_to, **kw
        )
    await h.process(update)
    return new_to_user(h, before)


def thread_of_case(h, number: int) -> int | None:
    return h.services.handoff.cases.get(number).thread_id


# --- consent and the relay ---------------------------------------------------------------------
async def test_consent_explains_who_reads_and_what_is_shared(plain):
    text = await say(plain, "/talk")
    assert "counsellor" in text and "/stop" in text and "do NOT see your name" in text
    data = plain.button_data(USER)
    assert {"talk:ok:LA", "talk:ok:TH", "talk:ok:KR", "talk:ok:JP", "talk:no"} <= set(data)
    assert group_messages(plain) == []  # nothing reaches the group before consent
    assert "All right" in await plain.press(USER, "talk:no")
    assert group_messages(plain) == []


async def test_relay_text_both_ways(talk):
    text = await open_case(talk)
    assert "You are connected (case 1)" in text
    header = group_messages(talk)[-1]
    assert "Case 1" in header["text"] and "English" in header["text"]
    assert "Thailand" in header["text"]
    await relay(talk, "My employer keeps my salary, what can I do?")
    (copy,) = copies_in_group(talk)
    assert copy.params["from_chat_id"] == USER
    relayed = group_messages(talk)[-1]
    assert relayed["text"] == "My employer keeps my salary, what can I do?"
    thread = thread_of_case(talk, 1)
    if talk.forum:
        assert thread and relayed["message_thread_id"] == thread
        answer = await counsellor_says(talk, "Keep your payslips.", case_thread=thread)
    else:
        assert thread is None and relayed["reply_to_message"]["message_id"] == header["message_id"]
        answer = await counsellor_says(talk, "Keep your payslips.", reply_to=relayed["message_id"])
    assert answer == "👤 Counsellor\nKeep your payslips."
    assert talk.fake.sent(method="forwardMessage") == []


async def test_relay_photo_both_ways(talk):
    await open_case(talk)
    before = len(talk.fake.sent())
    await talk.process(talk.fake.push_photo(USER, caption="my contract", first_name=NAME))
    copied = group_messages(talk)[-1]
    assert copied["photo"] and copied["caption"] == "my contract"
    assert talk.text_since(before, USER) is None  # no "I can only read text" reply
    # a counsellor answers with a photo (a replied-to copy, or in the topic)
    thread = thread_of_case(talk, 1)
    kw = {"message_thread_id": thread, "is_topic_message": True} if thread else {}
    update = talk.fake.push_photo(
        COUNSELLOR, caption="fill in this form", chat_id=GROUP, chat_type="supergroup",
        reply_to_message=copied["message_id"], **kw,
    )  # fmt: skip
    await talk.process(update)
    to_user = talk.fake.messages_to(USER)[-1]
    assert to_user["photo"] and to_user["caption"] == "👤 Counsellor\nfill in this form"


async def test_voice_and_document_are_relayed(plain):
    await open_case(plain)
    await plain.process(plain.fake.push_voice(USER, first_name=NAME))
    assert group_messages(plain)[-1].get("voice")
    await plain.process(plain.fake.push_document(USER, filename="contract.pdf"))
    assert group_messages(plain)[-1]["document"]["file_name"] == "contract.pdf"


async def test_reply_to_a_counsellor_message_continues_the_chain(plain):
    await open_case(plain)
    await relay(plain, "hello")
    first = await counsellor_says(plain, "Hello, how can I help?", reply_to=last_copy_id(plain))
    assert "Hello, how can I help?" in first
    # a second counsellor replies to the first counsellor's message, not to a copy
    own = [m for (c, _i), m in plain.fake._messages.items() if c == GROUP]
    theirs = [m for m in own if m.get("from", {}).get("id") == COUNSELLOR][-1]
    answer = await counsellor_says(plain, "I am here too.", reply_to=theirs["message_id"])
    assert "I am here too." in answer


async def test_a_counsellor_posting_as_the_anonymous_group_admin_is_relayed(plain):
    await open_case(plain)
    await relay(plain, "hello")
    update = plain.fake.push_group_message(
        1087968824, "We are here.", chat_id=GROUP, reply_to_message=last_copy_id(plain)
    )
    update["message"]["from"].update(is_bot=True, first_name="Group", username="GroupAnonymousBot")
    update["message"]["sender_chat"] = {"id": GROUP, "type": "supergroup", "title": "Counsellors"}
    before = {m["message_id"] for m in plain.fake.messages_to(USER)}
    await plain.process(update)
    assert new_to_user(plain, before) == "👤 Counsellor\nWe are here."


async def test_counsellors_talking_among_themselves_is_not_relayed(plain):
    await open_case(plain)
    before = len(plain.fake.sent(USER))
    await counsellor_says(plain, "Who takes case 1?")
    assert len(plain.fake.sent(USER)) == before


async def test_identity_never_reaches_the_group(talk):
    """No forward, and nothing the group receives carries the user's name, username or id."""
    await open_case(talk)
    await say(talk, "I am in Chonburi. My boss took my passport.", expect="Emergency")
    await talk.process(talk.fake.push_photo(USER, caption="contract", first_name=NAME))
    await talk.process(talk.fake.push_voice(USER, first_name=NAME, username=USERNAME))
    await say(talk, "/stop")
    assert talk.fake.sent(method="forwardMessage") == []
    secrets = (NAME, USERNAME, str(USER))
    for call in talk.fake.sent(GROUP):
        # from_chat_id tells Telegram where to copy from; the group never sees it
        shown = {k: v for k, v in call.params.items() if k != "from_chat_id"}
        dumped = json.dumps(shown, ensure_ascii=False, default=str)
        assert not any(s in dumped for s in secrets), (call.method, dumped)
    for message in group_messages(talk):
        dumped = json.dumps(message, ensure_ascii=False)
        assert not any(s in dumped for s in secrets), dumped
        assert "forward_origin" not in message and "forward_from" not in message
    assert len(copies_in_group(talk)) == 3


# --- closing ------------------------------------------------------------------------------------
async def test_counsellor_close_tells_the_user_and_stops_the_relay(talk):
    await open_case(talk)
    await relay(talk, "hello")
    thread = thread_of_case(talk, 1)
    if thread:
        text = await counsellor_says(talk, "/close", case_thread=thread)
        assert talk.fake.topic(GROUP, thread)["closed"]
    else:
        text = await counsellor_says(talk, "/close", reply_to=last_copy_id(talk))
    assert "counsellor closed this conversation (case 1)" in text
    assert "Case 1 closed" in group_messages(talk)[-1]["text"]
    copies = len(copies_in_group(talk))
    reply = await say(talk, "how much does it cost to work in Korea?")
    assert "Checked: " in reply  # the FAQ answers again
    assert len(copies_in_group(talk)) == copies
    # a late counsellor message is not delivered, and the group is told
    late = await counsellor_says(talk, "one more thing", reply_to=last_copy_id(talk))
    assert late is None
    assert "is closed: this message was not sent" in group_messages(talk)[-1]["text"]


async def test_user_stop_closes_the_case(talk):
    await open_case(talk)
    text = await say(talk, "/stop")
    assert "You ended the conversation (case 1)" in text
    assert "ended the conversation (/stop)" in group_messages(talk)[-1]["text"]
    if talk.forum:
        assert talk.fake.topic(GROUP, thread_of_case(talk, 1))["closed"]
    assert "not talking to a counsellor" in await say(talk, "/stop")
    # a new /talk opens a new case with a new number
    assert "(case 2)" in await open_case(talk)


async def test_close_outside_a_case_explains_how(plain):
    before = len(plain.fake.sent(GROUP))
    await plain.process(plain.fake.push_group_message(COUNSELLOR, "/close", chat_id=GROUP))
    assert "in a case's topic" in plain.fake.sent(GROUP)[before].params["text"]


# --- hours and urgent words -------------------------------------------------------------------
async def test_after_hours_user_gets_when_and_help_lines_of_their_country(plain, clock):
    clock.now = SUNDAY_10
    text = await open_case(plain, country="TH")
    assert (
        "outside these hours" in text
        and "Monday–Friday 08:00–17:00" in text
        and "Monday 30/11 08:00" in text
    )
    assert "1694" in text  # Thailand's verified Department of Employment hotline
    assert "1362" not in text  # Laos' numbers are not for someone in Thailand
    assert "outside counselling hours" in group_messages(plain)[-1]["text"]


async def test_after_hours_never_shows_an_unverified_number(plain, loaded, clock):
    clock.now = SUNDAY_10
    text = await open_case(plain, country="KR")
    unverified = [p.number for p in loaded.dialogue.directory.places if p.country == "KR"
                  for p in p.phones if not p.verified]  # fmt: skip
    assert unverified and not any(n in text for n in unverified)
    assert "1345" in text


async def test_in_hours_no_help_line_list(plain):
    text = await open_case(plain)
    assert "outside these hours" not in text and "1694" not in text


@pytest.mark.parametrize(
    "words",
    [
        "They locked me in the dormitory and I cannot leave",
        "ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ ແລະ ຂ້ອຍອອກບໍ່ໄດ້",
        "ฉันถูกขังอยู่ในห้อง",
        "khoy thuk khang yu hong",
    ],
)
async def test_urgent_words_flag_the_case_and_give_emergency_numbers(talk, words):
    await open_case(talk)
    before = len(talk.fake.sent())
    text = await say(talk, words)
    assert "Emergency numbers" in text and "191 (police and general emergency)" in text
    header = group_messages(talk)
    head = next(m for m in header if m.get("text", "").startswith(("🚨", "Case 1")))
    assert head["text"].startswith("🚨 URGENT")
    assert any("🚨 URGENT: case 1" in m.get("text", "") for m in group_messages(talk))
    assert any(m.get("text") == words for m in group_messages(talk))  # still relayed
    if talk.forum:
        assert talk.fake.topic(GROUP, thread_of_case(talk, 1))["name"].startswith("🚨 URGENT")
    # the numbers come once, not after every message
    await relay(talk, "they beat me again")
    assert talk.services.handoff.cases.get(1).urgent
    assert len(talk.fake.sent()) > before


# --- faults -------------------------------------------------------------------------------------
async def test_group_unreachable_user_gets_help_lines_admins_one_report(talk, fake_api):
    fake_api.block_chat(GROUP)
    text = await open_case(talk, country="JP")
    assert "could not reach the counsellors" in text
    assert "0570-013904" in text  # a verified Japanese help line
    assert talk.services.handoff.open_case(USER) is None  # no half-open case
    await open_case(talk, country="JP")
    reports = [c for c in fake_api.sent(ADMIN_ID) if "counsellors' group" in c.params["text"]]
    assert len(reports) == 1
    assert "blocked" not in json.dumps([c.params for c in fake_api.sent(USER)])


async def test_forum_without_manage_topics_right_falls_back_to_reply_chains(
    fake_api, loaded, tmp_path, clock
):
    h = await make_talk_harness(fake_api, loaded, tmp_path / "f.sqlite3", forum=True, clock=clock)
    fake_api.fail_next(
        "createForumTopic",
        status=400,
        description="Bad Request: not enough rights to create a topic",
    )
    assert "You are connected (case 1)" in await open_case(h)
    await relay(h, "hello")
    header, copy = group_messages(h)[-2:]
    assert (
        "Case 1" in header["text"]
        and copy["reply_to_message"]["message_id"] == header["message_id"]
    )
    answer = await counsellor_says(h, "Hi, I can help.", reply_to=copy["message_id"])
    assert answer == "👤 Counsellor\nHi, I can help."
    await h.app.shutdown()


async def test_group_lost_mid_case_never_silent(plain, fake_api):
    await open_case(plain)
    fake_api.block_chat(GROUP)
    text = await say(plain, "are you there?")
    assert "could not reach the counsellors" in text and "1694" in text
    fake_api.unblock_chat(GROUP)
    await relay(plain, "hello again")  # relayed again, no error message
    assert group_messages(plain)[-1]["text"] == "hello again"


async def test_user_blocked_the_bot_group_is_told(plain, fake_api):
    await open_case(plain)
    await relay(plain, "hello")
    fake_api.block_chat(USER)
    await counsellor_says(plain, "Hello?", reply_to=last_copy_id(plain))
    assert "can no longer be reached" in group_messages(plain)[-1]["text"]


# --- privacy: storage, /forget, retention ------------------------------------------------------
def case_rows(h) -> list[dict]:
    return [dict(r) for r in h.services.store.conn.execute("SELECT * FROM handoff_cases")]


async def test_no_message_text_is_stored(plain, tmp_path):
    await open_case(plain)
    await relay(plain, "secret words about my broker 7788")
    await counsellor_says(plain, "reply with 9911", reply_to=last_copy_id(plain))
    plain.services.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = (tmp_path / "p.sqlite3").read_bytes()
    assert b"7788" not in raw and b"9911" not in raw and NAME.encode() not in raw
    (row,) = case_rows(plain)
    assert row["opened_at"] % 3600 == 0  # coarse time


async def test_forget_closes_the_case_and_deletes_the_mapping(talk):
    await open_case(talk)
    await relay(talk, "hello")
    copy_id = last_copy_id(talk)
    text = await say(talk, "/forget")
    assert "stay in the counsellors' group" in text
    assert "asked the bot to forget them" in group_messages(talk)[-1]["text"]
    assert case_rows(talk) == []
    assert (
        talk.services.store.conn.execute("SELECT COUNT(*) FROM handoff_messages").fetchone()[0] == 0
    )
    sent_to_user = len(talk.fake.sent(USER))
    await counsellor_says(talk, "still there?", reply_to=copy_id)
    assert len(talk.fake.sent(USER)) == sent_to_user  # the bot no longer knows whose it was


async def test_retention_purge_deletes_closed_cases_after_keep_days(plain, clock):
    await open_case(plain, user=USER)
    await say(plain, "/stop")
    clock.now += 10 * 86400
    await open_case(plain, user=USER + 1)
    await plain.say(USER + 1, "/stop")
    await open_case(plain, user=USER + 2)  # still open: never purged
    clock.now += 25 * 86400  # first closed 35 days ago, second 25 days ago
    await guard.purge_old_records(SimpleNamespace(bot_data=plain.app.bot_data))
    assert sorted(r["id"] for r in case_rows(plain)) == [2, 3]


# --- the button, and the feature off ---------------------------------------------------------
async def test_talk_button_on_dont_know_trouble_answers_and_help(plain):
    await say(plain, "who won the football match yesterday")
    assert "talk" in plain.button_data(USER)
    for entry in ("fraud-signs", "fraud-trafficking", "help-hotlines", "kr-rights-help"):
        await plain.press(USER, f"f:{entry}", check_buttons=False)
        assert "talk" in plain.button_data(USER), entry
    await plain.press(USER, "f:kr-costs", check_buttons=False)
    assert "talk" not in plain.button_data(USER)  # not on every answer
    await say(plain, "/help")
    assert "talk" in plain.button_data(USER)
    assert "do NOT see your name" in await plain.press(USER, "talk")
    await plain.app.post_init(plain.app)
    menu = [c["command"] for c in plain.fake.commands(language_code="en")]
    assert "talk" in menu


async def test_privacy_says_what_a_case_keeps_and_for_how_long(plain):
    text = await say(plain, "/privacy")
    assert "If you talk to a counsellor (/talk)" in text and "deleted 30 days after" in text
    assert "Your messages are NOT kept by the bot" in text


async def test_feature_off_no_button_and_talk_says_so(bot):
    await bot.say(USER, "who won the football match yesterday")
    assert "talk" not in bot.button_data(USER)
    await bot.press(USER, "f:fraud-signs", check_buttons=False)
    assert "talk" not in bot.button_data(USER)
    text = await bot.say(USER, "/talk")
    assert "not available" in text and "1362" in text
    assert "counsellor" not in await bot.say(USER, "/privacy")
    assert "talk" not in [c["command"] for c in bot.fake.commands(language_code="en")]
