"""The quiz core: the bank and its validator, drawing, polls, scoring, ranking with ties,
CSV exports and the event state machine. No Telegram, no database."""

from __future__ import annotations

import csv
import io
import random
import re
import textwrap

import pytest

from bot.core import quiz as q
from bot.core.errors import ContentError
from bot.core.validate import validate_all
from tests.conftest import CONTENT

BANK_PATH = CONTENT / "quiz.yaml"


@pytest.fixture(scope="module")
def bank(content):
    return q.load_quiz_bank(BANK_PATH, content)


# --- the bank ------------------------------------------------------------------------------
def test_bank_covers_every_topic_in_both_languages(bank, content):
    assert len(bank.questions) >= 40
    assert {x.topic for x in bank.questions} == set(q.TOPICS)
    for x in bank.questions:
        assert set(x.text) == set(x.explanation) == set(x.options) == {"lo", "en"}
        assert 2 <= len(x.options["en"]) <= 6 and len(x.options["lo"]) == len(x.options["en"])
        assert x.faq in content.by_id
        assert x.needs_native_review  # the Lao text waits for a native speaker's review
        assert any("\u0e80" <= ch <= "\u0eff" for ch in x.text["lo"]), x.id


def test_bank_numbers_appear_in_the_linked_faq_answer(bank, content):
    """A phone number or amount in a right answer is one the FAQ (sourced) states."""
    for x in bank.questions:
        right = x.options["en"][x.correct]
        faq = content.by_id[x.faq].answer["en"]
        for number in re.findall(r"\d[\d,.-]*\d|\d", right):
            assert number in faq, f"{x.id}: {number} not in {x.faq}"


def _write(tmp_path, body: str):
    path = tmp_path / "quiz.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """\
- id: one
  topic: fraud
  difficulty: easy
  faq: fraud-signs
  question: {en: "Q?", lo: "ຄຳຖາມ?"}
  options:
    - {en: "Yes", lo: "ແມ່ນ", correct: true}
    - {en: "No", lo: "ບໍ່"}
  explanation: {en: "Because.", lo: "ເພາະວ່າ."}
"""


def test_a_minimal_bank_loads(tmp_path, content):
    b = q.load_quiz_bank(_write(tmp_path, GOOD), content)
    assert b.by_id["one"].correct == 0 and b.by_id["one"].options["lo"] == ("ແມ່ນ", "ບໍ່")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('correct: true}', 'correct: false}'), "one.options", "exactly one"),
        (('lo: "ບໍ່"}', 'lo: "ບໍ່", correct: true}'), "one.options", "exactly one"),
        (("faq: fraud-signs", "faq: no-such-entry"), "one.faq", "unknown FAQ entry"),
        (('question: {en: "Q?", lo: "ຄຳຖາມ?"}', 'question: {en: "Q?"}'), "one.question.lo",
         "missing language"),
        (('en: "Because."', f'en: "{"x" * 201}"'), "one.explanation.en", "0-200"),
        (('en: "Because."', 'en: "a\\nb\\nc\\nd"'), "one.explanation.en", "line breaks"),
        (('en: "Yes"', f'en: "{"y" * 101}"'), "one.options[0].en", "1-100"),
        (('en: "Q?"', f'en: "{"q" * 301}"'), "one.question.en", "1-300"),
        (('en: "No"', 'en: "Yes"'), "one.options", "same text"),
        (("topic: fraud", "topic: weather"), "one.topic", "unknown topic"),
        (("difficulty: easy", "difficulty: trivial"), "one.difficulty", "unknown difficulty"),
        (("  faq: fraud-signs\n", "  faq: fraud-signs\n  colour: red\n"), "one.colour",
         "unknown field"),
    ],
)  # fmt: skip
def test_bank_problems_name_file_line_and_field(tmp_path, content, change, field, message):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ContentError) as err:
        q.load_quiz_bank(path, content)
    probs = err.value.problems
    assert any(p.field == field and message in p.message for p in probs), probs
    assert all(p.file.endswith("quiz.yaml") and p.line for p in probs)


def test_one_option_is_too_few(tmp_path, content):
    body = GOOD.replace('    - {en: "No", lo: "ບໍ່"}\n', "")
    with pytest.raises(ContentError) as err:
        q.load_quiz_bank(_write(tmp_path, body), content)
    assert any("use 2-6" in p.message and p.line == 6 for p in err.value.problems)


def test_validate_reports_quiz_problems_with_the_rest(content_copy):
    problems, summary = validate_all(content_copy)
    assert not problems and re.search(r"\d+ quiz questions", summary)
    path = content_copy / "quiz.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("faq: th-visa-permit", "faq: th-nothing", 1), encoding="utf-8")
    problems, _summary = validate_all(content_copy)
    assert [p.field for p in problems] == ["th-permit-years.faq"]
    assert problems[0].line == 16 and problems[0].file == "content/quiz.yaml"


# --- asking --------------------------------------------------------------------------------
def test_make_poll_shuffles_but_keeps_the_right_answer(bank):
    x = bank.by_id["th-permit-years"]
    seen = set()
    for seed in range(20):
        poll = q.make_poll(x, "en", random.Random(seed), 2, 5)
        assert poll.options[poll.correct] == x.options["en"][x.correct]
        assert poll.question.startswith("2/5 · ") and poll.explanation == x.explanation["en"]
        seen.add(poll.correct)
    assert len(seen) > 1


def test_keep_order_questions_are_not_shuffled(bank):
    x = bank.by_id["jp-ssw2-family"]
    assert x.keep_order
    for seed in range(5):
        assert q.make_poll(x, "lo", random.Random(seed)).options == x.options["lo"]


def test_draw_avoids_the_last_round_and_puts_easy_first(bank):
    rng = random.Random(3)
    first = q.draw(bank, 10, rng)
    second = q.draw(bank, 10, rng, avoid=first)
    assert len(set(first)) == len(set(second)) == 10 and not set(first) & set(second)
    ranks = [q.DIFFICULTIES.index(bank.by_id[i].difficulty) for i in first]
    assert ranks == sorted(ranks)
    assert len({bank.by_id[i].topic for i in first}) == len(q.TOPICS)  # topics are mixed


def test_draw_reuses_questions_only_when_it_must(bank):
    pool = bank.ids("help")
    got = q.draw(bank, len(pool), random.Random(1), avoid=pool[:3], topic="help")
    assert sorted(got) == sorted(pool)


# --- scoring and ranking ------------------------------------------------------------------
def P(i, right=True, sent=0.0, took=None, correct=1):
    chosen = None if took is None else (correct if right else correct + 1)
    return q.PollRecord(i, f"q{i}", correct, sent, chosen, None if took is None else sent + took)


def test_score_counts_right_answers_and_time():
    s = q.score("u", 1, None, [P(0, took=2.4), P(1, right=False, took=3.0), P(2, took=None)],
                closed_at={2: 10.0})  # fmt: skip
    assert (s.answered, s.correct) == (2, 1)
    assert s.seconds == round(2.4 + 3.0 + 10.0)  # an unanswered question costs its open time
    assert s.by_question == {0: True, 1: False, 2: False}


def test_unanswered_self_paced_question_costs_the_time_limit():
    assert q.score("u", 1, None, [P(0, took=None)], time_limit=30).seconds == 30


def S(n, correct, seconds):
    return q.Score(n, n, None, 3, correct, seconds)


def test_rank_ties_share_a_place_and_time_breaks_score_ties():
    ranked = q.rank([S(1, 2, 30), S(2, 3, 50), S(3, 2, 30), S(4, 2, 31), S(5, 1, 5)])
    assert [(r.rank, r.score.number) for r in ranked] == [(1, 2), (2, 1), (2, 3), (4, 4), (5, 5)]


def test_board_shows_top_ten_and_how_many_took_part():
    scores = [S(n, n % 4, 10 * n) for n in range(1, 15)]
    scores.append(q.Score(99, 99, None, 0, 0, 0))
    reply = q.board_text("Fair", q.rank(scores), 15, 3, "en")
    lines = reply.text.splitlines()
    assert len(lines) == 10 and lines[0].startswith("1. Participant 3: 3 of 3 (30 s)")
    assert "14 took part (15 joined)" in reply.footer
    assert "Participant 99" not in reply.text


def test_names_are_cleaned():
    assert q.clean_name("  Noy\n\tKeo\x00 ") == "Noy Keo"
    assert q.clean_name("x" * 50) == "x" * q.NAME_MAX
    assert q.clean_name(" \n ") is None


def test_codes_are_easy_to_read_and_type():
    code = q.new_code(random.Random(1))
    assert len(code) == q.CODE_LEN and not set(code) & set("01IO")
    assert q.normalise_code(f" {code.lower()[:3]}-{code[3:]} ") == code


# --- exports -------------------------------------------------------------------------------
def test_results_csv_has_names_scores_and_no_ids():
    ranked = q.rank(
        [
            q.Score(555001, 1, "Noy", 2, 2, 12, {0: True, 1: True}),
            q.Score(555002, 2, None, 1, 0, 40, {0: False}),
        ]
    )
    data = q.results_csv(ranked, 3, "en")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets show Lao correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["rank", "name", "answered", "score", "time (s)", "Q1", "Q2", "Q3"],
        ["1", "Noy", "2", "2", "12", "1", "1", ""],
        ["2", "Participant 2", "1", "0", "40", "0", "", ""],
    ]
    assert b"555001" not in data


def test_questions_csv_counts_right_answers(bank):
    ids = ["th-permit-years", "help-1362"]
    polls = [P(0, took=1), P(0, right=False, took=2), P(0), P(1, took=1)]
    rows = list(
        csv.reader(io.StringIO(q.questions_csv(bank, ids, polls, "en").decode("utf-8-sig")))
    )
    assert rows[0] == ["Q", "question", "topic", "asked", "answered", "right", "% right"]
    assert rows[1][0] == "Q1" and rows[1][2:] == ["thailand", "3", "2", "1", "50"]
    assert rows[2][2:] == ["help", "1", "1", "1", "100"]


# --- the event state machine ------------------------------------------------------------
E = q.EventState


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (E("lobby", "live", 3), q.Step(open=0)),
        (E("running", "live", 3, 0, True), q.Step(close=0, open=1)),
        (E("running", "live", 3, 2, True), q.Step(close=2, last=True)),
        (E("running", "live", 3, 2, False), q.Step(refuse="no_more")),
        (E("ended", "live", 3, 2, False), q.Step(refuse="ended")),
        (E("lobby", "self", 3), q.Step(start_self=True)),
        (E("running", "self", 3), q.Step(refuse="running_self")),
    ],
)
def test_next_step(state, step):
    assert q.next_step(state) == step


def test_who_gets_which_question_and_which_answers_count():
    live = E("running", "live", 3, 1, True)
    assert q.on_join(live) == 1 and q.on_join(E("lobby", "live", 3)) is None
    assert q.on_join(E("running", "live", 3, 1, False)) is None
    assert q.on_join(E("running", "self", 3)) == 0
    assert q.accepts_answer(live, 1, -1) and not q.accepts_answer(live, 0, -1)
    assert not q.accepts_answer(E("running", "live", 3, 1, False), 1, -1)
    assert q.accepts_answer(E("running", "self", 3), 2, 2)
    assert not q.accepts_answer(E("running", "self", 3), 1, 2)
    assert not q.accepts_answer(E("ended", "self", 3), 2, 2)


def test_event_arguments():
    assert q.parse_new(["8", "Job", " fair"]) == (8, "Job fair")
    assert q.parse_new(["Job", "fair"]) == (q.EVENT_DEFAULT, "Job fair")
    assert q.parse_new(["99", "x"]) == (q.EVENT_MAX, "x")
    assert q.parse_mode(["self"]) == ("self", 30)
    assert q.parse_mode(["self", "2"]) == ("self", q.MIN_LIMIT)
    assert q.parse_mode(["LIVE"]) == ("live", None)
    assert q.parse_mode(["fast"]) is None and q.parse_mode(["self", "x"]) is None


def test_qr_code_is_a_png_of_the_link():
    png = q.qr_png("https://t.me/bot?start=ev_ABC234")
    assert png.startswith(b"\x89PNG") and len(png) > 200
