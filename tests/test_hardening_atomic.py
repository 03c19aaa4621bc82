"""The overlay write and its audit row survive a crash together (issue #13, finding 9):
the row is written first as pending; at start the editor keeps it if the file shows the
change, and drops it if the write never happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.app.editor import ContentEditor
from bot.app.runtime import Runtime
from bot.storage import admin as db

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import os, sys
from pathlib import Path
from bot.core import admin as core
from bot.app.editor import ContentEditor
from bot.app.runtime import Runtime
from bot.storage import admin as db
root, dbpath, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
editor = ContentEditor(Runtime.open(root, dbpath, frozenset({1})))
real = db.atomic_write
def crash(path, text):
    if when == "after":
        real(path, text)
    os._exit(3)  # the process dies here: power cut, OOM kill
db.atomic_write = crash
editor.commit(core.Edit(core.ADD_VARIANT, "kr-eps", "en", "zebra permit for korea"), 1)
"""


def _crash(root: Path, dbpath: Path, when: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(root), str(dbpath), when],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 3, run.stderr


def test_crash_after_the_file_write_keeps_the_audit_row(content_copy, tmp_path):
    dbpath = tmp_path / "bot.sqlite3"
    _crash(content_copy, dbpath, "after")
    assert "zebra permit" in (content_copy / "overlay.yaml").read_text(encoding="utf-8")
    services = Runtime.open(content_copy, dbpath, frozenset({1}))
    editor = ContentEditor(services)  # the bot starts again
    rows = db.recent_changes(services.store)
    assert [r["entry_id"] for r in rows] == ["kr-eps"]
    outcome = editor.undo(None, 1)  # not called a hand edit
    assert outcome.ok, outcome
    assert not (content_copy / "overlay.yaml").exists()


def test_crash_before_the_file_write_leaves_no_audit_row(content_copy, tmp_path):
    dbpath = tmp_path / "bot.sqlite3"
    _crash(content_copy, dbpath, "before")
    assert not (content_copy / "overlay.yaml").exists()
    services = Runtime.open(content_copy, dbpath, frozenset({1}))
    ContentEditor(services)
    assert db.recent_changes(services.store) == []
