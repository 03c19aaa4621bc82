"""A phone number no source confirms is never shown as one to call: not in an FAQ answer,
a summary, a quiz, a place's name or note, nor in the hotline lists the bot sends."""

from __future__ import annotations

import re

import pytest

from bot.core.callbacks import decode
from bot.core.centres import load_directory
from bot.core.dialogue import Dialogue
from bot.core.quiz import load_quiz_bank
from tests.conftest import CONTENT

PHONE_RUN = re.compile(r"\+?\d[\d\s\-–.()]{4,}\d")


def _key(number: str) -> str:
    """The last 7 digits (or all, for short codes): +66 2 539 6667 and 02-539-6667 agree."""
    digits = re.sub(r"\D", "", number)
    return digits[-7:]


def _numbers_in(text: str) -> set[str]:
    return {_key(m.group()) for m in PHONE_RUN.finditer(text or "")}


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def unverified(directory):
    keys = {_key(p.number) for place in directory.places for p in place.unverified_phones}
    # a number someone marked verified elsewhere (same digits) is not "unverified"
    keys -= {_key(p.number) for place in directory.places for p in place.callable_phones}
    assert keys, "the directory has unverified numbers; this test must see them"
    return keys


def _texts_of_entry(e):
    yield from e.title.values()
    yield from e.answer.values()
    yield from e.summary.values()


def test_no_faq_answer_or_summary_shows_an_unverified_number(content, unverified):
    found = [
        (e.id, key)
        for e in content.entries
        for text in _texts_of_entry(e)
        for key in _numbers_in(text) & unverified
    ]
    assert found == []


def test_no_place_name_or_note_carries_an_unverified_number(directory, unverified):
    found = []
    for place in directory.places:
        texts = [place.name.lo, place.name.en, *place.services.lo, *place.services.en]
        for attr in ("note", "hours", "languages", "address"):
            value = getattr(place, attr)
            if value is not None:
                texts += [value.lo, value.en]
        found += [(place.id, k) for t in texts for k in _numbers_in(t) & unverified]
    assert found == []


def test_no_quiz_question_shows_an_unverified_number(unverified):
    bank = load_quiz_bank(CONTENT / "quiz.yaml")
    found = []
    for q in bank.questions:
        for text in (*q.text.values(), *q.explanation.values()):
            found += [(q.id, k) for k in _numbers_in(text) & unverified]
        for opts in q.options.values():
            found += [(q.id, k) for o in opts for k in _numbers_in(o) & unverified]
    assert found == []


@pytest.mark.parametrize("lang", ["lo", "en"])
def test_hotline_lists_the_bot_sends_never_show_an_unverified_number(
    content, matcher, directory, unverified, lang
):
    dialogue = Dialogue(content, matcher, directory)
    texts = [dialogue.hotlines(lang).replies[0].text]
    texts += [
        dialogue.on_button(decode(f"ha:{c}"), lang).replies[0].text for c in ("TH", "KR", "JP")
    ]
    found = [k for t in texts for k in _numbers_in(t) & unverified]
    assert found == []
