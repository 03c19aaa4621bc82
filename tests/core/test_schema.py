"""One field check for the three loaders (bot/core/schema.py): the same mistake gets the
same message, naming file, line and `<id>.<field>`, in the FAQ, the quiz and the directory."""

from __future__ import annotations

import re

import pytest

from bot.core.errors import Problem
from bot.core.schema import MAX_ID_CHARS, Record
from bot.core.validate import validate_all
from bot.core.yamlsrc import parse_yaml

# (file, record id, field whose English text is emptied)
FIELDS = [
    ("content/faq/thailand.yaml", "th-legal-ways", "title"),
    ("content/quiz.yaml", "th-permit-years", "question"),
    ("content/centres.yaml", "lsw-vientiane-capital", "name"),
]


def _empty_the_english(root, rel: str, rid: str, field: str) -> int:
    """Blank the `en` text of `field` in the record `rid`; returns the line changed."""
    path = root.parent / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.search(rf"- id: {rid}$", line.rstrip()))
    for i in range(start, len(lines)):
        if f"{field}:" in lines[i]:
            for j in range(i, i + 3):
                if "en:" in lines[j]:
                    lines[j] = re.sub(r"en: [^,}\n]*", 'en: " "', lines[j], count=1)
                    path.write_text("".join(lines), encoding="utf-8")
                    return j + 1
    raise AssertionError(f"{field} of {rid} not found in {rel}")


@pytest.mark.parametrize(("rel", "rid", "field"), FIELDS)
def test_an_empty_text_is_named_alike_in_every_loader(content_copy, rel, rid, field):
    line = _empty_the_english(content_copy, rel, rid, field)
    problems, _summary = validate_all(content_copy)
    said = [str(p) for p in problems]
    assert f"{rel}:{line}: [{rid}.{field}.en] empty text" in said, said


def _record(yaml_text: str) -> tuple[Record, list[Problem]]:
    problems: list[Problem] = []
    raw = parse_yaml(yaml_text, "x.yaml")
    return Record(raw, "x.yaml", f"{raw.get('id')}.", problems), problems


def test_texts_reports_each_language_at_its_own_line():
    rec, problems = _record("id: one\ntitle:\n  lo: ' '\n  en: " + "x" * 41 + "\n  fr: salut\n")
    assert rec.texts("title", 40, "keep titles short") == {}
    assert sorted(str(p) for p in problems) == [
        "x.yaml:3: [one.title.lo] empty text",
        "x.yaml:4: [one.title.en] title is 41 characters; keep titles short",
        "x.yaml:5: [one.title.fr] unknown language (use lo, en)",
    ]


def test_texts_missing_language_and_not_a_mapping():
    rec, problems = _record("id: one\ntitle: {lo: ສະບາຍດີ}\nsummary: just text\n")
    assert rec.texts("title") == {"lo": "ສະບາຍດີ"}
    assert rec.texts("summary") == {}
    assert rec.texts("answer") == {}  # absent: `fields()` says it is missing
    assert [str(p) for p in problems] == [
        "x.yaml:2: [one.title.en] missing language",
        "x.yaml:3: [one.summary] expected a mapping with lo and en",
    ]


@pytest.mark.parametrize(
    "rid",
    ["kr-eps\n", "Kr-eps", "kr:eps", "k", "x" * (MAX_ID_CHARS + 1), 7],
    ids=["newline", "upper", "colon", "short", "long", "number"],
)
def test_an_id_that_cannot_travel_in_a_button_is_refused(rid):
    problems: list[Problem] = []
    raw = parse_yaml("id: placeholder\n", "x.yaml")
    raw["id"] = rid
    Record(raw, "x.yaml", "", problems).fields(("id",))
    assert [p.field for p in problems] == ["id"]
    assert "lowercase letters, digits and '-'" in problems[0].message


def test_fields_flag_one_of_and_date():
    rec, problems = _record("id: one\nkind: shop\nok: maybe\nwhen: soon\ncolour: red\n")
    rec.fields(("id", "kind", "ok", "when", "size"))
    assert rec.one_of("kind", ("centre", "embassy"), "kind") == "shop"
    assert rec.flag("ok") is False
    assert rec.date("when") == "soon"
    assert [str(p) for p in problems] == [
        "x.yaml:5: [one.colour] unknown field (allowed: id, kind, ok, when, size)",
        "x.yaml:1: [one.size] missing field",
        "x.yaml:2: [one.kind] unknown kind 'shop' (use centre, embassy)",
        "x.yaml:3: [one.ok] expected true or false",
        "x.yaml:4: [one.when] expected a date like 2026-11-29",
    ]
