"""The validator: real content passes; each kind of breakage names file, line and field."""

from __future__ import annotations

import re

import pytest

from bot.core.content import MAX_ANSWER_CHARS, load_content
from bot.core.errors import ContentError
from bot.core.validate import validate_all

TH = "faq/thailand.yaml"


def test_real_content_is_valid_and_covers_every_topic(content):
    problems, _summary = validate_all(__import__("tests.conftest").conftest.CONTENT)
    assert problems == [], problems
    topic_ids = {t for ids in content.topics.values() for t in ids}
    assert len(topic_ids) >= 38
    assert topic_ids <= set(content.by_id)


def test_every_entry_has_both_languages_sources_and_review_date(content):
    for e in content.entries:
        assert set(e.answer) == {"lo", "en"} and set(e.title) == {"lo", "en"}
        assert len(e.questions["lo"]) >= 5 and len(e.questions["en"]) >= 5
        assert e.sources and e.reviewed
        assert len(e.answer["lo"]) < MAX_ANSWER_CHARS and len(e.answer["en"]) < MAX_ANSWER_CHARS


def test_entries_are_frozen(content):
    with pytest.raises(AttributeError):
        content.entries[0].id = "x"


def _break(root, rel, old, new, count=1):
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _problems(root):
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [str(p) for p in info.value.problems]


def _line_of(root, rel, needle):
    for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_yaml_syntax_error_names_file_and_line(content_copy):
    _break(content_copy, TH, "  category: thailand\n", "  category: [thailand\n")
    probs = _problems(content_copy)
    assert any(
        re.match(r"content/faq/thailand\.yaml:\d+: .*YAML syntax error", p) for p in probs
    ), probs


def test_unknown_field(content_copy):
    _break(content_copy, TH, "  category: thailand\n", "  category: thailand\n  colour: red\n")
    line = _line_of(content_copy, TH, "colour: red")
    assert f"content/faq/thailand.yaml:{line}: [th-legal-ways.colour] unknown field" in "\n".join(
        _problems(content_copy)
    )


def test_missing_field(content_copy):
    _break(content_copy, TH, "  related:", "  unrelated_removed:")
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.related] missing field" in probs


def test_duplicate_id_across_files(content_copy):
    _break(content_copy, "faq/korea.yaml", "- id: kr-eps\n", "- id: th-costs\n")
    probs = "\n".join(_problems(content_copy))
    assert "[th-costs.id] duplicate id (first defined in content/faq/" in probs


def test_missing_language(content_copy):
    _break(content_copy, TH, "    en: Legal ways to work in Thailand\n", "")
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.title.en] missing language" in probs


def test_related_pointing_nowhere(content_copy):
    _break(content_copy, TH, "related: [", "related: [no-such-entry, ")
    probs = "\n".join(_problems(content_copy))
    assert "unknown entry id 'no-such-entry'" in probs


def test_empty_variant(content_copy):
    _break(content_copy, TH, '      - "legal ways to work in Thailand"\n', '      - ""\n')
    line = _line_of(content_copy, TH, '      - ""')
    probs = "\n".join(_problems(content_copy))
    assert f"thailand.yaml:{line}: [th-legal-ways.questions.en[0]] empty question variant" in probs


def test_answer_too_long(content_copy):
    _break(
        content_copy,
        TH,
        "  answer:\n    lo: |\n",
        "  answer:\n    lo: |\n" + ("      ຍາວ\n" * 1200),
    )
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.answer.lo] answer is" in probs and "4096" in probs


def test_topic_without_entry(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("- id: th-wages-rights", "- id: th-wages-rights-old"), encoding="utf-8"
    )
    probs = "\n".join(_problems(content_copy))
    assert "topic 'th-wages-rights' (thailand) has no FAQ entry" in probs


def test_missing_sources(content_copy):
    _break(content_copy, TH, "  sources:\n", "  sources: []\n  old_sources:\n")
    probs = "\n".join(_problems(content_copy))
    assert "at least one source" in probs


def test_all_problems_reported_at_once(content_copy):
    _break(content_copy, TH, "related: [", "related: [nowhere-1, ")
    _break(content_copy, "faq/korea.yaml", "related: [", "related: [nowhere-2, ")
    probs = "\n".join(_problems(content_copy))
    assert "nowhere-1" in probs and "nowhere-2" in probs


def test_cli_validate_exit_codes(content_copy, capsys):
    from bot.cli import main

    assert main(["validate", "--content", str(content_copy)]) == 0
    _break(content_copy, TH, "related: [", "related: [nowhere, ")
    assert main(["validate", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "thailand.yaml" in err and "nowhere" in err


def test_summary_too_long(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"(  summary:\n    lo: .*\n    en: ).*\n", r"\g<1>" + "x" * 351 + "\n", text, count=1
    )
    path.write_text(text, encoding="utf-8")
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.summary.en] summary is 351 characters" in probs


def test_unknown_stage(content_copy):
    _break(content_copy, TH, "  stage: before\n", "  stage: later\n")
    line = _line_of(content_copy, TH, "stage: later")
    probs = "\n".join(_problems(content_copy))
    assert f"thailand.yaml:{line}: [th-legal-ways.stage] unknown stage 'later'" in probs


def test_source_date_must_be_a_date(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"date: \d{4}-\d\d-\d\d\}", "date: soon}", text, count=1), encoding="utf-8"
    )
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.sources[0].date] expected a date" in probs


def test_summary_is_required(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"  summary:\n    lo: .*\n    en: .*\n", "", text, count=1), encoding="utf-8"
    )
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.summary] missing field" in probs


def test_each_source_needs_its_date(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r", date: \d{4}-\d\d-\d\d\}", "}", text, count=1), encoding="utf-8")
    line = next(
        n
        for n, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ln.startswith("    - {title:") and "date:" not in ln
    )
    probs = "\n".join(_problems(content_copy))
    assert f"thailand.yaml:{line}: [th-legal-ways.sources[0].date] missing" in probs


def test_a_bare_homepage_is_no_source(content_copy):
    path = content_copy / TH
    text = path.read_text(encoding="utf-8")
    start = text.index("  sources:\n    - {title: ")
    url_at = text.index('url: "', start) + len('url: "')
    end = text.index('"', url_at)
    path.write_text(text[:url_at] + "https://www.doe.go.th/" + text[end:], encoding="utf-8")
    probs = "\n".join(_problems(content_copy))
    assert "[th-legal-ways.sources[0].url] a site's homepage" in probs
