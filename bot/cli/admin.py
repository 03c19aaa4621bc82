"""CLI verbs for content admins: stats | missed | coverage (the same figures as /stats and
/missed in Telegram, for a terminal or a spreadsheet). Added to bot/cli/__init__.py's parser."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.core import admin as core
from bot.core.content import Content
from bot.core.errors import ContentError

DB_HELP = "SQLite file (default: BOT_DB or data/bot.sqlite3)"


def _store(args: argparse.Namespace):
    """The bot's database, opened only if it exists (a typo must not create an empty one)."""
    from bot.config import ConfigError, load_settings
    from bot.storage.db import DatabaseError, Store, connect

    path = args.db
    if path is None:
        try:
            path = load_settings().db_path
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return None
    if not Path(path).exists():
        print(f"error: no database at {path} (set BOT_DB or pass --db)", file=sys.stderr)
        return None
    try:
        return Store(connect(path))
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _content(
    args: argparse.Namespace, content_dir: Callable, overlay_path: Callable | None = None
) -> Content | None:
    """The content as the bot serves it: with the admins' edits (BOT_OVERLAY)."""
    from bot.core.content import load_content

    overlay = overlay_path(args) if overlay_path else None
    try:
        return load_content(content_dir(args), overlay_path=overlay)
    except ContentError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return None


def cmd_stats(
    args: argparse.Namespace, content_dir: Callable, overlay_path: Callable | None = None
) -> int:
    """Questions, decisions, feedback, topics, languages and quiz plays: 7 and 30 days."""
    from bot.storage import admin as db

    store = _store(args)
    if store is None:
        return 1
    now = time.time()
    since = now - 30 * 86400
    asked, fb = db.asked_since(store, since), db.feedback_since(store, since)
    quiz = db.quiz_plays_since(store, since)
    short = core.compute_stats(asked, fb, quiz, now, 7)
    long = core.compute_stats(asked, fb, quiz, now, 30)
    content = _content(args, content_dir, overlay_path)
    print(core.stats_text(short, long, content, "en"))
    if args.png:
        from bot.core.chart import stats_png

        args.png.write_bytes(stats_png(long))
        print(f"chart: {args.png}")
    return 0


def cmd_missed(
    args: argparse.Namespace, content_dir: Callable, overlay_path: Callable | None = None
) -> int:
    """Questions the bot could not answer, near-duplicates grouped, most frequent first."""
    from bot.app.runtime import matcher_for
    from bot.storage import admin as db

    store = _store(args)
    content = _content(args, content_dir, overlay_path)
    if store is None or content is None:
        return 1
    rows = db.unanswered_since(store, time.time() - args.days * 86400, core.MAX_MISSED_ROWS)
    matcher = matcher_for(content)
    groups = core.group_missed(rows)
    if not args.all:
        groups = core.still_missed(groups, matcher.match)
    suggestions = {g.id: [eid for eid, _s in matcher.match(g.text).ranked[:3]] for g in groups}
    if args.csv:
        sys.stdout.write(core.missed_csv(groups, suggestions))
        return 0
    if not groups:
        print(f"no unanswered questions in the last {args.days} days")
    for g in groups:
        print(f"{g.count:>4}  {g.lang}  {core.when(g.last_at)}  {g.text}")
        for other in g.others[:5]:
            print(f"{'':>4}        also: {other}")
        print(f"{'':>4}        suggest: {', '.join(suggestions[g.id]) or '-'}")
    return 0


def cmd_coverage(
    args: argparse.Namespace, content_dir: Callable, overlay_path: Callable | None = None
) -> int:
    """Per entry and language: variants, answer length, review date, native review, stale;
    --confirm: what to confirm and review; --map: the topic map."""
    content = _content(args, content_dir, overlay_path)
    if content is None:
        return 1
    if args.map:
        print(core.topic_map(content))
        return 0
    if args.confirm:
        print(core.to_check_text(core.to_check(content)))
        return 0
    rows = core.coverage(content, core.today(time.time))
    if args.stale:
        rows = [r for r in rows if r.stale]
    sys.stdout.write(core.coverage_csv(rows) if args.csv else core.coverage_table(rows) + "\n")
    return 0


def add_admin_verbs(
    sub, content_arg: Callable, content_dir: Callable, overlay_path: Callable | None = None
) -> None:
    """stats, missed and coverage, each with help (bot/cli/__init__.py calls this)."""
    p = sub.add_parser("stats", help="questions, answers, feedback, topics: last 7 and 30 days")
    content_arg(p)
    p.add_argument("--db", type=Path, default=None, help=DB_HELP)
    p.add_argument("--png", type=Path, default=None, help="also write the chart to this PNG file")
    p.set_defaults(func=lambda a: cmd_stats(a, content_dir, overlay_path))

    p = sub.add_parser("missed", help="unanswered questions, similar ones grouped, with counts")
    content_arg(p)
    p.add_argument("--db", type=Path, default=None, help=DB_HELP)
    p.add_argument("--days", type=int, default=30, help="how far back (default 30 days)")
    p.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")
    p.add_argument("--all", action="store_true", help="include questions the bot answers now")
    p.set_defaults(func=lambda a: cmd_missed(a, content_dir, overlay_path))

    p = sub.add_parser("coverage", help="per entry and language: variants, answer, review dates")
    content_arg(p)
    p.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")
    p.add_argument("--stale", action="store_true", help=f"only entries reviewed over {core.STALE_DAYS} days ago")  # fmt: skip
    p.add_argument("--confirm", action="store_true", help="facts to confirm (to_confirm) and Lao awaiting native review")  # fmt: skip
    p.add_argument("--map", action="store_true", help="topic map: entries per country by journey stage (Markdown)")  # fmt: skip
    p.set_defaults(func=lambda a: cmd_coverage(a, content_dir, overlay_path))
