"""The case rules of “talk to a person”: hours, urgent words, what each side is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import handoff as core
from bot.core.callbacks import encode
from bot.core.centres import load_directory
from bot.core.handoff import Case, is_urgent, parse_hours

VIENTIANE = 7  # UTC+7, no daylight saving


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local Vientiane time in the week of Mon 30 Nov 2026 (day 0 = Monday)."""
    monday = datetime(2026, 11, 30, tzinfo=UTC) - timedelta(hours=VIENTIANE)
    return monday + timedelta(days=day, hours=hour, minutes=minute)


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.mark.parametrize(
    ("when", "open_"),
    [
        (at(0, 8), True),  # Monday 08:00 opens
        (at(0, 16, 59), True),
        (at(0, 17), False),  # closes at 17:00
        (at(0, 7, 59), False),
        (at(4, 12), True),  # Friday
        (at(5, 12), False),  # Saturday
        (at(6, 12), False),  # Sunday
    ],
)
def test_office_hours_in_vientiane_time(when, open_):
    assert parse_hours("Mon-Fri 08:00-17:00").is_open(when) is open_


def test_next_open_after_friday_evening_is_monday_morning():
    hours = parse_hours("Mon-Fri 08:00-17:00")
    nxt = hours.next_open(at(4, 18))
    assert (nxt.strftime("%a %H:%M"), nxt.day) == ("Mon 08:00", 7)  # 7 December


def test_hours_described_in_the_users_language():
    hours = parse_hours("Mon-Fri 08:00-17:00, Sat 08:00-12:00")
    assert core.describe_hours(hours, "en") == "Monday–Friday 08:00–17:00; Saturday 08:00–12:00"
    assert core.describe_hours(hours, "lo").startswith("ວັນຈັນ–ວັນສຸກ 08:00–17:00")
    assert core.describe_moment(hours.next_open(at(4, 18)), "lo") == "ວັນເສົາ 05/12 08:00"


def test_several_spans_zone_and_always():
    hours = parse_hours("Mon-Fri 08:00-17:00, Sat 08:00-12:00 Asia/Bangkok")
    assert hours.tz == "Asia/Bangkok" and hours.is_open(at(5, 9)) and not hours.is_open(at(5, 13))
    assert parse_hours("24/7").is_open(at(6, 3))
    assert parse_hours("Fri-Mon 20:00-23:00").is_open(at(6, 21))  # wraps over the weekend


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Mon-Fri 8-17", "expected e.g."),
        ("Mon-Xyz 08:00-17:00", "days are"),
        ("Mon-Fri 17:00-08:00", "before the end"),
        ("Mon-Fri 08:00-17:00 Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_hours_say_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_hours(text)


@pytest.mark.parametrize(
    "text",
    [
        "They locked me in the room",
        "my boss took my passport",
        "I cannot leave the farm",
        "I can't leave",
        "I was trafficked",
        "he beat me",
        "ຂ້ອຍຖືກຂັງຢູ່ໃນຫ້ອງ",  # I am locked in a room
        "ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ",  # the employer seized the passport
        "ຂ້ອຍອອກບໍ່ໄດ້",  # I cannot get out
        "ຂ້ອຍອອກບໍໄດ",  # the same, without tone marks
        "ຫນີບໍ່ໄດ້",  # cannot escape, old spelling
        "ຖືກຕີ",  # beaten
        "ຄ້າມະນຸດ",  # trafficking
        "ถูกขัง",  # Thai: locked up
        "นายจ้างยึดพาสปอร์ต",  # Thai: the employer seized the passport
        "ออกไม่ได้",  # Thai: cannot get out
        "khoy thuk khang",  # romanised Lao
        "thuk ti",
        "ork bor dai",
        "nyud passport",
    ],
)
def test_urgent_words_in_every_script(text):
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "How much does a passport cost?",
        "When can I leave for Korea?",
        "ຄ່າໜັງສືຜ່ານແດນເທົ່າໃດ",  # how much is a passport
        "ຂ້ອຍຢາກໄປເຮັດວຽກເກົາຫຼີ",  # I want to work in Korea
        "sabaidee",
        "",
    ],
)
def test_ordinary_questions_are_not_urgent(text):
    assert not is_urgent(text)


def case(**kw) -> Case:
    base = dict(number=7, user_chat=424242, lang="lo", country="TH", thread_id=None,
                header_id=None, urgent=False, opened_at=0.0)  # fmt: skip
    return Case(**{**base, **kw})


def test_header_names_the_case_and_language_never_the_user():
    text = core.header_text(case())
    assert "Case 7" in text and "Lao" in text and "Thailand" in text
    assert "424242" not in text
    assert core.header_text(case(urgent=True)).startswith("🚨 URGENT")
    assert core.topic_name(case(urgent=True)).startswith("🚨 URGENT")
    assert len(core.topic_name(case(number=10**9, urgent=True))) <= 128


def test_routing_topic_first_then_reply_and_closed_cases():
    open_, closed = case(number=1), case(number=2, closed_at=5.0)
    assert core.route_counsellor(open_, None) == (open_, None)
    assert core.route_counsellor(None, open_) == (open_, None)
    assert core.route_counsellor(None, closed) == (closed, "closed")
    assert core.route_counsellor(None, None) == (None, None)


def test_help_lines_only_verified_numbers_of_the_country(directory):
    korea = core.help_lines(directory, "KR", "en")
    unverified = [p.number for pl in directory.places if pl.country == "KR"
                  for p in pl.phones if not p.verified]  # fmt: skip
    assert unverified and not any(n in korea for n in unverified)
    assert korea.index("112") < korea.index("1345")  # emergency services first
    assert "1362" not in korea  # a Lao line is no use in Korea
    everywhere = core.help_lines(directory, None, "en")
    assert all(n in everywhere for n in ("1362", "191", "112", "110"))


def test_consent_in_lao_names_the_stop_command_and_offers_countries():
    turn = core.consent_turn("lo")
    assert "/stop" in turn.replies[0].text
    data = [encode(b.data) for b in turn.buttons() if b.data]
    assert data == ["talk:ok:LA", "talk:ok:TH", "talk:ok:KR", "talk:ok:JP", "talk:ok:XX", "talk:no"]
