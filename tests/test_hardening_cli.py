"""The command line with odd arguments (issue #13, finding 12): clear refusals, no
silent surprises, no cascades of follow-on errors."""

from __future__ import annotations

import json
import shutil

from bot.cli import main
from bot.storage.db import connect
from tests.conftest import CONTENT


def test_backup_to_a_folder_that_does_not_exist_refuses(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BOT_DB", raising=False)
    db = tmp_path / "bot.sqlite3"
    connect(db).close()
    target = tmp_path / "no" / "such" / "folder" / "copy.sqlite3"
    assert main(["backup", str(target), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "folder" in err and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_backup_into_an_existing_folder_works(tmp_path, capsys):
    db = tmp_path / "bot.sqlite3"
    connect(db).close()
    assert main(["backup", str(tmp_path / "copy.sqlite3"), "--db", str(db)]) == 0
    assert (tmp_path / "copy.sqlite3").exists()


def test_ask_json_does_not_echo_a_huge_question_whole(capsys):
    assert main(["ask", "--json", "--content", str(CONTENT), "passport " * 12_000]) == 0
    row = json.loads(capsys.readouterr().out)
    assert len(row["query"]) <= 520 and row["decision"] in ("answer", "suggest", "none")


def test_validate_on_a_missing_folder_says_folder_not_found(tmp_path, capsys):
    assert main(["validate", "--content", str(tmp_path / "nope")]) == 1
    assert "folder not found" in capsys.readouterr().err


def _broken_copy(tmp_path):
    root = tmp_path / "mycontent"
    shutil.copytree(CONTENT, root)
    path = root / "faq" / "fraud.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.strip().startswith("lo:"))
    lines[i] = lines[i].replace("lo: ", 'lo: "', 1)  # an unclosed quote
    path.write_text("".join(lines), encoding="utf-8")
    return root


def test_one_yaml_syntax_error_is_one_problem(tmp_path, capsys):
    root = _broken_copy(tmp_path)
    assert main(["validate", "--content", str(root)]) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "fraud.yaml" in errors[0] and "YAML" in errors[0]


def test_topics_problem_names_the_topics_file_under_content(tmp_path, capsys):
    root = tmp_path / "mycontent"
    shutil.copytree(CONTENT, root)
    topics = root / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\nextra:\n  no-such-topic: x\n",
                      encoding="utf-8")  # fmt: skip
    assert main(["validate", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "mycontent/topics.yaml" in err and "content/topics.yaml" not in err.replace("mycontent/", "")  # fmt: skip
