"""Case storage: routing ids only, deleted by /forget and after the retention period."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.storage.db import Store, connect
from bot.storage.handoff import HandoffStore
from tests.clock import Clock


@pytest.fixture
def cases(tmp_path):
    clock = Clock(1_000_000_000.0)
    store = Store(connect(tmp_path / "h.sqlite3"), clock=clock)
    return HandoffStore(store), store, clock


def test_no_column_can_hold_a_message_or_a_name(cases):
    _h, store, _c = cases
    cols = {
        r[1]
        for t in ("handoff_cases", "handoff_messages")
        for r in store.conn.execute(f"PRAGMA table_info({t})")
    }
    assert cols == {
        "id", "user_chat_id", "lang", "country", "thread_id", "header_message_id", "urgent",
        "opened_at", "closed_at", "group_message_id", "case_id",
    }  # fmt: skip


def test_case_numbers_are_never_reused(cases):
    h, _s, _c = cases
    first = h.open_case(1, "lo", "TH", urgent=False)
    h.delete(first.number)
    assert h.open_case(2, "en", None, urgent=False).number == first.number + 1


def test_routing_by_topic_and_by_relayed_message(cases):
    h, _s, _c = cases
    a, b = h.open_case(1, "lo", "TH", False), h.open_case(2, "en", "KR", False)
    h.set_routing(a.number, 50, 51)
    h.add_message(b.number, 60)
    assert h.by_thread(50).number == a.number and h.by_group_message(60).number == b.number
    assert h.by_group_message(61) is None


def test_forget_deletes_the_users_cases_and_their_routing(cases):
    h, store, _c = cases
    a = h.open_case(1, "lo", "TH", False)
    h.add_message(a.number, 70)
    other = h.open_case(2, "lo", "TH", False)
    store.forget_user(1)  # /forget goes through USER_TABLES
    assert h.get(a.number) is None and h.by_group_message(70) is None
    assert h.get(other.number) is not None


def test_purge_keeps_open_and_recent_cases(cases):
    h, _s, clock = cases
    old, recent, still_open = (h.open_case(u, "lo", None, False) for u in (1, 2, 3))
    h.close(old.number)
    clock.now += 20 * 86400
    h.close(recent.number)
    clock.now += 15 * 86400
    assert h.purge_closed(30) == 1
    assert h.get(old.number) is None and h.get(recent.number) and h.get(still_open.number)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"BOT_COUNSELLOR_CHAT": "counsellors"}, "BOT_COUNSELLOR_CHAT"),
        ({"BOT_COUNSELLOR_CHAT": "12345"}, "negative number"),
        ({"BOT_COUNSELLOR_HOURS": "weekdays"}, "BOT_COUNSELLOR_HOURS"),
        ({"BOT_COUNSELLOR_KEEP_DAYS": "0"}, "BOT_COUNSELLOR_KEEP_DAYS"),
    ],
)
def test_counsellor_settings_are_checked(env, says, tmp_path):
    with pytest.raises(ConfigError, match=says):
        load_settings(env, dotenv=tmp_path / "none.env")


def test_counsellor_settings_read(tmp_path):
    env = {"BOT_COUNSELLOR_CHAT": "-1001234567890", "BOT_COUNSELLOR_HOURS": "Mon-Sat 07:00-19:00"}
    s = load_settings(env, dotenv=tmp_path / "none.env")
    assert (s.counsellor_chat, s.counsellor_hours, s.counsellor_keep_days) == (
        -1001234567890, "Mon-Sat 07:00-19:00", 30,
    )  # fmt: skip
    assert load_settings({}, dotenv=tmp_path / "none.env").counsellor_chat is None
