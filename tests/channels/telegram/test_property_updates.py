"""Random updates through the real Application (issue #13, "Also"): hypothesis feeds it
text in any Unicode (lone surrogates, control characters), any callback data, locations
at any floats (inf, nan), commands for us and for other bots, edits, group messages,
inline queries and poll answers, from users and an admin. For every update:

- no handler raises (the error handler is never reached);
- the fake Bot API saw no call Telegram would refuse;
- a private text message gets one reply burst: at least one message, to that chat only;
- an edit, and a group message not meant for the bot, get nothing at all;
- a button press is answered (the spinner stops).

One Application serves all examples (a few hundred milliseconds to build; the examples
must fit in CI time), so state carries over between them like in a real chat: languages
chosen, quiz rounds, events, an admin halfway through an edit (into a copy of content/).
Derandomized: the same examples on every run.
"""

from __future__ import annotations

import asyncio
import math
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app.runtime import load_live
from tests.channels.telegram.conftest import ADMIN_ID, SPEAKING, make_harness
from tools.fakeapi import FakeBotAPI

EXAMPLES = 2000
USERS = [801, 802, 803, ADMIN_ID]
GROUP = -100555
BOT_NAME = FakeBotAPI().bot_user["username"]

COMMANDS = [
    "start",
    "menu",
    "help",
    "language",
    "hotline",
    "privacy",
    "forget",
    "quiz",
    "join",
    "event",
    "talk",
    "undo",
    "edit",
    "newentry",
    "missed",
    "changes",
    "cancel",
    "stop",
    "close",
    "location",
    "x",
    "ຊ່ວຍ",
]
WORDS = [
    "korea",
    "cost",
    "passport",
    "MOU",
    "ໄປເກົາຫຼີ",
    "ເສຍເງິນ",
    "ญี่ปุ่น",
    "visa",
    "boss",
    "@somchai_99",
    f"@{BOT_NAME}",
    "ev_",
    "faq_kr-eps",
    "quiz",
    "1362",
    "new",
    "next",
    "end",
    "export",
    "#1",
    "²",
    "9" * 30,
    "kr-eps",
]
PREFIXES = [
    "",
    "m",
    "c:",
    "f:",
    "fa:",
    "fs:",
    "fb:",
    "l:",
    "lang",
    "h",
    "ctr",
    "p:",
    "v:",
    "ha:",
    "q",
    "qa:",
    "talk",
    "talk:ok:",
    "ad:",
    "ad:e:",
    "ad:q:en:",
    "ad:ok:",
    "ad:no",
    "ad:ma:",
    "ad:mn:",
]

any_text = st.text(st.characters(), max_size=60)  # every code point, surrogates included
control = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Cs"]), max_size=8)
words = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)
message_text = (
    st.lists(st.one_of(words, any_text, control), min_size=1, max_size=3)
    .map("".join)
    .filter(lambda t: t.strip() and not t.lstrip().startswith("/"))
)
command_text = st.builds(
    lambda name, at, arg: f"/{name}{at}{arg}",
    st.sampled_from(COMMANDS),
    st.sampled_from(["", "", f"@{BOT_NAME}", "@some_other_bot"]),
    st.one_of(
        st.just(""),
        st.builds(
            lambda sep, a: sep + a, st.sampled_from([" ", "\t", "\n"]), st.one_of(words, any_text)
        ),
    ),
)
callback_data = st.builds(lambda p, r: p + r, st.sampled_from(PREFIXES), any_text).map(
    lambda d: d.encode("utf-8", "ignore")[:64].decode("utf-8", "ignore") or "m"
)
coordinate = st.floats(allow_nan=True, allow_infinity=True)

action = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(USERS), message_text),
    st.tuples(st.just("command"), st.sampled_from(USERS), command_text),
    st.tuples(
        st.just("group"),
        st.sampled_from(USERS),
        st.one_of(message_text, command_text),
        st.sampled_from(["none", "mention", "reply_bot", "reply_human"]),
    ),
    st.tuples(
        st.just("edit"),
        st.sampled_from(USERS),
        st.one_of(message_text, command_text),
        st.booleans(),
    ),
    st.tuples(st.just("button"), st.sampled_from(USERS), callback_data),
    st.tuples(st.just("location"), st.sampled_from(USERS), coordinate, coordinate),
    st.tuples(st.just("inline"), st.sampled_from(USERS), any_text),
    st.tuples(
        st.just("poll"), st.sampled_from(USERS), st.lists(st.integers(-5, 2**40), max_size=3)
    ),
)


class World:
    """The Application over a fake Bot API, on its own event loop, kept across examples."""

    def __init__(self, loaded, content_copy, db_path):
        self.loop = asyncio.new_event_loop()
        self.fake = FakeBotAPI(self_check=False)  # hostile updates are not the fake's bug
        live = load_live(content_copy, previous=loaded)
        self.bot = self.loop.run_until_complete(make_harness(self.fake, live, db_path))
        app = self.bot.app
        app.bot_data["flood"].messages.limit = app.bot_data["flood"].inline.limit = 10**9
        self.errors: list[BaseException] = []

        async def record(update, context):
            self.errors.append(context.error)

        app.add_error_handler(record)
        self.spent = 0.0
        self.seen: set[str] = set()

    def run(self, act: tuple) -> None:
        t0 = time.perf_counter()
        try:
            self.loop.run_until_complete(self._run(act))
        finally:
            self.spent += time.perf_counter() - t0

    def close(self) -> None:
        self.loop.run_until_complete(self.bot.app.shutdown())
        self.loop.close()

    def _note(self, act: tuple) -> None:
        self.seen.add(act[0])
        for part in act[2:]:
            if isinstance(part, str):
                cats = {unicodedata.category(c) for c in part}
                self.seen |= {"surrogate"} if "Cs" in cats else set()
                self.seen |= {"control character"} if "Cc" in cats else set()
                self.seen |= {"@some_other_bot"} if "@some_other_bot" in part else set()
                self.seen |= {part} if part in ("mention", "reply_bot", "reply_human") else set()
            elif isinstance(part, float) and not math.isfinite(part):
                self.seen.add("nan" if math.isnan(part) else "inf")

    async def _run(self, act: tuple) -> None:
        self._note(act)
        fake = self.fake
        before = len(fake.calls)
        update, chat, expect = self._update(act)
        if update is None:
            return
        await self.bot.app.process_update(Update.de_json(update, self.bot.app.bot))
        calls = fake.calls[before:]
        assert not self.errors, f"{act!r} reached the error handler: {self.errors!r}"
        violations = fake.take_violations()
        assert not violations, f"{act!r}: Bot API violations {violations}"
        spoken = [c for c in calls if c.method in SPEAKING]
        if expect == "burst":
            assert spoken, f"{act!r}: no reply"
            chats = {str(c.params.get("chat_id")) for c in spoken}
            assert chats == {str(chat)}, f"{act!r}: replies went to {chats}"
        elif expect == "silent":
            assert not spoken, f"{act!r}: should get nothing, got {spoken}"
        if act[0] == "button":
            query = update["callback_query"]["id"]
            assert fake.callback_answer(query) is not None, f"{act!r}: button not answered"

    def _update(self, act: tuple) -> tuple[dict | None, int, str]:
        """The update for an action, its chat, and what must come back."""
        fake, kind, user = self.fake, act[0], act[1]
        if kind == "text":
            return fake.push_message(user, act[2]), user, "burst"
        if kind == "command":
            return fake.push_message(user, act[2]), user, "burst"
        if kind == "group":
            text, how = act[2], act[3]
            kw = {"chat_id": GROUP, "chat_type": "supergroup", "title": "G"}
            if how == "mention":
                text = f"@{BOT_NAME} {text}"
            elif how in ("reply_bot", "reply_human"):
                ids = (
                    fake._bot_message_ids.get(GROUP, [])
                    if how == "reply_bot"
                    else [m for u, m in fake._user_message_ids.get(GROUP, []) if u != user]
                )
                if ids:
                    kw["reply_to_message"] = ids[-1]
                else:
                    how = "none"
            named = f"@{BOT_NAME}".casefold() in text.casefold()
            if text.startswith("/"):
                expect = "any"  # for us, or for another bot (then nothing)
            elif how in ("mention", "reply_bot"):
                expect = "burst"
            else:
                expect = "any" if named else "silent"
            return fake.push_message(user, text, **kw), GROUP, expect
        if kind == "edit":
            chat = GROUP if act[3] else user
            kw = {"chat_id": GROUP, "chat_type": "supergroup", "title": "G"} if act[3] else {}
            fake.push_message(user, "hello", **kw)
            return fake.push_edited_message(user, act[2], chat_id=chat), chat, "silent"
        if kind == "button":
            return fake.push_callback(user, act[2], check_buttons=False), user, "any"
        if kind == "location":
            lat, lon = act[2], act[3]
            location = {"latitude": lat, "longitude": lon}
            return fake.push_message(user, None, location=location), user, "burst"
        if kind == "inline":
            return fake.push_inline_query(user, act[2][:256]), user, "any"
        if kind == "poll":
            polls = sorted(fake._polls)
            poll_id = polls[-1] if polls else "5000000001"
            answer = {
                "poll_id": poll_id,
                "option_ids": act[2],
                "option_persistent_ids": [str(i) for i in act[2]],
                "user": {"id": user, "is_bot": False, "first_name": "T"},
            }
            return fake.push_raw({"poll_answer": answer}), user, "any"
        raise AssertionError(kind)


@pytest.fixture(scope="module")
def world(loaded, tmp_path_factory):
    import shutil

    from tests.conftest import CONTENT

    tmp = tmp_path_factory.mktemp("property")
    shutil.copytree(CONTENT, tmp / "content")
    w = World(loaded, tmp / "content", tmp / "bot.sqlite3")
    yield w
    w.close()
    print(f"\nproperty test: {EXAMPLES} examples, {w.spent:.1f} s in the Application")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(act=action)
def test_random_updates_never_crash_and_get_the_right_replies(world, act):
    world.run(act)


def test_the_examples_reached_the_hostile_cases(world):
    """What the examples above fed in (else the property proves little)."""
    if not world.seen:
        pytest.skip("run with the property test")
    wanted = {
        "text",
        "command",
        "group",
        "edit",
        "button",
        "location",
        "inline",
        "poll",
        "surrogate",
        "control character",
        "inf",
        "nan",
        "@some_other_bot",
        "mention",
        "reply_bot",
        "reply_human",
    }
    assert wanted <= world.seen, wanted - world.seen
