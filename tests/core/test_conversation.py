"""Conversations at the core Dialogue level (channel-neutral): what a person sees.

Each test reads like a chat: (message, what the bot must do). A helper fails when
the bot says nothing.
"""

from __future__ import annotations

import pytest

from bot.core.callbacks import Answer, Hotlines
from bot.core.context import Context
from bot.core.dialogue import Dialogue
from tests.clock import Clock


@pytest.fixture
def clock():
    return Clock(0.0)


@pytest.fixture
def chat(content, matcher, clock):
    """A fresh conversation: send(text, lang) -> (decision, entry, first reply text, events)."""
    dialogue = Dialogue(content, matcher, context=Context(clock))

    def send(text, lang, chat_id=1):
        turn = dialogue.on_text(text, lang, chat=chat_id)
        assert turn.replies and turn.replies[0].text, f"the bot said nothing to {text!r}"
        asked = [e.data for e in turn.events if e.kind == "asked"]
        decision = asked[0]["decision"] if asked else "smalltalk"
        entry = asked[0]["entry"] if asked else None
        return decision, entry, turn.replies[0].text, turn

    return send


@pytest.mark.parametrize(
    ("text", "lang", "expect"),
    [
        ("hello", "en", "Hello!"),
        ("thanks!", "en", "welcome"),
        ("who are you?", "en", "I am a bot"),
        ("are you a real person?", "en", "not a person"),
        ("ສະບາຍດີ", "lo", "ສະບາຍດີ!"),
        ("ຂອບໃຈຫຼາຍໆ", "lo", "ບໍ່ເປັນຫຍັງ"),
        ("ເຈົ້າແມ່ນຄົນບໍ່", "lo", "ບໍ່ແມ່ນຄົນ"),
        ("sabaidee", "lo", "ສະບາຍດີ!"),
        ("สวัสดีครับ", "lo", "ສະບາຍດີ!"),
    ],
)
def test_small_talk_gets_a_friendly_reply_with_the_menu_and_is_not_recorded(
    chat, text, lang, expect
):
    _decision, _entry, reply, turn = chat(text, lang)
    assert expect in reply
    assert "don't know" not in reply and "ບໍ່ຮູ້" not in reply
    assert not [e for e in turn.events if e.kind == "unanswered"]
    assert any(b.data == Hotlines() for row in turn.replies[0].buttons for b in row)  # the menu


@pytest.mark.parametrize(
    ("lang", "first", "first_id", "follow_up", "follow_id", "about"),
    [
        ("en", "How much does it cost to go to work in Korea?", "kr-costs",
         "and do I need to pass a language test?", "kr-eps-topik", "About South Korea"),
        ("en", "What documents do I need for the MOU in Thailand?", "th-documents",
         "how much does it cost?", "th-costs", "About Thailand"),
        ("en", "What is the SSW visa in Japan?", "jp-ssw",
         "how much does it cost?", "jp-costs", "About Japan"),
        ("lo", "ໄປເຮັດວຽກເກົາຫຼີ ຕ້ອງເສັງພາສາບໍ", "kr-eps-topik",
         "ເສຍເງິນເທົ່າໃດ", "kr-costs", "ກ່ຽວກັບເກົາຫຼີ"),
        ("lo", "ໄປເຮັດວຽກໄທແບບ MOU ຕ້ອງມີເອກະສານຫຍັງແດ່", "th-documents",
         "ເສຍເງິນເທົ່າໃດ", "th-costs", "ກ່ຽວກັບໄທ"),
        ("lo", "ວີຊາທັກສະສະເພາະ SSW ຍີ່ປຸ່ນແມ່ນຫຍັງ", "jp-ssw",
         "ເສຍເງິນເທົ່າໃດ", "jp-costs", "ກ່ຽວກັບຍີ່ປຸ່ນ"),
    ],
)  # fmt: skip
def test_a_follow_up_is_answered_in_the_country_of_the_last_answer(
    chat, lang, first, first_id, follow_up, follow_id, about
):
    assert chat(first, lang)[:2] == ("answer", first_id)
    decision, entry, reply, _turn = chat(follow_up, lang)
    assert (decision, entry) == ("answer", follow_id)
    assert reply.startswith(about)  # the assumption is shown


def test_without_context_a_question_naming_no_country_is_not_answered_for_one(chat):
    decision, _entry, reply, _turn = chat("how much does it cost?", "en")
    assert decision != "answer"
    assert not reply.startswith("About")


def test_the_context_belongs_to_one_chat_and_expires(chat, clock):
    chat("How much does it cost to go to work in Korea?", "en", chat_id=1)
    assert chat("how much does it cost?", "en", chat_id=2)[0] != "answer"  # another chat
    clock.now += 60 * 60  # an hour later
    assert chat("how much does it cost?", "en", chat_id=1)[0] != "answer"


@pytest.mark.parametrize(
    ("lang", "korea", "japan", "follow_up"),
    [
        ("en", "How much does it cost to go to work in Korea?", "What is the SSW visa in Japan?",
         "how much does it cost?"),
        ("lo", "ໄປເຮັດວຽກເກົາຫຼີ ຕ້ອງເສັງພາສາບໍ", "ວີຊາທັກສະສະເພາະ SSW ຍີ່ປຸ່ນແມ່ນຫຍັງ",
         "ເສຍເງິນເທົ່າໃດ"),
    ],
)  # fmt: skip
def test_naming_another_country_switches_the_conversation(chat, lang, korea, japan, follow_up):
    assert chat(korea, lang)[0] == "answer"
    decision, entry, reply, _turn = chat(japan, lang)
    assert (decision, entry) == ("answer", "jp-ssw")
    assert "South Korea" not in reply[:40] and "ເກົາຫຼີ" not in reply[:40]  # no stale note
    assert chat(follow_up, lang)[:2] == ("answer", "jp-costs")


def test_lone_surrogate_in_a_question_is_stored_safely(chat):
    _d, _e, _r, turn = chat("zzqx \ud83d vbnm", "en")
    for event in turn.events:
        for value in event.data.values():
            if isinstance(value, str):
                value.encode("utf-8")  # sqlite and Telegram need valid UTF-8


@pytest.mark.parametrize("lang", ["lo", "en"])
def test_a_romanised_question_is_answered_in_lao_and_english(chat, content, lang):
    decision, entry, reply, _turn = chat("pai het viak kaoli sia ngoen thao dai", lang)
    assert (decision, entry) == ("answer", "kr-costs")
    answer = content.by_id["kr-costs"].summary  # the short answer first, in both languages
    assert answer["lo"] in reply and answer["en"] in reply
    assert "You wrote in" not in reply and "ທ່ານຂຽນ" not in reply


def test_an_entry_picked_from_buttons_sets_the_country_for_the_next_question(
    content, matcher, clock
):
    """Suggestions are buttons: picking the Korea entry means the next "and how much?"
    is about Korea, as if the bot had answered it directly."""
    dialogue = Dialogue(content, matcher, context=Context(clock))
    assert dialogue.on_text("how much does it cost?", "en", chat=7).replies  # no country yet
    assert dialogue.on_button(Answer("kr-eps"), "en", chat=7).replies
    turn = dialogue.on_text("how much does it cost?", "en", chat=7)
    asked = next(e.data for e in turn.events if e.kind == "asked")
    assert (asked["decision"], asked["entry"]) == ("answer", "kr-costs")
    assert turn.replies[0].text.startswith("About South Korea")
