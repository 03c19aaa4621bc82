"""`python -m bot stats | missed | coverage`: the admin figures in a terminal."""

from __future__ import annotations

import csv
import io
import time

from bot.storage.db import Store, connect
from tests.test_cli import _run


def _db_with_events(path):
    store = Store(connect(path))
    for q in ("how to get a job in dubai", "How to get a job in Dubai?", "blorp zzz"):
        store.add_unanswered(q, "en")
    store.add_unanswered("how much does it cost to work in korea", "en")  # answered now
    for entry, decision in (("kr-eps", "answer"), ("kr-eps", "answer"), (None, "none")):
        store.add_asked(entry, decision, "lo")
    store.add_feedback("kr-eps", False)
    old = Store(store.conn, clock=lambda: time.time() - 20 * 86400)
    old.add_asked("th-costs", "suggest", "en")
    store.conn.close()


def test_stats_prints_both_windows_and_writes_a_chart(tmp_path):
    db = tmp_path / "bot.sqlite3"
    _db_with_events(db)
    png = tmp_path / "stats.png"
    p = _run("stats", "--db", str(db), "--png", str(png))
    assert p.returncode == 0, p.stderr
    assert "Questions: 3 | 4" in p.stdout and "• suggested: 0 | 1" in p.stdout
    assert "• kr-eps: 👍 0 / 👎 1" in p.stdout
    assert png.read_bytes().startswith(b"\x89PNG")


def test_missed_csv_groups_and_leaves_out_what_is_answered_now(tmp_path):
    db = tmp_path / "bot.sqlite3"
    _db_with_events(db)
    p = _run("missed", "--db", str(db), "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [(r["count"], r["question"].lower().rstrip("?")) for r in rows] == [
        ("2", "how to get a job in dubai"),
        ("1", "blorp zzz"),
    ]
    assert rows[0]["suggested_entries"]  # the matcher's nearest entries, to add it to
    everything = _run("missed", "--db", str(db), "--all")
    assert "cost to work in korea" in everything.stdout


def test_missed_without_a_database_says_so(tmp_path):
    p = _run("missed", "--db", str(tmp_path / "none.sqlite3"))
    assert p.returncode == 1 and "no database" in p.stderr
    assert not (tmp_path / "none.sqlite3").exists()


def test_coverage_lists_every_entry_and_language():
    p = _run("coverage", "--csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    kr = {r["lang"]: r for r in rows if r["entry"] == "kr-eps"}
    assert {"lo", "en"} <= set(kr) and int(kr["en"]["variants"]) >= 5
    assert int(kr["en"]["answer_chars"]) > 100 and kr.get("th", {}).get("answer_chars") in (
        "-",
        None,
    )
    table = _run("coverage").stdout.splitlines()
    assert table[0].split()[:3] == ["entry", "lang", "variants"]


def test_coverage_confirm_lists_facts_to_confirm_and_lao_awaiting_review():
    p = _run("coverage", "--confirm")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert any(
        line.startswith("kr-eps-topik  content/faq/korea.yaml:")
        and "confirm: EPS-TOPIK fee in Laos" in line
        for line in lines
    ), p.stdout
    assert any("native speaker review needed" in line for line in lines)


def test_coverage_map_counts_every_entry_once_by_country_and_stage():
    from bot.core.content import load_content
    from tests.conftest import CONTENT

    p = _run("coverage", "--map")
    assert p.returncode == 0, p.stderr
    header, _rule, *rows = p.stdout.splitlines()[:7]
    assert header.startswith("| country | before | while working | coming back | trouble |")
    total = rows[-1]
    assert total.startswith("| **all** |")
    assert total.rstrip(" |").split("|")[-1].strip() == str(len(load_content(CONTENT).entries))
    assert "- coming back: return-home" in p.stdout
