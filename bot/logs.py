"""Structured logs: one line per event, key=value, never the bot token.

httpx logs every request URL, and Telegram URLs contain the token, so those
URLs are redacted by a filter on the root handler.
"""

from __future__ import annotations

import logging
import os
import re
import sys

_TOKEN_RE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
_BOT_PATH_RE = re.compile(r"/bot[^/\s]+/")


class RedactToken(logging.Filter):
    """Removes anything that looks like a bot token from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = _BOT_PATH_RE.sub("/bot<token>/", _TOKEN_RE.sub("<token>", msg))
        if clean != msg:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s")
    )
    handler.addFilter(RedactToken())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("BOT_LOG_LEVEL", "INFO"))
    # httpx logs each request at INFO; keep it at WARNING (its URLs carry the token)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates (sender and text) at DEBUG: never below INFO
    for name in ("telegram", "telegram.ext"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
