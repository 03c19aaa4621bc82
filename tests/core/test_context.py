"""Conversation context: the country of the last answer, per chat, for a few minutes."""

from bot.core.context import CONTEXT_MINUTES, Context, follow_up_country, next_country
from tests.clock import Clock


def test_topic_is_kept_per_chat_for_some_minutes():
    clock = Clock(1000.0)
    ctx = Context(clock)
    ctx.remember(1, "KR", "kr-eps")
    ctx.remember(2, "JP", "jp-ssw")
    assert ctx.get(1).country == "KR" and ctx.get(2).country == "JP"
    clock.now += CONTEXT_MINUTES * 60 - 1
    assert ctx.get(1).country == "KR"
    clock.now += 2
    assert ctx.get(1) is None
    assert len(ctx) == 1  # the stale topic was dropped


def test_no_chat_no_memory():
    ctx = Context(Clock(1000.0))
    ctx.remember(None, "KR", "kr-eps")
    assert ctx.get(None) is None and len(ctx) == 0


def test_oldest_chats_are_forgotten_beyond_the_limit():
    ctx = Context(Clock(1000.0), max_chats=2)
    for chat in (1, 2, 3):
        ctx.remember(chat, "TH", None)
    assert ctx.get(1) is None and ctx.get(3) is not None


def test_forget():
    ctx = Context(Clock(1000.0))
    ctx.remember(7, "TH", "th-costs")
    ctx.forget(7)
    assert ctx.get(7) is None


def test_follow_up_assumes_the_last_country_only_when_none_is_named():
    ctx = Context(Clock(1000.0))
    ctx.remember(1, "KR", "kr-eps")
    topic = ctx.get(1)
    assert follow_up_country(topic, frozenset()) == "KR"
    assert follow_up_country(topic, frozenset({"JP"})) is None
    assert follow_up_country(None, frozenset()) is None


def test_next_country_prefers_the_answer_then_the_named_country():
    assert next_country(None, frozenset({"JP"}), "KR") == "KR"
    assert next_country(None, frozenset({"JP"}), None) == "JP"
    assert next_country(None, frozenset({"JP", "KR"}), None) is None
