"""The command line: ask's JSON format (read by the evaluation script score.py), help for every verb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]


def _run(*args, stdin=None, env=None, process=False):
    """`python -m bot ...`: in this process (tests/cli.py), or a real one with `process`."""
    if not process:
        return run_cli(*args, stdin=stdin, env={**os.environ, **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_ask_json_one_object_per_line_in_order():
    questions = ["How much does it cost to go to Korea?", "ເບີໂທສຸກເສີນ", "asdf qwer", ""]
    p = _run("ask", "--json", stdin="\n".join(questions) + "\n", process=True)  # as score.py
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["query"] for r in rows] == questions
    for r in rows:
        assert set(r) == {"query", "lang", "id", "score", "decision", "suggestions"}
        assert r["lang"] in ("lo", "en")
        assert r["decision"] in ("answer", "suggest", "none")
        assert 0 <= r["score"] <= 100
        assert len(r["suggestions"]) <= 3
        assert (r["id"] is not None) == (r["decision"] == "answer")
    assert rows[0]["id"] == "kr-costs" and rows[0]["lang"] == "en"
    assert rows[1]["lang"] == "lo"
    assert rows[2]["id"] is None


def test_ask_plain_prints_answer_with_sources():
    p = _run("ask", "--lang", "en", "Lao", "embassy", "in", "Seoul")
    assert p.returncode == 0, p.stderr
    assert "Seoul" in p.stdout and "Sources:" in p.stdout


def test_ask_with_broken_content_fails_clearly(tmp_path):
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "x.yaml").write_text("- id: [oops\n", encoding="utf-8")
    p = _run("ask", "--content", str(tmp_path), "hello")
    assert p.returncode == 1
    assert "faq/x.yaml:" in p.stderr and "YAML syntax error" in p.stderr


@pytest.mark.parametrize("verb", list(build_parser()._subparsers._group_actions[0].choices))
def test_every_verb_has_help(verb):
    sub = build_parser()._subparsers._group_actions[0].choices[verb]
    assert sub.description or sub.format_help().strip()
    action = next(
        a for a in build_parser()._subparsers._group_actions[0]._choices_actions if a.dest == verb
    )
    assert action.help, f"`{verb}` has no help text"


def test_run_without_token_explains(tmp_path):
    p = _run("run", env={"TELEGRAM_BOT_TOKEN": "", "BOT_DB": str(tmp_path / "x.db")}, process=True)
    assert p.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in p.stderr and "chat" in p.stderr
