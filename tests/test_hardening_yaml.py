"""YAML from admins and content files cannot crash or freeze the bot (issue #13, finding 7):
complex keys, deep nesting and impossible dates become file:line problems; admin input
also refuses aliases (the 'billion laughs' bomb) and is bounded in size."""

from __future__ import annotations

import shutil
import time

import pytest

from bot.core.content import load_content
from bot.core.errors import ContentError
from bot.core.validate import validate_all
from bot.core.yamlsrc import parse_yaml
from tests.conftest import CONTENT

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _problem(text: str, **kw) -> str:
    with pytest.raises(ContentError) as err:
        parse_yaml(text, "message", **kw)
    return str(err.value.problems[0])


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "x: 1\n? {a: 1}\n: 2\n"])
def test_complex_key_names_the_line(text):
    problem = _problem(text)
    assert "key" in problem and "message:" in problem


def test_alias_to_a_list_used_as_a_key_is_a_problem():
    assert "key" in _problem("a: &x [1]\n*x : 2\n")


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 400))])  # fmt: skip
def test_deep_nesting_is_a_problem_not_a_recursion_error(text):
    assert "deep" in _problem(text)


def test_impossible_date_is_a_problem():
    assert "2026-02-30" in _problem("reviewed: 2026-02-30\n") or "day" in _problem("reviewed: 2026-02-30\n")  # fmt: skip


def test_admin_input_refuses_aliases_at_once():
    started = time.monotonic()
    assert "alias" in _problem(BOMB, strict=True) or "anchor" in _problem(BOMB, strict=True)
    assert time.monotonic() - started < 1


def test_admin_input_is_bounded_in_size():
    assert "long" in _problem("id: x\nnote: " + "a" * 70_000 + "\n", strict=True)


def test_content_files_may_still_use_anchors():
    assert parse_yaml("a: &n [1]\nb: *n\n", "centres.yaml") == {"a": [1], "b": [1]}


def test_complex_key_in_a_content_file_is_reported_at_start_up_and_validate(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    path = root / "faq" / "korea.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- ? [a, b]\n  : 1\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    assert any("korea.yaml" in str(p) and "key" in str(p) for p in err.value.problems)
    problems, _summary = validate_all(root)
    assert problems and "korea.yaml" in str(problems[0])
