"""The near-miss regression set (tests/data/nearmiss_queries.yaml): questions the
content does not answer. The bot may suggest, never answer confidently (issue #12)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.core.smalltalk import small_talk

DATA = Path(__file__).resolve().parents[1] / "data" / "nearmiss_queries.yaml"


def _questions(kind: str) -> list[str]:
    out, section = [], ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("# ---"):
            section = line
        m = re.match(r"\s*- (\{.*\})\s*#\s*(\S+)", line)
        if m and m.group(2).startswith(kind.split(":")[0]) and kind.split(":")[-1] in section:
            out.append(yaml.safe_load(m.group(1))["q"])
    return out


def test_near_misses_are_rarely_answered(matcher):
    questions = _questions("nearmiss")
    assert len(questions) >= 80
    answered = [q for q in questions if matcher.match(q).decision == "answer"]
    assert len(answered) <= 0.10 * len(questions), answered


def test_greetings_and_thanks_are_small_talk_not_questions():
    questions = _questions("offtopic:greetings")
    assert questions
    assert [q for q in questions if not small_talk(q)] == []


def test_off_topic_is_almost_never_answered(matcher):
    """What small talk does not take reaches the matcher, as in the dialogue."""
    questions = [q for q in _questions("offtopic") if not small_talk(q)]
    answered = [q for q in questions if matcher.match(q).decision == "answer"]
    assert len(answered) <= 0.05 * len(questions), answered


def test_repeated_word_nonsense_is_never_answered(matcher):
    questions = _questions("offtopic:repeated")
    assert questions
    assert [q for q in questions if matcher.match(q).decision == "answer"] == []
