"""The button codec (bot/core/callbacks.py): every kind keeps its wire format, fits the
channels' limits with its longest arguments, and data the bot did not make is None."""

from __future__ import annotations

import random

import pytest

from bot.core import callbacks as cb
from bot.core.callbacks import decode, encode
from bot.core.schema import MAX_ID_CHARS
from bot.core.untrusted import SQLITE_MAX

BIGGEST = 10**18 - 1  # the largest number parse_int reads (event ids, preview numbers)

# (value, the wire data buttons in people's chats already carry): this table is the promise
# that old buttons keep working; change a line only with a plan for the old buttons
WIRE_CASES = [
    (cb.Menu(), "m"),
    (cb.Category("korea"), "c:korea"),
    (cb.Answer("kr-eps"), "f:kr-eps"),
    (cb.FullAnswer("kr-eps"), "fa:kr-eps"),
    (cb.Sources("kr-eps"), "fs:kr-eps"),
    (cb.Feedback("kr-eps", True), "fb:kr-eps:1"),
    (cb.Feedback("kr-eps", False), "fb:kr-eps:0"),
    (cb.SetLanguage("lo"), "l:lo"),
    (cb.ChooseLanguage(), "lang"),
    (cb.Hotlines(), "h"),
    (cb.Centres(), "ctr"),
    (cb.InProvince("savannakhet"), "p:savannakhet"),
    (cb.PlaceOnMap("la-tourist-police-vientiane"), "v:la-tourist-police-vientiane"),
    (cb.HelpAbroad("KR"), "ha:KR"),
    (cb.Quiz(), "q"),
    (cb.AskName(12), "qn:12"),
    (cb.ConfirmName(12), "qy:12"),
    (cb.StayAnonymous(12), "qa:12"),
    (cb.QuizOption("l1a2b3c4", 2), "qo:l1a2b3c4:2"),
    (cb.Talk(), "talk"),
    (cb.TalkConsent("XX"), "talk:ok:XX"),
    (cb.TalkDecline(), "talk:no"),
    (cb.TalkStop(), "talk:stop"),
    (cb.AdminEntry("kr-eps"), "ad:e:kr-eps"),
    (cb.AdminAddQuestion("rom", "kr-eps"), "ad:q:rom:kr-eps"),
    (cb.AdminNewAnswer("en", "kr-eps"), "ad:a:en:kr-eps"),
    (cb.AdminReviewed("kr-eps"), "ad:r:kr-eps"),
    (cb.AdminSave(3), "ad:ok:3"),
    (cb.AdminCancel(), "ad:no"),
    (cb.AdminMissedAdd("0a1b2c3d4e", "kr-eps"), "ad:ma:0a1b2c3d4e:kr-eps"),
    (cb.AdminMissedAsIs("0a1b2c3d4e", "kr-eps"), "ad:mu:0a1b2c3d4e:kr-eps"),
    (cb.AdminMissedNew("0a1b2c3d4e"), "ad:mn:0a1b2c3d4e"),
    (cb.Forget(), "forget"),
    (cb.Page(2, cb.Category("korea")), "pg:2:c:korea"),
]


@pytest.mark.parametrize(("value", "wire"), WIRE_CASES, ids=[w for _v, w in WIRE_CASES])
def test_each_kind_keeps_its_wire_format_both_ways(value, wire):
    assert encode(value) == wire
    assert decode(wire) == value


def test_the_table_covers_every_kind():
    assert {type(v) for v, _w in WIRE_CASES} == set(cb.WIRE)


# --- limits: Telegram 64 bytes of callback data, LINE 300 characters of postback data ------
LONGEST_ID = "x" * MAX_ID_CHARS  # the content schema refuses longer ids
GROUP = "f" * 10  # /missed groups: 10 hex digits (bot/core/admin MissedGroup.id)
POLL = "l" + "f" * 12 + "9" * 7  # a LINE poll id: l<hex time><sequence>


def _worst(longest_id: str) -> list[cb.Callback]:
    """Every kind with its longest arguments."""
    return [
        cb.Menu(),
        cb.Category(longest_id),
        cb.Answer(longest_id),
        cb.FullAnswer(longest_id),
        cb.Sources(longest_id),
        cb.Feedback(longest_id, False),
        cb.SetLanguage("lo"),
        cb.ChooseLanguage(),
        cb.Hotlines(),
        cb.Centres(),
        cb.InProvince(longest_id),
        cb.PlaceOnMap(longest_id),
        cb.HelpAbroad("JP"),
        cb.Quiz(),
        cb.AskName(BIGGEST),
        cb.ConfirmName(BIGGEST),
        cb.StayAnonymous(BIGGEST),
        cb.QuizOption(POLL, cb.MAX_OPTION),
        cb.Talk(),
        cb.TalkConsent("XX"),
        cb.TalkDecline(),
        cb.TalkStop(),
        cb.AdminEntry(longest_id),
        cb.AdminAddQuestion("rom", longest_id),
        cb.AdminNewAnswer("en", longest_id),
        cb.AdminReviewed(longest_id),
        cb.AdminSave(BIGGEST),
        cb.AdminCancel(),
        cb.AdminMissedAdd(GROUP, longest_id),
        cb.AdminMissedAsIs(GROUP, longest_id),
        cb.AdminMissedNew(GROUP),
        cb.Forget(),
    ]


LINE_ONLY = (cb.Page, cb.QuizOption)  # Telegram pages nothing and has real quiz polls


def _sizes(longest_id: str) -> dict[str, int]:
    worst = _worst(longest_id)
    worst += [cb.Page(cb.MAX_PAGE, b) for b in worst]  # LINE's "More topics" wraps any button
    assert {type(b) for b in worst} == set(cb.WIRE)  # a new kind needs its worst case here
    return {encode(b): len(encode(b).encode("utf-8")) for b in worst}


def test_every_kind_with_its_longest_arguments_fits_telegram_and_line():
    sizes = _sizes(LONGEST_ID)
    telegram = {w: n for w, n in sizes.items() if not isinstance(decode(w), LINE_ONLY)}
    assert max(telegram.values()) <= cb.TELEGRAM_MAX_BYTES, max(telegram, key=telegram.get)
    assert max(sizes.values()) <= cb.LINE_MAX_CHARS
    assert all(decode(w) is not None for w in sizes)  # and each comes back


def test_the_longest_ids_in_content_fit_too(content):
    from bot.core.centres import load_directory

    directory = load_directory()
    ids = [e.id for e in content.entries] + [e.category for e in content.entries]
    ids += [p.id for p in directory.places] + [p.id for p in directory.provinces]
    longest = max(ids, key=len)
    assert len(longest) <= MAX_ID_CHARS
    sizes = _sizes(longest)
    assert all(decode(w) is not None for w in sizes)


# --- what the bot did not make ---------------------------------------------------------------
GARBAGE = [
    None,
    42,
    b"m",
    "",
    "m\n",
    "f:kr-eps\n",
    "\nm",
    " m",
    "m ",
    "f:",
    "fa",
    "f:kr eps",
    "f:kr:eps",
    "f:" + "a" * (MAX_ID_CHARS + 1),
    "fb:kr-eps",
    "fb:kr-eps:2",
    "fb:kr-eps:1:1",
    "l:fr",
    "ha:XX",
    "ha:kr",
    "talk:ok:",
    "talk:ok:TH ",
    "talk:maybe",
    "qa:0",
    "qa:-1",
    "qa:+1",
    "qa: 1",
    "qa:1.5",
    "qa:٣",
    "qa:²",
    "qa:" + "9" * 19,
    "qa:99999999999999999999999999999999999999",
    "qa:" + str(SQLITE_MAX + 1),
    "qn:",
    "qn:0",
    "qy:x",
    "qy:0",
    "qn:²",
    "qz:1",
    "ad:ok:",
    "ad:ok:0",
    "ad:zz:1",
    "ad:q:fr:kr-eps",
    "ad:a:th:kr-eps",  # answers are Lao and English only
    "ad:ma:NOTHEX:kr-eps",
    "ad:mu:0a1b2c3d4e",
    "ad:mu:0a1b2c3d4e:kr eps",
    "qo:l1:100",
    "qo::1",
    "pg:1:",
    "pg:x:m",
    "pg:1000:m",
    "pg:1:pg:1:m",  # a page of a page
    "pg:1:zz",
    "zz",
    "zz:1",
    "ad",
    "talk:",
    "M",
    "\x00",
    "\ud800",
    "m" * 301,
    "p:" + "a" * 400,
]


@pytest.mark.parametrize("data", GARBAGE, ids=[repr(g)[:30] for g in GARBAGE])
def test_data_the_bot_did_not_make_is_none(data):
    assert decode(data) is None


@pytest.mark.parametrize(("value", "wire"), WIRE_CASES, ids=[w for _v, w in WIRE_CASES])
def test_truncated_or_extended_data_is_none_or_exactly_another_button(value, wire):
    """A cut (or a trailing newline, space, NUL) never decodes to something else silently:
    whatever decodes re-encodes to exactly the data that came in."""
    for data in [wire[:i] for i in range(len(wire))] + [wire + c for c in "\n\r \x00:9"]:
        got = decode(data)
        assert got is None or encode(got) == data, data


def test_random_data_never_raises_and_never_decodes_loosely():
    rng = random.Random(11)
    alphabet = "mfacbqlhtpvkgrondsz:0123456789-_.\n ٣²ລ\ud800"
    prefixes = [w.split(":")[0] + ":" for _v, w in WIRE_CASES] + [""]
    for _ in range(5000):
        tail = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        data = rng.choice(prefixes) + tail
        got = decode(data)
        assert got is None or encode(got) == data, data
