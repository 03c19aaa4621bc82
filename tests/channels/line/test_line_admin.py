"""Questions from LINE reach the admins' /missed and /stats, with their channel."""

from __future__ import annotations

import time

from bot.app import admin as reports
from bot.core.admin import replies as admin_ui
from bot.core.admin import stats_text


async def test_missed_from_line_shows_its_channel(line_chat):
    await line_chat.say("what is the best recipe for papaya salad")
    groups = reports.missed_groups(line_chat.services, time.time() + 60, 7)
    assert [(g.text, g.channels) for g in groups] == [
        ("what is the best recipe for papaya salad", ("line",))
    ]
    content = line_chat.services.dialogue.content
    text = "\n".join(r.text for r in admin_ui.missed_replies(groups, {}, content, "en", 7))
    assert "· line" in text


async def test_stats_count_questions_per_channel(line_chat):
    services = line_chat.services
    await line_chat.say("passport taken by employer")
    services.store.add_asked("kr-eps", "answer", "en")  # one from Telegram
    short, long = reports.stats(services, time.time() + 60)
    assert long.channels == {"line": 1, "telegram": 1}
    assert "Channels: line 1 | 1, telegram 1 | 1" in stats_text(short, long, None, "en")


async def test_line_alone_purges_old_anonymous_records(line_chat):
    import asyncio

    from bot.cli.run import retention_loop

    store = line_chat.services.store
    store.add_unanswered("old question", "en", "line")
    store.conn.execute("UPDATE unanswered SET at = at - 400 * 86400")
    store.add_unanswered("new question", "en", "line")
    task = asyncio.create_task(retention_loop(line_chat.services, 180, every_s=3600, first_s=0))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if store.count("unanswered") == 1:
            break
    task.cancel()
    assert [r["text"] for r in store.unanswered()] == ["new question"]


def test_missed_csv_names_the_channels():
    import csv
    import io

    from bot.core.admin import group_missed, missed_csv

    rows = [("a job in dubai", "en", 1.0, "line"), ("a job in dubai?", "en", 2.0, "telegram")]
    rows += [("a job in dubai", "en", 3.0, "line")]
    (row,) = csv.DictReader(io.StringIO(missed_csv(group_missed(rows), {})))
    assert row["count"] == "3" and row["channels"] == "line telegram"
