"""The event export cannot carry a spreadsheet formula (issue #13, finding 3)."""

from __future__ import annotations

import csv
import io

import pytest

from bot.core import quiz as q


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://ev.il","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_results_export_neutralises_formulas_in_names(name):
    score = q.Score(
        key=1, number=1, name=name, answered=1, correct=1, seconds=2, by_question={0: True}
    )
    data = q.results_csv([q.Ranked(rank=1, score=score)], 1, "en")
    cell = _rows(data)[1][1]
    assert cell == "'" + name


def test_results_export_keeps_ordinary_names_and_numbers():
    score = q.Score(
        key=1, number=1, name="Noy", answered=1, correct=1, seconds=2, by_question={0: True}
    )
    rows = _rows(q.results_csv([q.Ranked(rank=1, score=score)], 1, "en"))
    assert rows[1][:5] == ["1", "Noy", "1", "1", "2"]
