"""Soak run: the bot under the HTTP fake for N minutes of mixed traffic with faults.

    python -m benchmarks.soak [--minutes 10] [--rate 15]

The fake Telegram runs in a child process; the bot (the real Application,
polling over HTTP on 127.0.0.1) runs here. Traffic: questions in Lao and
English, buttons, deep links, locations, inline queries, stickers, edits,
unknown callbacks, solo quizzes played to the end; faults: 429 with retry_after, 502 network errors, users who
blocked the bot (403). At the end it checks that every update got exactly the
replies it should (none lost, none answered twice), that no handler raised,
and prints RSS at start and end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.remote_fake import RemoteFake  # noqa: E402
from bot.app.runtime import Runtime  # noqa: E402
from bot.channels.telegram.app import ALLOWED_UPDATES, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from tools.fakeapi import FakeBotAPI  # noqa: E402

QUESTIONS = [
    "How much does it cost to go to Korea?",
    "ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ ເຮັດແນວໃດ",
    "what documents for MOU Thailand",
    "ໄປເຮັດວຽກຍີ່ປຸ່ນ ເສຍເງິນເທົ່າໃດ",
    "job on facebook 2000 dollars is it real",
    "pai het viak kaoli sia ngeun thao dai",
    "what's the weather",
    "Lao embassy in Seoul phone",
    "ไปทำงานเกาหลีต้องทำอย่างไร",
    "x" * 5000,
    "\u200b\u200b",
]
BLOCKED = {9001, 9002}  # these users blocked the bot: every send to them is a 403


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _push(fake: FakeBotAPI, batch: list) -> None:
    for kind, user, payload in batch:
        if kind == "text":
            fake.push_message(user, payload, language_code=random.choice(["en", "lo", None]))
        elif kind == "callback":
            fake.push_callback(user, payload, check_buttons=False)
        elif kind == "location":
            fake.push_location(user, *payload)
        elif kind == "sticker":
            fake.push_sticker(user)
        elif kind == "edit":
            fake.push_message(user, "hello")  # the edit below needs a message
            fake.push_edited_message(user, payload)
        elif kind == "inline":
            fake.push_inline_query(user, payload)


def _fault(fake: FakeBotAPI, arg: tuple[str, int]) -> None:
    method, status = arg
    fake.fail_next(method, status=status, retry_after=1 if status == 429 else None)


def _counts(fake: FakeBotAPI, _arg: object) -> tuple:
    per_chat = Counter(
        str(c.params.get("chat_id")) for c in fake.calls if c.method == "sendMessage"
    )
    inline = sum(1 for c in fake.calls if c.method == "answerInlineQuery")
    return dict(per_chat), inline, len(fake.pending_updates), [str(v) for v in fake.violations]


QUIZ_USERS = range(3000, 3020)  # each plays solo quizzes of 5 questions, one after another
QUIZ_LEN = 5
_quiz: dict[int, dict[str, int]] = {}  # child-side state per quiz player


def _quiz_step(fake: FakeBotAPI, users: list[int]) -> None:
    """Each player starts a round (/quiz: intro message + poll) or answers the poll they
    got (-> the next poll, or after the last one the score message), strictly in turn:
    nothing is pushed before the bot's previous reply has arrived."""
    for user in users:
        st = _quiz.setdefault(user, {"answers": 0, "polls": 0, "msgs": 0, "active": 0})
        polls = len(fake.sent(user, method="sendPoll"))
        msgs = len(fake.sent(user, method="sendMessage"))
        if polls < st["polls"] or msgs < st["msgs"]:
            continue  # still waiting for the bot
        if not st["active"]:
            fake.push_message(user, "/quiz", language_code="en")
            st.update(active=1, answers=0, polls=st["polls"] + 1, msgs=st["msgs"] + 1)
            continue
        poll = fake.last_poll(user)
        fake.push_poll_answer(user, poll["id"], [poll["correct_option_ids"][0]])
        st["answers"] += 1
        if st["answers"] == QUIZ_LEN:
            st.update(active=0, msgs=st["msgs"] + 1)
        else:
            st["polls"] += 1


def _quiz_expected(fake: FakeBotAPI, _arg: object) -> tuple[dict, dict, int]:
    """Expected sendMessage per quiz player, (expected, actual) polls, rounds finished."""
    msgs = {str(u): st["msgs"] for u, st in _quiz.items()}
    polls = {str(u): (st["polls"], len(fake.sent(u, method="sendPoll"))) for u, st in _quiz.items()}
    rounds = sum(len(fake.sent(u, method="sendPoll")) // QUIZ_LEN for u in _quiz)
    return msgs, polls, rounds


def _block(fake: FakeBotAPI) -> None:
    for uid in BLOCKED:
        fake.block_chat(uid)


class ErrorCounter(logging.Handler):
    """Unhandled exceptions (the application's error handler) and every warning, by logger."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: Counter[str] = Counter()

    def emit(self, record):
        self.warnings[f"{record.name} {record.levelname}"] += 1
        if record.name == "bot.errors":
            self.errors.append(record.getMessage())


async def main(minutes: float, rate: float) -> int:
    rng = random.Random(7)
    remote = RemoteFake(
        {
            "push": _push,
            "fault": _fault,
            "counts": _counts,
            "quiz": _quiz_step,
            "quiz_expected": _quiz_expected,
        },
        setup=_block,
    )
    url, token = remote.url, remote.token
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    expected: Counter[str] = Counter()
    inline_expected = 0
    with tempfile.TemporaryDirectory() as tmp:
        services = Runtime.open(ROOT / "content", Path(tmp) / "soak.sqlite3")
        app = build_application(Settings(token=token, api_url=url), services)
        # the soak is many users at once, not one flooding
        app.bot_data["flood"].messages.limit = 10_000
        await app.initialize()
        await app.start()
        await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0)
        rss_start = _rss_mib()
        t_end = time.monotonic() + minutes * 60
        sent_updates = 0
        tick = 0
        while time.monotonic() < t_end:
            batch = []
            for _ in range(int(rate)):
                user = rng.choice([*range(1000, 1200), *BLOCKED])
                kind = rng.choices(
                    [
                        "text",
                        "callback",
                        "location",
                        "sticker",
                        "edit",
                        "inline",
                        "start",
                        "bad_cb",
                    ],
                    [50, 15, 5, 5, 5, 10, 5, 5],
                )[0]
                replies = 0
                if kind == "text":
                    batch.append(("text", user, rng.choice(QUESTIONS)))
                    replies = 1
                elif kind == "callback":
                    batch.append(
                        (
                            "callback",
                            user,
                            rng.choice(["f:th-costs", "f:kr-eps", "m", "c:japan", "h"]),
                        )
                    )
                    replies = 1
                elif kind == "location":
                    batch.append(("location", user, rng.choice([(15.12, 105.80), (17.41, 104.83)])))
                    replies = 2
                elif kind == "sticker":
                    batch.append(("sticker", user, None))
                    replies = 1
                elif kind == "edit":
                    batch.append(("edit", user, "edited question"))
                    replies = 1  # for the "hello" message; the edit itself gets nothing
                elif kind == "inline":
                    batch.append(("inline", user, rng.choice(QUESTIONS[:8])))
                    inline_expected += 1
                elif kind == "start":
                    batch.append(("text", user, "/start"))
                    replies = 2
                else:
                    batch.append(("callback", user, "zz:unknown"))
                    replies = 2
                if user not in BLOCKED:
                    expected[str(user)] += replies
            remote("push", batch)
            remote("quiz", list(QUIZ_USERS))
            sent_updates += len(batch)
            tick += 1
            if tick % 7 == 0:
                remote("fault", ("sendMessage", 429))
            if tick % 11 == 0:
                remote("fault", ("sendMessage", 502))
            await asyncio.sleep(1.0)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            quiz_msgs, quiz_polls, rounds = remote("quiz_expected")
            want = dict(expected) | {k: v for k, v in quiz_msgs.items() if v}
            per_chat, inline, pending, violations = remote("counts")
            got = {k: v for k, v in per_chat.items() if int(k) not in BLOCKED}
            polls_ok = all(e == a for e, a in quiz_polls.values())
            if got == want and polls_ok and inline >= inline_expected and pending == 0:
                break
            await asyncio.sleep(0.5)
        expected = Counter(want)
        rss_end = _rss_mib()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    remote.close()
    lost = {k: expected[k] - got.get(k, 0) for k in expected if got.get(k, 0) < expected[k]}
    twice = {k: got[k] - expected.get(k, 0) for k in got if got[k] > expected.get(k, 0)}
    print(
        f"minutes: {minutes}, updates pushed: {sent_updates}, replies expected: {sum(expected.values())}"
    )
    print(
        f"replies missing: {sum(lost.values())} in {len(lost)} chats; extra replies: {sum(twice.values())}"
    )
    print(f"inline answers: {inline}/{inline_expected}; sends to blocked users: "
          f"{sum(v for k, v in per_chat.items() if int(k) in BLOCKED)}")  # fmt: skip
    bad_polls = {u: ea for u, ea in quiz_polls.items() if ea[0] != ea[1]}
    print(
        f"quiz rounds played: {rounds}; quiz players with missing or extra polls: {len(bad_polls)}"
    )
    print(f"warnings and handled errors by logger: {dict(errors.warnings) or 'none'}")
    print(f"unhandled exceptions: {len(errors.errors)}; Bot API violations: {len(violations)}")
    print(f"RSS start {rss_start:.1f} MiB, end {rss_end:.1f} MiB")
    ok = not lost and not twice and not bad_polls and not errors.errors and not violations
    return 0 if ok else 1


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--rate", type=float, default=15, help="updates per second")
    a = p.parse_args()
    sys.exit(asyncio.run(main(a.minutes, a.rate)))
