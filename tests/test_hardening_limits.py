"""Smaller holes (issue #13, finding 11): unanswered rows are capped per day, poll answers
are range-checked, error reports to admins read as plain text."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.channels.telegram.handlers.errors import on_error
from bot.storage import db as storage
from bot.storage.db import Store, connect
from tests.clock import Clock


def test_unanswered_rows_are_capped_per_day(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "UNANSWERED_PER_DAY", 5)
    clock = Clock(20_000 * 86400.0 + 3600)
    store = Store(connect(tmp_path / "db.sqlite3"), clock=clock)
    for i in range(8):
        store.add_unanswered(f"question {i}", "en")
    assert store.count("unanswered") == 5
    clock.now += 86400  # the next day: room again
    store.add_unanswered("tomorrow", "en")
    assert store.count("unanswered") == 6


def test_error_report_is_plain_text_not_html_escaped():
    sent: list[str] = []

    async def send_message(chat_id, text, **kw):
        sent.append(text)

    context = SimpleNamespace(
        error=ValueError("can't parse <this> & that"),
        bot_data={"services": SimpleNamespace(admin_ids={1})},
        bot=SimpleNamespace(send_message=send_message),
    )
    asyncio.run(on_error(object(), context))
    assert sent and "can't parse <this> & that" in sent[0]
    assert "&#x27;" not in sent[0] and "&lt;" not in sent[0]
