"""One error handler: log with the traceback; tell admins briefly, rate-limited."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import ContextTypes

log = logging.getLogger("bot.errors")

REPORT_EVERY_S = 300  # at most one admin report per 5 minutes (an error storm must not flood)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("unhandled error update_id=%s", update_id, exc_info=context.error)
    last = context.bot_data.get("last_error_report", 0.0)
    now = time.monotonic()
    admins = context.bot_data["services"].admin_ids
    if not admins or now - last < REPORT_EVERY_S:
        return
    context.bot_data["last_error_report"] = now
    text = f"⚠️ Bot error (update {update_id}): {type(context.error).__name__}: {context.error}"
    for admin in admins:
        try:
            await context.bot.send_message(admin, text[:1000])  # plain text: no escaping
        except Exception:  # an admin who blocked the bot must not hide the next error
            log.warning("could not report error to an admin")
