"""Command line: run | chat | ask | validate | health | backup | bench | stats | missed |
coverage. Each verb is a small function."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from bot.core.content import default_content_dir, default_overlay_path, load_content
from bot.core.errors import ContentError

ECHO_MAX = 500  # `ask --json` echoes at most this much of each question


def _content_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--content",
        type=Path,
        default=None,
        help="content folder (default: BOT_CONTENT_DIR or the project's content/); admins' "
        "edits are read from BOT_OVERLAY (default: overlay.yaml in the content folder)",
    )


def _env(name: str) -> str | None:
    """A setting from the environment, else from ./.env (as `run` reads them)."""
    import os

    from bot.config import ConfigError, read_dotenv

    if os.environ.get(name):
        return os.environ[name]
    try:
        return read_dotenv(Path.cwd() / ".env").get(name) or None
    except ConfigError:  # `run` reports a broken .env; these verbs need only paths
        return None


def _content_dir(args: argparse.Namespace) -> Path:
    if args.content:
        return args.content
    env = _env("BOT_CONTENT_DIR")
    return Path(env) if env else default_content_dir()


def _overlay_path(args: argparse.Namespace) -> Path:
    """The admins' edits the bot serves: BOT_OVERLAY, else overlay.yaml in the content folder."""
    env = _env("BOT_OVERLAY")
    return Path(env) if env else default_overlay_path(_content_dir(args))


def _settings(require_token: bool = False):
    """Settings from the environment and ./.env, or None after printing what is wrong."""
    from bot.config import ConfigError, load_settings

    try:
        return load_settings(require_token=require_token)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _warn_unused_overlay(content_dir: Path, overlay_path: Path) -> None:
    """An overlay left in the content folder while BOT_OVERLAY points elsewhere holds edits
    the bot no longer serves (e.g. after an upgrade): say so rather than lose them quietly."""
    stray = default_overlay_path(content_dir)
    if stray.exists() and stray.resolve() != Path(overlay_path).resolve():
        print(
            f"warning: {stray} is not used: admins' edits are read from {overlay_path} "
            "(BOT_OVERLAY). Move it there, or fold its edits into content/faq/ (docs/ADMIN.md)",
            file=sys.stderr,
        )


def _load_or_report(root: Path, overlay_path: Path | None = None):
    try:
        return load_content(root, overlay_path=overlay_path)
    except ContentError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {root}", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every content file; exit 1 with file:line messages when anything is wrong."""
    from bot.core.validate import validate_all

    root, overlay = _content_dir(args), _overlay_path(args)
    _warn_unused_overlay(root, overlay)
    problems, summary = validate_all(root, overlay_path=overlay)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"ok: {summary}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or every line of standard input, as the bot would."""
    from bot.app.runtime import matcher_for
    from bot.core.dialogue import Dialogue
    from bot.core.matching import Match
    from bot.core.smalltalk import small_talk
    from bot.core.text import language_of

    content = _load_or_report(_content_dir(args), _overlay_path(args))
    if content is None:
        return 1
    matcher = matcher_for(content)
    dialogue = Dialogue(content, matcher)
    questions = (
        [" ".join(args.question)] if args.question else (ln.rstrip("\n") for ln in sys.stdin)
    )
    for q in questions:
        m = matcher.match(q)
        lang = language_of(q)
        if small_talk(q):  # greetings, thanks: the dialogue replies without the FAQ
            m = Match(None, 0.0, "smalltalk", ())
        if args.json:
            row = {
                "query": q if len(q) <= ECHO_MAX else q[:ECHO_MAX] + "…",
                "lang": lang,
                "id": m.id,
                "score": round(m.score, 1),
                "decision": m.decision,
                "suggestions": list(m.suggestions),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            reply_lang = args.lang or lang
            for reply in dialogue.on_text(q, lang=reply_lang).replies:
                print(reply.as_plain_text())
                print()
            if m.decision == "answer" and m.id in content.by_id:
                # what the "Sources" button shows: checking an answer means checking these
                print(dialogue.sources_reply(content.by_id[m.id], reply_lang).text)
                print()
    return 0


def _open_services(settings):
    """Runtime for run/health: errors reported clearly, None on failure."""
    from bot.app.runtime import Runtime
    from bot.storage.db import DatabaseError

    try:
        return Runtime.open(
            settings.content_dir,
            settings.db_path,
            settings.admin_ids,
            settings.facilitator_ids,
            overlay_path=settings.overlay_path,
        )
    except ContentError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(
            "the content has errors; fix them (python -m bot validate) and start again",
            file=sys.stderr,
        )
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
    return None


def cmd_run(args: argparse.Namespace) -> int:
    """Start the bot: Telegram by long polling, or a webhook with --webhook / BOT_WEBHOOK_URL;
    LINE at POST /line on PORT when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set
    (either channel alone works). Stops cleanly on SIGTERM/SIGINT."""
    from bot.logs import setup_logging

    setup_logging()
    settings = _settings(require_token=True)
    if settings is None:
        return 2
    webhook = bool(settings.token) and (args.webhook or bool(settings.webhook_url))
    if webhook and not (settings.webhook_url and settings.webhook_secret):
        print(
            "error: webhook mode needs BOT_WEBHOOK_URL (https) and BOT_WEBHOOK_SECRET",
            file=sys.stderr,
        )
        return 2
    _warn_unused_overlay(settings.content_dir, settings.overlay_path)
    services = _open_services(settings)
    if services is None:
        return 1
    if settings.line_enabled:  # LINE at POST /line, alone or beside Telegram (bot/cli/run.py)
        import asyncio

        from bot.cli.run import run_with_line

        telegram, allowed = None, None
        if settings.token:
            from bot.channels.telegram.app import ALLOWED_UPDATES, build_application

            telegram, allowed = build_application(settings, services), ALLOWED_UPDATES
        asyncio.run(
            run_with_line(
                settings,
                services,
                listen=args.listen,
                telegram=telegram,
                webhook=webhook,
                allowed_updates=allowed,
            )
        )
        return 0
    from bot.channels.telegram.app import ALLOWED_UPDATES, build_application

    app = build_application(settings, services)
    import asyncio

    from bot.channels.telegram.startup import wait_for_telegram

    if webhook:
        from bot.channels.telegram.webhook import serve_webhook

        asyncio.run(
            serve_webhook(
                app,
                services,
                public_url=settings.webhook_url,
                secret=settings.webhook_secret,
                port=settings.port,
                listen=args.listen,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        return 0
    loop = asyncio.new_event_loop()  # run_polling goes on with this loop
    asyncio.set_event_loop(loop)
    # SIGINT/SIGTERM while waiting for the network end the wait at once (a
    # KeyboardInterrupt could be swallowed by the HTTP client and the backoff go on)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        ready = loop.run_until_complete(wait_for_telegram(app.bot, stop=stop))
    except KeyboardInterrupt:  # stopped while waiting for the network
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)  # run_polling sets its own
    if stop.is_set():
        return 0
    if not ready:
        return 1
    app.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False, close_loop=False)
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 when content loads and the database is writable (Docker HEALTHCHECK)."""
    settings = _settings()
    if settings is None:
        return 2
    services = _open_services(settings)
    if services is None:
        return 1
    status = services.health()
    print(json.dumps(status))
    return 0 if status["ok"] else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database while the bot runs (SQLite online backup)."""
    from bot.storage.db import DatabaseError, backup

    settings = _settings()
    if settings is None:
        return 2
    source = args.db or settings.db_path
    try:
        pages = backup(source, args.file)
    except (DatabaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {source} -> {args.file} ({pages} pages)")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """The conversation in the terminal: no token, no network."""
    from bot.app.runtime import Runtime
    from bot.channels.terminal import run_chat

    settings = _settings()
    if settings is None:
        return 2
    root = args.content or settings.content_dir
    overlay = _overlay_path(args) if args.content else settings.overlay_path
    try:
        services = Runtime.open(
            root, args.db or settings.db_path, settings.admin_ids, overlay_path=overlay
        )
    except ContentError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return 1
    return run_chat(services, args.lang)


def cmd_bench(args: argparse.Namespace) -> int:
    """Time the matcher: real content and content scaled up to N variants."""
    from bot.cli.bench import run_bench

    return run_bench(_content_dir(args), scaled=args.variants, rounds=args.rounds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Lao safe-migration bot: answers questions on working abroad safely.",
    )
    sub = parser.add_subparsers(dest="verb", required=True)

    p = sub.add_parser("validate", help="check content files; exit 1 naming file, line and field")
    _content_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ask", help="answer QUESTION (or each line of stdin) as the bot would")
    _content_arg(p)
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--lang", choices=["lo", "en"], help="reply language (default: the question's)")
    p.add_argument("question", nargs="*", help="the question (default: read lines from stdin)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "run", help="start the bot: Telegram (TELEGRAM_BOT_TOKEN) and/or LINE (LINE_CHANNEL_*)"
    )
    p.add_argument(
        "--webhook", action="store_true", help="webhook mode (also when BOT_WEBHOOK_URL is set)"
    )
    p.add_argument("--listen", default="0.0.0.0", help="webhook listen address (default 0.0.0.0)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("health", help="exit 0 when content loads and the database is writable")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("backup", help="copy the database consistently while the bot runs")
    p.add_argument("file", type=Path, help="where to write the copy")
    p.add_argument("--db", type=Path, default=None, help="database to copy (default: BOT_DB)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("chat", help="talk to the bot in this terminal (no token needed)")
    _content_arg(p)
    p.add_argument("--lang", choices=["lo", "en"], help="reply language")
    p.add_argument("--db", type=Path, default=None, help="SQLite file (default: BOT_DB)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("bench", help="benchmark the matcher (median/p95 per question, memory)")
    _content_arg(p)
    p.add_argument("--variants", type=int, default=20000, help="scaled index size")
    p.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    p.set_defaults(func=cmd_bench)
    from bot.cli.admin import add_admin_verbs  # stats, missed, coverage (docs/ADMIN.md)

    add_admin_verbs(sub, _content_arg, _content_dir, _overlay_path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
