"""Numbers, coordinates and text from people the bot does not control (issue #13, finding 6):
every parser refuses '²', 40-digit numbers and infinities with a clear answer, never a crash."""

from __future__ import annotations

import math

import pytest

from bot.app.runtime import Runtime
from bot.core import quiz as q
from bot.core.untrusted import finite_coords, parse_int, scrub
from bot.storage.db import Store, connect
from tests.conftest import CONTENT


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" 12 ", 12), ("²", None), ("٣", None), ("9" * 40, None), ("", None),
     ("1.5", None), ("-3", None), (None, None), ("0", 0)],
)  # fmt: skip
def test_parse_int_takes_ascii_digits_within_bounds(text, expected):
    assert parse_int(text, 0, 1000) == expected


@pytest.mark.parametrize("args", [["²", "Job", "fair"], ["9" * 40, "Job", "fair"], ["٣", "x"]])
def test_event_new_with_odd_numbers_keeps_the_default_count(args):
    n, title = q.parse_new(args)
    assert n == q.EVENT_DEFAULT and title  # the odd "number" is part of the title


@pytest.mark.parametrize("limit", ["²", "9" * 40, "-5", "٣"])
def test_event_mode_with_odd_seconds_is_not_understood(limit):
    assert q.parse_mode(["self", limit]) is None


def test_event_mode_seconds_still_work():
    assert q.parse_mode(["self", "45"]) == (q.SELF, 45)


def test_lone_surrogate_is_stored_not_crashed(tmp_path):
    store = Store(connect(tmp_path / "db.sqlite3"))
    store.add_unanswered("hello \ud800 world", "en")
    assert store.unanswered()[0]["text"] == "hello \ufffd world"
    assert scrub("ok") == "ok"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.inf, 102.6), (17.9, math.nan), (-math.inf, math.inf), (91.0, 0.0), (0.0, 181.0)],
)
def test_location_with_impossible_coordinates_gets_a_reply(loaded, lat, lon):
    turn = loaded.dialogue.on_location(lat, lon, "en")
    assert turn.replies and turn.replies[0].text
    assert not finite_coords(lat, lon)


def test_terminal_commands_split_on_any_whitespace(loaded, tmp_path):
    svc = Runtime(loaded, Store(connect(tmp_path / "db.sqlite3")))
    turn = svc.command("/location\t17.96\n102.61", "en")
    assert "nearest" in turn.replies[0].text.lower()


@pytest.fixture(scope="module")
def loaded():
    from bot.app.runtime import load_live

    return load_live(CONTENT)
