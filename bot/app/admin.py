"""Admin reports from storage: the figures behind /missed, /stats and /changes.

Channels (Telegram, the CLI) call these and render the values with bot/core/admin; they
never query storage themselves.
"""

from __future__ import annotations

from bot.app.runtime import Runtime
from bot.core import admin as core
from bot.storage import admin as db

DAY = 86400


def missed_groups(services: Runtime, now: float, days: int) -> list[core.MissedGroup]:
    """Unanswered questions of the last `days`, similar ones grouped, minus what the
    current content now answers."""
    rows = db.unanswered_since(services.store, now - days * DAY, core.MAX_MISSED_ROWS)
    return core.still_missed(core.group_missed(rows), services.dialogue.matcher.match)


def stats(services: Runtime, now: float) -> tuple[core.Stats, core.Stats]:
    """The last 7 and 30 days."""
    store, since = services.store, now - 30 * DAY
    asked = db.asked_since(store, since)
    feedback = db.feedback_since(store, since)
    quiz = db.quiz_plays_since(store, since)
    return (
        core.compute_stats(asked, feedback, quiz, now, 7),
        core.compute_stats(asked, feedback, quiz, now, 30),
    )


def recent_changes(services: Runtime) -> list:
    return db.recent_changes(services.store)
