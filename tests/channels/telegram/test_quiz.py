"""The quiz through the real Application and the fake Bot API: solo rounds, outreach
events with several participants, leaderboard ties, CSV export, a restart in the middle
of an event, unknown/closed polls and a participant who blocked the bot."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from bot.app.runtime import Runtime
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.storage.db import Store, connect
from tests.channels.telegram.conftest import ADMIN_ID, Harness, make_harness
from tests.clock import Clock
from tools.fakeapi import FakeRequest

EN, LO = 301, 302
GROUP = -1001234567890


@pytest.fixture
async def bot(fake_api, loaded, tmp_path):
    """Deterministic questions and time: passed to the app at construction, never patched."""
    h = await make_harness(fake_api, loaded, tmp_path / "bot.sqlite3", Clock(), random.Random(7))
    yield h
    await h.app.shutdown()


async def answer(bot: Harness, user: int, right: bool = True, poll: dict | None = None) -> dict:
    """The user votes in their newest poll (or `poll`): the right option or a wrong one."""
    poll = poll or bot.fake.last_poll(user)
    correct = poll["correct_option_ids"][0]
    option = correct if right else (correct + 1) % len(poll["options"])
    await bot.process(bot.fake.push_poll_answer(user, poll["id"], [option]))
    return poll


def polls_to(bot: Harness, user: int) -> list[dict]:
    return [c for c in bot.fake.sent(user, "sendPoll")]


async def choose_name(bot: Harness, user: int, name: str) -> None:
    """Tap ✏️ under the join message, type the name, confirm it."""
    assert "Type the name" in await bot.click(user, "✏️ Set my leaderboard name")
    shown = name.strip()
    assert f"Show “{shown}” on the leaderboard?" in await bot.say(user, name)
    assert f"On the leaderboard you are: {shown}" in await bot.click(user, "✅ Yes")


def db(bot: Harness):
    return bot.services.store.conn


# --- solo ----------------------------------------------------------------------------------
async def test_solo_quiz_end_to_end_scores_and_links_missed_answers(bot, loaded):
    intro = await bot.say(EN, "/quiz")
    assert "5 questions" in intro
    asked = []
    for i in range(5):
        poll = bot.fake.last_poll(EN)
        assert poll["type"] == "quiz" and not poll["is_anonymous"]
        assert poll["question"].startswith(f"{i + 1}/5 · ")
        asked.append(poll["question"])
        await answer(bot, EN, right=i < 3)  # 3 right, 2 wrong
    assert len(polls_to(bot, EN)) == 5 and len(set(asked)) == 5
    result = bot.fake.last_text(EN)
    assert "You got 3 of 5 right." in result
    data = bot.button_data(EN)
    missed = [d for d in data if d.startswith("f:")]
    assert 1 <= len(missed) <= 2 and "q" in data and "m" in data
    for d in missed:
        assert d[2:] in loaded.content.by_id
    # the round's answers are not kept, only which questions it had
    assert db(bot).execute("SELECT COUNT(*) FROM quiz_polls").fetchone()[0] == 0
    assert db(bot).execute("SELECT COUNT(*) FROM quiz_recent").fetchone()[0] == 1
    # "read more" opens the FAQ answer
    assert "Checked:" in await bot.press(EN, missed[0])


async def test_quiz_in_lao_from_the_menu_button(bot, loaded):
    await bot.say(LO, "/menu", language_code=None)
    await bot.press(LO, "q", language_code=None)
    poll = bot.fake.last_poll(LO)
    assert any("\u0e80" <= ch <= "\u0eff" for ch in poll["question"])  # Lao script
    for _i in range(5):
        poll = await answer(bot, LO)
        assert any("\u0e80" <= ch <= "\u0eff" for ch in poll["options"][0]["text"])
    assert {"q", "m"} <= set(bot.button_data(LO))  # the result, with "play again"
    assert db(bot).execute("SELECT COUNT(*) FROM quiz_solo").fetchone()[0] == 0


async def test_next_round_does_not_repeat_the_last_one(bot):
    rounds = []
    for _r in range(3):
        await bot.say(EN, "/quiz")
        for _i in range(5):
            await answer(bot, EN)
        rounds.append(
            set(db(bot).execute("SELECT question_ids FROM quiz_recent").fetchone()[0].split(","))
        )
    assert not rounds[0] & rounds[1] and not rounds[1] & rounds[2]


async def test_answering_an_old_round_does_nothing(bot):
    await bot.say(EN, "/quiz")
    old = bot.fake.last_poll(EN)
    await bot.say(EN, "/quiz 3")  # a new round replaces the unfinished one
    before = len(bot.fake.sent())
    await answer(bot, EN, poll=old)
    assert len(bot.fake.sent()) == before


async def test_unknown_poll_answer_is_ignored(bot):
    before = len(bot.fake.sent())
    await bot.process(
        bot.fake.push_raw(
            {
                "poll_answer": {
                    "poll_id": "999",
                    "user": {"id": EN, "is_bot": False, "first_name": "X"},
                    "option_ids": [0],
                    "option_persistent_ids": ["0"],
                }
            }
        )
    )
    assert len(bot.fake.sent()) == before


async def test_forget_deletes_quiz_rounds(bot):
    await bot.say(EN, "/quiz")
    await answer(bot, EN)
    await bot.say(EN, "/forget")
    for table in ("quiz_recent", "quiz_solo", "quiz_polls"):
        assert db(bot).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


async def test_quiz_in_a_group_points_to_a_private_chat(bot):
    await bot.say(EN, "/quiz", chat_id=GROUP, chat_type="supergroup", title="G")
    rows = bot.fake.buttons(GROUP)
    assert rows[0][0]["url"].endswith("?start=quiz")
    assert not bot.fake.sent(GROUP, "sendPoll")
    await bot.say(EN, "/start quiz")
    assert bot.fake.last_poll(EN) is not None


# --- events --------------------------------------------------------------------------------
async def new_event(bot: Harness, args: str = "3 Vientiane job fair", group: bool = True) -> str:
    kw = {"chat_id": GROUP, "chat_type": "supergroup", "title": "Fair"} if group else {}
    await bot.say(ADMIN_ID, f"/event new {args}", **kw)
    photo = bot.fake.sent(GROUP if group else ADMIN_ID, "sendPhoto")[-1]
    link = re.search(r"https://t\.me/(\w+)\?start=ev_(\w+)", photo.params["caption"])
    assert link and link.group(1) == bot.fake.bot_user["username"]
    return link.group(2)


async def test_event_with_participants_leaderboard_ties_end_and_export(bot):
    clock = bot.services.clock
    code = await new_event(bot)
    photo = bot.fake.messages_to(GROUP)[-2]  # the QR code, then the facilitator's how-to
    assert bot.fake._files[photo["photo"][-1]["file_id"]]["content"].startswith(b"\x89PNG")
    # four people join by the deep link; two choose names
    a, b, c, d, e = 401, 402, 403, 404, 405
    for u in (a, b, c, d, e):
        text = await bot.say(u, f"/start ev_{code}")
        assert "You joined “Vientiane job fair”" in text
    await choose_name(bot, a, "Noy")
    await bot.click(b, "✏️ Set my leaderboard name")
    assert "Show “Boss” on the leaderboard?" in await bot.say(b, "Boss")
    assert "Participant 2" in await bot.click(b, "❌ Stay anonymous")
    await choose_name(bot, c, "  Kham  ")
    # the status shows who joined
    assert "Participants: 5" in await bot.say(ADMIN_ID, "/event")

    # question 1: A right (2 s), B right (5 s), C right (5 s), D wrong (3 s), E never answers
    await bot.say(ADMIN_ID, "/event next")
    for u in (a, b, c, d, e):
        assert len(polls_to(bot, u)) == 1
    clock.now += 2
    await answer(bot, a)
    clock.now += 3
    await answer(bot, b)
    await answer(bot, c)
    # the facilitator's live count is edited as answers come in, at most every 2 s:
    # C answered in the same second as B, so their count waits for the status job
    status = bot.fake.last_message(ADMIN_ID)
    assert status["text"] == "Question 1 of 3 sent to 5. Answers: 2." and "edit_date" in status
    job = bot.app.job_queue.get_jobs_by_name("quiz-status:1")
    await job[0].run(bot.app)
    assert bot.fake.last_message(ADMIN_ID)["text"] == "Question 1 of 3 sent to 5. Answers: 3."
    clock.now += 1
    await answer(bot, d, right=False)  # at 6 s
    assert "Question 1 of 3: 4 of 5 answered" in await bot.say(ADMIN_ID, "/event")
    # questions 2 and 3
    for _q in range(2):
        clock.now += 10
        await bot.say(ADMIN_ID, "/event next")
        clock.now += 1
        await answer(bot, a)  # A: 3 right
        clock.now += 2
        await answer(bot, b, right=_q == 0)  # B: 2 right
        await answer(bot, c, right=_q == 0)  # C: 2 right, same time as B
        clock.now += 5
        await answer(bot, d)  # D: 2 right, slower
    text = await bot.say(ADMIN_ID, "/event next")
    assert "last question" in text
    board = await bot.say(ADMIN_ID, "/event board")
    lines = [ln for ln in board.splitlines() if re.match(r"^\d+\. ", ln)]
    assert lines[0].startswith("1. Noy: 3 of 3")
    # B and C: same score, same time -> same rank; D has the same score but is slower
    assert {lines[1][:3], lines[2][:3]} == {"2. "}
    assert {"Participant 2", "Kham"} == {lines[1].split(":")[0][3:], lines[2].split(":")[0][3:]}
    assert lines[3].startswith("4. Participant 4: 2 of 3")
    assert len(lines) == 4  # E answered nothing: not on the board
    assert "4 took part (5 joined)" in board
    # the event was started in a group: the group sees the board too
    assert "Leaderboard" in bot.fake.last_text(GROUP)

    await bot.say(ADMIN_ID, "/event end")
    assert "You got 3 of 3 right. Your place: 1 of 5." in bot.fake.last_text(a)
    assert "Your place: 2 of 5" in bot.fake.last_text(b)
    assert "You got 0 of 3 right" in bot.fake.last_text(e)
    assert any(d.startswith("f:") for d in bot.button_data(e))  # read about what was missed
    # answers after the end do not count
    before = len(bot.fake.sent())
    await answer(bot, e)
    assert len(bot.fake.sent()) == before

    await bot.say(ADMIN_ID, "/event export")
    docs = bot.fake.sent(ADMIN_ID, "sendDocument")
    assert len(docs) == 2
    files = {
        bot.fake._files[d_id]["file_name"]: bot.fake._files[d_id]["content"]
        for d_id in [m["document"]["file_id"] for m in bot.fake.messages_to(ADMIN_ID)
                     if "document" in m]
    }  # fmt: skip
    results = files[f"quiz-{code}-results.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(results)))
    assert rows[0][:5] == ["rank", "name", "answered", "score", "time (s)"]
    assert rows[1][:5] == ["1", "Noy", "3", "3", rows[1][4]]
    assert rows[1][5:] == ["1", "1", "1"]
    names = [r[1] for r in rows[1:]]
    assert set(names) == {"Noy", "Participant 2", "Kham", "Participant 4", "Participant 5"}
    assert not any(str(u) in results for u in (a, b, c, d, e))  # no Telegram ids
    per_q = list(csv.reader(io.StringIO(files[f"quiz-{code}-questions.csv"].decode("utf-8-sig"))))
    assert per_q[1][0] == "Q1" and per_q[1][3:6] == ["5", "4", "3"]  # asked, answered, right


async def test_join_by_code_names_and_questions_go_to_the_faq(bot):
    code = await new_event(bot, "2 Savannakhet", group=False)
    assert "don't know the event code" in await bot.say(EN, "/join ZZZZZZ")
    assert "You joined “Savannakhet”" in await bot.say(EN, f"/join {code.lower()}")
    assert "already in" in await bot.say(EN, f"/join {code}")
    # a question is not taken as a name
    text = await bot.say(EN, "How much does it cost to go to Korea?")
    assert "On the leaderboard" not in text
    await choose_name(bot, EN, "Somchai")


async def test_text_after_joining_is_a_question_and_a_name_needs_a_tap_and_a_yes(bot):
    """Issue 13: "how much korea visa cost" typed after joining became the public name."""
    code = await new_event(bot, "2 Pakse", group=False)
    await bot.say(EN, f"/start ev_{code}")
    offered = bot.button_labels(EN)
    text = await bot.say(EN, "how much korea visa cost")
    assert "leaderboard" not in text  # an answer from the FAQ, not a name
    name = db(bot).execute("SELECT name FROM quiz_participants WHERE user_id = ?", (EN,))
    assert name.fetchone()[0] is None
    assert db(bot).execute("SELECT COUNT(*) FROM asked").fetchone()[0] == 1
    assert offered == ["✏️ Set my leaderboard name"]
    # /name, a name, then ❌: nothing stored; ✏️ and ✅: stored
    assert "Type the name" in await bot.say(EN, "/name")
    assert "Show “Somchai 020 5555 1234” on the leaderboard?" in await bot.say(
        EN, "Somchai 020 5555 1234"
    )
    assert bot.button_labels(EN) == ["✅ Yes", "✏️ Change", "❌ Stay anonymous"]
    assert all(len(d.encode()) <= 64 for d in bot.button_data(EN))
    assert "Participant 1" in await bot.click(EN, "❌ Stay anonymous")
    await bot.say(EN, "/name Noy")
    assert "On the leaderboard you are: Noy" in await bot.click(EN, "✅ Yes")
    rows = db(bot).execute("SELECT name FROM quiz_participants").fetchall()
    assert [r[0] for r in rows] == ["Noy"]


async def test_only_facilitators_run_events(bot, fake_api, loaded, tmp_path):
    assert "Only facilitators" in await bot.say(EN, "/event new Test")
    # BOT_FACILITATOR_IDS (Runtime.facilitator_ids) may run events too
    services = Runtime(
        loaded, Store(connect(tmp_path / "f.sqlite3")), frozenset({ADMIN_ID}), frozenset({EN})
    )
    settings = Settings(token=fake_api.token, admin_ids=frozenset({ADMIN_ID}))
    app = build_application(settings, services, request=FakeRequest(fake_api), rate_limit=False)
    await app.initialize()
    other = Harness(fake_api, app, services)
    try:
        assert "is ready" in await other.say(EN, "/event new Luang Prabang")
    finally:
        await app.shutdown()


async def test_late_joiner_gets_the_open_question(bot):
    code = await new_event(bot, "2 Pakse")
    await bot.say(401, f"/start ev_{code}")
    await bot.say(ADMIN_ID, "/event next")
    await bot.say(402, f"/start ev_{code}")
    assert len(polls_to(bot, 402)) == 1


async def test_answers_to_a_closed_question_do_not_count(bot):
    code = await new_event(bot, "2 Pakse")
    await bot.say(401, f"/start ev_{code}")
    await bot.say(ADMIN_ID, "/event next")
    first = bot.fake.last_poll(401)
    await bot.say(ADMIN_ID, "/event next")  # closes question 1
    await answer(bot, 401, poll=first)
    assert db(bot).execute("SELECT COUNT(chosen) FROM quiz_polls").fetchone()[0] == 0


async def test_blocked_participant_does_not_stop_the_event(bot):
    code = await new_event(bot, "2 Thakhek")
    for u in (401, 402, 403):
        await bot.say(u, f"/start ev_{code}")
    bot.fake.block_chat(402)
    await bot.say(ADMIN_ID, "/event next")
    assert polls_to(bot, 401) and polls_to(bot, 403) and not polls_to(bot, 402)
    assert "sent to 2" in bot.fake.last_text(ADMIN_ID)
    await answer(bot, 401)
    await bot.say(ADMIN_ID, "/event next")
    assert len(polls_to(bot, 403)) == 2
    await bot.say(ADMIN_ID, "/event end")
    assert "Your place" in bot.fake.last_text(401) and "Your place" in bot.fake.last_text(403)
    assert "has ended" in bot.fake.last_text(ADMIN_ID)


async def test_a_restarted_bot_carries_on_with_the_event(fake_api, loaded, tmp_path):
    path = tmp_path / "bot.sqlite3"
    first = await make_harness(fake_api, loaded, path, Clock(), random.Random(7))
    code = await new_event(first, "3 Restart day")
    for u in (401, 402):
        await first.say(u, f"/start ev_{code}")
    await choose_name(first, 401, "Noy")
    await first.say(ADMIN_ID, "/event next")
    await answer(first, 401)
    await first.app.shutdown()

    # same database, new process state
    second = await make_harness(fake_api, loaded, path, Clock(), random.Random(8))
    try:
        await answer(second, 402)  # a poll sent before the restart maps back to the event
        assert "2 of 2 answered" in await second.say(ADMIN_ID, "/event")
        await second.say(ADMIN_ID, "/event next")
        assert len(polls_to(second, 401)) == 2
        await answer(second, 401)
        board = await second.say(ADMIN_ID, "/event board")
        assert "1. Noy: 2 of 3" in board
    finally:
        await second.app.shutdown()


async def test_self_paced_event_moves_on_after_answers_and_timeouts(bot):
    clock = bot.services.clock
    code = await new_event(bot, "3 Booth", group=False)
    assert "Self-paced" in await bot.say(ADMIN_ID, "/event mode self 20")
    for u in (401, 402):
        await bot.say(u, f"/start ev_{code}")
    await bot.say(ADMIN_ID, "/event next")
    poll = bot.fake.last_poll(401)
    assert poll["open_period"] == 20
    # answering brings the next question at once
    await answer(bot, 401)
    assert len(polls_to(bot, 401)) == 2
    # 402 lets the time run out: the timer job moves them on
    jobs = bot.app.job_queue.get_jobs_by_name(f"quiz-timer:1:{402}")
    assert len(jobs) == 1
    await jobs[0].run(bot.app)
    assert len(polls_to(bot, 402)) == 2
    for _i in range(2):
        clock.now += 3  # the facilitator's count is edited at most every 2 s
        await answer(bot, 401)
    assert "You finished: 3 of 3" in bot.fake.last_text(401)
    assert "3 answers so far; 1 of 2 finished" in bot.fake.last_message(ADMIN_ID)["text"]
    assert "running" in await bot.say(ADMIN_ID, "/event next")
    await bot.say(ADMIN_ID, "/event end")
    assert "Your place: 1 of 2" in bot.fake.last_text(401)


async def test_self_paced_timers_are_restored_after_a_restart(fake_api, loaded, tmp_path):
    path = tmp_path / "bot.sqlite3"
    first = await make_harness(fake_api, loaded, path, Clock(), random.Random(7))
    code = await new_event(first, "2 Booth", group=False)
    await first.say(ADMIN_ID, "/event mode self 30")
    await first.say(401, f"/start ev_{code}")
    await first.say(ADMIN_ID, "/event next")
    await first.app.shutdown()

    second = await make_harness(fake_api, loaded, path, Clock(), random.Random(7))
    try:
        resume = second.app.job_queue.get_jobs_by_name("quiz-resume")
        await resume[0].run(second.app)
        timers = second.app.job_queue.get_jobs_by_name("quiz-timer:1:401")
        assert len(timers) == 1
        await timers[0].run(second.app)
        assert len(polls_to(second, 401)) == 2
    finally:
        await second.app.shutdown()


@pytest.mark.parametrize("verb", ["next", "board", "end", "export", "mode live", ""])
async def test_event_verbs_without_an_event_explain_how_to_start(bot, verb):
    assert "/event new" in await bot.say(ADMIN_ID, f"/event {verb}".strip())


async def test_forget_removes_a_participant_and_their_answers(bot):
    code = await new_event(bot, "2 Forget")
    await bot.say(401, f"/start ev_{code}")
    await bot.say(401, "Noy")
    await bot.say(ADMIN_ID, "/event next")
    await answer(bot, 401)
    await bot.say(401, "/forget")
    assert db(bot).execute("SELECT COUNT(*) FROM quiz_participants").fetchone()[0] == 0
    assert db(bot).execute("SELECT COUNT(*) FROM quiz_polls").fetchone()[0] == 0
    assert "No answers yet" in await bot.say(ADMIN_ID, "/event board")


async def test_quiz_messages_survive_a_network_error(bot, monkeypatch):
    """A 502 on the quiz's own sends is retried like every other send (soak finding)."""
    import bot.channels.telegram.resilience as r

    monkeypatch.setattr(r, "BACKOFF_S", 0.01)
    bot.fake.fail_next("sendMessage", status=502)
    bot.fake.fail_next("sendPoll", status=502)
    await bot.say(501, "/quiz")
    assert bot.fake.sent(501, method="sendMessage")  # the intro arrived
    assert bot.fake.last_poll(501) is not None  # and the first question
