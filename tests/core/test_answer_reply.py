"""Answers fit a phone: the summary first, the full answer and the sources behind buttons."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.callbacks import decode, encode
from bot.core.content import Content
from bot.core.dialogue import Dialogue
from bot.core.matching import Matcher


@pytest.fixture(scope="module")
def edited(content):
    """The content with kr-eps's summary changed and th-costs's removed, and its matcher
    (built once: it never changes)."""
    entries = tuple(
        dataclasses.replace(e, summary={"lo": f"ສັ້ນ {e.id}", "en": f"Short answer of {e.id}."})
        if e.id == "kr-eps"
        else dataclasses.replace(e, summary={})
        if e.id == "th-costs"  # an admin's new entry may have no summary yet
        else e
        for e in content.entries
    )
    edited = Content(entries, {e.id: e for e in entries}, content.topics)
    return edited, Matcher(edited)


@pytest.fixture
def dialogue(edited):
    return Dialogue(*edited)


def _data(reply):
    return [encode(b.data) if b.data else None for row in reply.buttons for b in row]


@pytest.mark.parametrize("lang", ["lo", "en"])
def test_summary_first_with_more_and_sources(dialogue, lang):
    entry = dialogue.content.by_id["kr-eps"]
    reply = dialogue.on_button(decode("f:kr-eps"), lang).replies[0]
    assert reply.text == entry.summary[lang]
    assert entry.answer[lang] not in reply.text
    assert _data(reply)[:2] == ["fa:kr-eps", "fs:kr-eps"]
    assert entry.reviewed.isoformat() in reply.footer
    assert entry.sources[0].title not in reply.as_plain_text()


def test_more_shows_the_full_answer_and_sources_list_the_addresses(dialogue):
    entry = dialogue.content.by_id["kr-eps"]
    full = dialogue.on_button(decode("fa:kr-eps"), "en").replies[0]
    assert full.text == entry.answer["en"]
    assert "fa:kr-eps" not in _data(full) and "fs:kr-eps" in _data(full)
    sources = dialogue.on_button(decode("fs:kr-eps"), "en").replies[0]
    for s in entry.sources:
        assert s.title in sources.text and (s.url or s.document) in sources.text


def test_entry_without_summary_sends_the_full_answer(dialogue):
    entry = dialogue.content.by_id["th-costs"]
    reply = dialogue.on_button(decode("f:th-costs"), "en").replies[0]
    assert reply.text == entry.answer["en"]
    assert "fa:th-costs" not in _data(reply)


@pytest.mark.parametrize("data", ["fa:no-such", "fs:no-such", "fa:", "fs"])
def test_unknown_more_or_sources_button(dialogue, data):
    turn = dialogue.on_button(decode(data), "en")
    assert "old or unknown" in turn.replies[0].text


def test_a_typed_question_gets_the_summary(dialogue):
    reply = dialogue.on_text("What is EPS in Korea?", "en").replies[0]
    assert reply.text == "Short answer of kr-eps."


# --- help where the person is (issue #10, part 5) ---------------------------------------


@pytest.fixture(scope="module")
def with_directory(content):
    from bot.core.centres import load_directory

    return Dialogue(content, directory=load_directory())


def test_dont_know_offers_the_help_lines_of_each_country(with_directory):
    reply = with_directory.on_text("recipe for sticky rice cake please", "en").replies[0]
    assert {"ha:TH", "ha:KR", "ha:JP"} <= set(_data(reply))
    assert "1362" in reply.text and "police / government hotline" not in reply.text


def test_trouble_answer_links_to_help_in_its_country(with_directory):
    reply = with_directory.on_button(decode("f:fraud-passport"), "en").replies[0]
    assert {"ha:TH", "ha:KR", "ha:JP"} <= set(_data(reply))
    korea = with_directory.on_button(decode("f:help-embassy-kr"), "en").replies[0]
    assert "ha:KR" in _data(korea) and "ha:TH" not in _data(korea)
    plain = with_directory.on_button(decode("f:kr-costs"), "en").replies[0]
    assert not any(d and d.startswith("ha:") for d in _data(plain))


def test_help_in_korea_lists_korean_lines(with_directory):
    text = with_directory.on_button(decode("ha:KR"), "lo").replies[0].text
    assert "1345" in text


def test_opening_of_a_replaced_answer_fits_the_short_answer():
    from bot.core.content import MAX_SUMMARY_CHARS
    from bot.core.overlay import opening

    assert opening("First line.\n\nSecond paragraph.") == "First line."
    long = "A sentence about EPS. " * 30
    cut = opening(long)
    assert len(cut) <= MAX_SUMMARY_CHARS and cut.endswith("EPS. …")
