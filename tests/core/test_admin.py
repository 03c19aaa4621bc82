"""Admin core: the overlay on top of the FAQ, edits as values, missed-question groups,
stats and coverage figures."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import admin as A
from bot.core.content import load_content
from bot.core.errors import ContentError
from bot.core.overlay import (
    entry_state,
    is_empty,
    parse_overlay,
    render_overlay,
    with_entry_state,
)

DAY = 86400.0


def _overlay(*edits: A.Edit) -> str:
    ov = parse_overlay(None)
    for e in edits:
        ov = A.apply_edit(ov, e)
    return render_overlay(ov)


def _problems(root, text):
    with pytest.raises(ContentError) as info:
        load_content(root, overlay_text=text)
    return [str(p) for p in info.value.problems]


# --- the overlay -------------------------------------------------------------------------


def test_overlay_adds_variant_replaces_answer_and_review_date(content_copy, content):
    faq_before = (content_copy / "faq" / "korea.yaml").read_bytes()
    text = _overlay(
        A.Edit(A.ADD_VARIANT, "kr-eps", "lo", "ໄປເກົາຫຼີ ຕ້ອງມີເງິນຈັກບາດ"),
        A.Edit(A.REPLACE_ANSWER, "kr-eps", "en", "First paragraph.\n\nCall 1362 for help."),
        A.Edit(A.MARK_REVIEWED, "kr-eps", reviewed=dt.date(2027, 1, 5)),
    )
    (content_copy / "overlay.yaml").write_text(text, encoding="utf-8")
    after = load_content(content_copy)
    e, old = after.by_id["kr-eps"], content.by_id["kr-eps"]
    assert e.questions["lo"] == (*old.questions["lo"], "ໄປເກົາຫຼີ ຕ້ອງມີເງິນຈັກບາດ")
    assert e.answer["en"] == "First paragraph.\n\nCall 1362 for help."
    assert e.answer["lo"] == old.answer["lo"]
    assert e.reviewed == dt.date(2027, 1, 5)
    assert e.file == old.file  # still the hand-written entry
    assert (content_copy / "faq" / "korea.yaml").read_bytes() == faq_before
    others = [x for x in after.entries if x.id != "kr-eps"]
    assert others == [x for x in content.entries if x.id != "kr-eps"]


def test_overlay_is_readable_yaml(content_copy):
    text = _overlay(
        A.Edit(A.ADD_VARIANT, "kr-eps", "lo", "ໄປເກົາຫຼີ ຕ້ອງມີເງິນຈັກບາດ"),
        A.Edit(A.REPLACE_ANSWER, "kr-eps", "en", "One.\n\nTwo."),
    )
    assert "ໄປເກົາຫຼີ ຕ້ອງມີເງິນຈັກບາດ" in text  # Lao as is, not \u escapes
    assert "en: |" in text and "        One.\n\n        Two.\n" in text  # block text
    assert text.startswith("# ")  # says what the file is


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("reviewed: 2027-01-05", "reviewed: soon", "kr-eps.reviewed", "expected a date"),
        ("  kr-eps:", "  kr-nope:", "changes.kr-nope", "no FAQ entry"),
        ("    reviewed:", "    reviewd:", "changes.kr-eps.reviewd", "unknown change"),
        ("      - ໄປເກົາຫຼີ", "      - ''  # ", "kr-eps.questions.lo[", "empty question"),
        ("changes:", "changes: [", "", "YAML syntax error"),
    ],
)
def test_a_broken_overlay_names_overlay_yaml_and_the_line(content_copy, old, new, field, message):
    text = _overlay(
        A.Edit(A.ADD_VARIANT, "kr-eps", "lo", "ໄປເກົາຫຼີ ຕ້ອງມີເງິນຈັກບາດ"),
        A.Edit(A.MARK_REVIEWED, "kr-eps", reviewed=dt.date(2027, 1, 5)),
    )
    assert old in text
    broken = text.replace(old, new)
    problems = _problems(content_copy, broken)
    hit = [p for p in problems if message in p]
    assert hit, problems
    assert hit[0].startswith("content/overlay.yaml:") and field in hit[0]
    line = int(hit[0].split(":")[1])
    if message != "YAML syntax error":  # the line of the edit, in the overlay
        assert new.strip().split(":")[0].strip("- '") in broken.splitlines()[line - 1]


def test_too_long_answer_in_overlay_points_at_overlay(content_copy):
    text = _overlay(A.Edit(A.REPLACE_ANSWER, "kr-eps", "en", "x" * 3100))
    problems = _problems(content_copy, text)
    assert any(
        p.startswith("content/overlay.yaml:") and "[kr-eps.answer.en] answer is 3100" in p
        for p in problems
    )


def test_entry_state_round_trip_and_empty_overlay():
    ov = parse_overlay(None)
    after = A.apply_edit(ov, A.Edit(A.ADD_VARIANT, "kr-eps", "en", "korea visa queue"))
    assert is_empty(ov) and not is_empty(after)  # apply_edit leaves its input alone
    state = entry_state(after, "kr-eps")
    assert state == {"patch": {"add_questions": {"en": ["korea visa queue"]}}, "new": None}
    assert with_entry_state(after, "kr-eps", entry_state(ov, "kr-eps")) == ov


def test_new_entry_keeps_its_place_when_restored():
    ov = parse_overlay(None)
    for eid in ("a-one", "b-two", "c-three"):
        ov = A.apply_edit(ov, A.Edit(A.NEW_ENTRY, eid, entry={"id": eid}))
    without = with_entry_state(ov, "b-two", {"patch": None, "new": None})
    assert [e["id"] for e in without["new"]] == ["a-one", "c-three"]
    changed = with_entry_state(ov, "b-two", {"patch": None, "new": {"id": "b-two", "x": 1}})
    assert [e["id"] for e in changed["new"]] == ["a-one", "b-two", "c-three"]


# --- checks before an edit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "msgid_part"),
    [
        (A.Edit(A.ADD_VARIANT, "kr-nope", "en", "x y"), "There is no entry"),
        (A.Edit(A.ADD_VARIANT, "kr-eps", "en", "What is EPS?"), "already a question"),
        (A.Edit(A.ADD_VARIANT, "kr-eps", "en", "what is eps"), "already a question"),
        (A.Edit(A.ADD_VARIANT, "kr-eps", "en", "???"), "needs letters"),
        (A.Edit(A.ADD_VARIANT, "kr-eps", "xx", "korea"), "needs letters"),
        (A.Edit(A.REPLACE_ANSWER, "kr-eps", "en", "  "), "cannot be empty"),
        (A.Edit(A.REPLACE_ANSWER, "kr-eps", "en", "x" * 3001), "keep it under"),
        (A.Edit(A.NEW_ENTRY, "x-y", entry={"id": "x-y", "title": {"en": "..."}}), "“...”"),
    ],
)
def test_check_edit_refuses_edits_that_make_no_sense(content, edit, msgid_part):
    refusal = A.check_edit(edit, content)
    assert refusal is not None and msgid_part in refusal.msgid


def test_check_edit_refuses_same_answer_and_same_review_date(content):
    e = content.by_id["kr-eps"]
    assert A.check_edit(A.Edit(A.REPLACE_ANSWER, e.id, "en", e.answer["en"]), content)
    assert A.check_edit(A.Edit(A.MARK_REVIEWED, e.id, reviewed=e.reviewed), content)
    later = e.reviewed + dt.timedelta(days=1)
    assert A.check_edit(A.Edit(A.MARK_REVIEWED, e.id, reviewed=later), content) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [("ໄປເກົາຫຼີ", "lo"), ("ไปทำงานเกาหลี", "th"), ("pai het viak kaoli", "rom"),
     ("work in korea", "en")],
)  # fmt: skip
def test_variant_lang(text, lang):
    assert A.variant_lang(text) == lang


# --- missed questions -------------------------------------------------------------------------


def test_missed_questions_grouped_counted_and_ordered():
    rows = [
        ("How do I get a job in Dubai?", "en", 100.0),
        ("how do i get a job in dubai", "en", 300.0),
        ("How do I get a job in Dubai??", "en", 200.0),
        ("how do I get job in dubai", "en", 250.0),
        ("ໄປເຮັດວຽກ ດູໄບ ໄດ້ບໍ", "lo", 50.0),
        ("ໄປເຮັດວຽກດູໄບໄດ້ບໍ່", "lo", 400.0),
        ("who won the football", "en", 500.0),
    ]
    groups = A.group_missed(rows)
    assert [g.count for g in groups] == [4, 2, 1]
    dubai, lao, football = groups
    assert dubai.lang == "en" and dubai.last_at == 300.0
    assert {dubai.text, *dubai.others} == {r[0] for r in rows[:4]}
    assert lao.lang == "lo" and lao.last_at == 400.0
    assert football.text == "who won the football" and not football.others
    assert len({g.id for g in groups}) == 3 and all(len(g.id) == 10 for g in groups)
    # a button made from an earlier listing still finds its group
    assert A.find_group(groups, A.group_id(A._key("how do I get job in dubai"))) is dubai
    assert A.find_group(groups, "0000000000") is None


def test_still_missed_drops_groups_the_bot_answers_now(matcher):
    groups = A.group_missed(
        [("how much does it cost to work in korea", "en", 1.0), ("blorp zzz", "en", 2.0)]
    )
    assert [g.text for g in A.still_missed(groups, matcher.match)] == ["blorp zzz"]


def test_missed_csv_has_counts_and_suggestions():
    groups = A.group_missed([("a job in dubai", "en", 1.0), ("a job in dubai?", "en", 2.0)])
    text = A.missed_csv(groups, {groups[0].id: ["kr-eps", "fraud-signs"]})
    header, row = text.splitlines()[:2]
    assert header.startswith("count,last_asked,lang,question")
    assert row.startswith("2,") and row.endswith("kr-eps fraud-signs")


# --- stats --------------------------------------------------------------------------------


def test_stats_count_each_window_from_the_events():
    now = 1_800_000_000.0
    asked = [
        ("kr-eps", "answer", "lo", now - 1 * DAY),
        ("kr-eps", "answer", "en", now - 2 * DAY),
        ("th-costs", "answer", "lo", now - 10 * DAY),
        ("th-costs", "suggest", "lo", now - 3 * DAY),
        (None, "none", "en", now - 20 * DAY),
        ("kr-eps", "answer", "lo", now - 40 * DAY),  # outside both windows
        ("kr-eps", "answer", "lo", now + 10),  # in the future: not counted
    ]
    feedback = [("kr-eps", 1, now - DAY), ("kr-eps", 0, now - 9 * DAY), ("th-costs", 1, now)]
    quiz = [now - DAY, now - 15 * DAY]
    s7 = A.compute_stats(asked, feedback, quiz, now, 7)
    s30 = A.compute_stats(asked, feedback, quiz, now, 30)
    assert (s7.asked, s30.asked) == (3, 5)
    assert s7.decisions == {"answer": 2, "suggest": 1, "none": 0}
    assert s30.decisions == {"answer": 3, "suggest": 1, "none": 1}
    assert s30.langs == {"lo": 3, "en": 2}
    assert s30.topics == [("kr-eps", 2), ("th-costs", 1)]
    assert s7.feedback == {"kr-eps": (1, 0), "th-costs": (1, 0)}
    assert s30.feedback == {"kr-eps": (1, 1), "th-costs": (1, 0)}
    assert (s7.quiz_plays, s30.quiz_plays) == (1, 2)
    assert len(s30.daily) == 30 and sum(a + s + n for _d, a, s, n in s30.daily) == 5
    text = A.stats_text(s7, s30, None, "en")
    assert "Questions: 3 | 5" in text and "• not matched: 0 | 1" in text
    assert "Quiz plays: 1 | 2" in text and "• kr-eps: 👍 1 / 👎 1" in text


def test_stats_chart_is_a_png():
    from bot.core.chart import stats_png

    now = 1_800_000_000.0
    s = A.compute_stats([("kr-eps", "answer", "lo", now - DAY)], [], [], now, 30)
    png = stats_png(s)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


# --- coverage --------------------------------------------------------------------------


def test_coverage_rows_and_staleness(content):
    e = content.by_id["kr-eps"]
    fresh = A.coverage(content, e.reviewed + dt.timedelta(days=A.STALE_DAYS))
    stale = A.coverage(content, e.reviewed + dt.timedelta(days=A.STALE_DAYS + 1))
    rows = {(r.entry_id, r.lang): r for r in fresh}
    assert rows[("kr-eps", "en")].variants == len(e.questions["en"])
    assert rows[("kr-eps", "en")].answer_chars == len(e.answer["en"])
    assert rows[("kr-eps", "th")].answer_chars is None
    assert not rows[("kr-eps", "lo")].stale
    assert all(r.stale for r in stale if r.entry_id == "kr-eps")
    table = A.coverage_table(stale)
    assert table.splitlines()[0].split() == list(A.COVERAGE_COLUMNS) and "STALE" in table
