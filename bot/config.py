"""Settings read once from the environment (and an optional .env file), validated.

Every problem is reported with the variable's name and what is expected; the
token never appears in messages or logs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str = "https://api.telegram.org"
    db_path: Path = PROJECT_ROOT / "data" / "bot.sqlite3"
    content_dir: Path = PROJECT_ROOT / "content"
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    webhook_url: str | None = None  # public HTTPS base address; set -> webhook mode
    webhook_secret: str | None = None
    port: int = 8080
    retention_days: int = 180
    facilitator_ids: frozenset[int] = field(default_factory=frozenset)  # may run quiz events
    # admins' edits made in Telegram (docs/ADMIN.md): data, so in production it lives beside
    # the database (BOT_OVERLAY), not in the read-only content folder
    overlay_path: Path = PROJECT_ROOT / "content" / "overlay.yaml"
    # LINE (docs/LINE.md): both set -> `run` serves the LINE webhook at POST /line on PORT
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_url: str = "https://api.line.me"

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    # talk to a person (docs/COUNSELLORS.md): the counsellors' supergroup; None = off
    counsellor_chat: int | None = None
    counsellor_hours: str = "Mon-Fri 08:00-17:00"  # Asia/Vientiane unless a zone ends it
    counsellor_keep_days: int = 30  # closed cases' routing ids are deleted after this

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    def __repr__(self) -> str:  # never print the token
        return (
            f"Settings(token={'set' if self.token else 'unset'}, api_url={self.api_url!r}, "
            f"db_path={str(self.db_path)!r}, content_dir={str(self.content_dir)!r}, "
            f"admin_ids={sorted(self.admin_ids)}, webhook_url={self.webhook_url!r}, "
            f"webhook_secret={'set' if self.webhook_secret else 'unset'}, port={self.port}, "
            f"retention_days={self.retention_days}, overlay_path={str(self.overlay_path)!r}, "
            f"line={'set' if self.line_enabled else 'unset'}, line_api_url={self.line_api_url!r}, "
            f"counsellor_chat={self.counsellor_chat}, counsellor_hours={self.counsellor_hours!r})"
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; # comments; optional quotes. Values never override the real environment."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:]
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{path}:{n}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def load_settings(
    env: dict[str, str] | None = None, *, require_token: bool = False, dotenv: Path | None = None
) -> Settings:
    env = dict(os.environ if env is None else env)
    dotenv = dotenv if dotenv is not None else Path.cwd() / ".env"
    for k, v in read_dotenv(dotenv).items():
        env.setdefault(k, v)
    errors: list[str] = []
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    line_secret = env.get("LINE_CHANNEL_SECRET", "").strip() or None
    line_token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip() or None
    if bool(line_secret) != bool(line_token):
        errors.append(
            "LINE needs both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN "
            "(LINE Developers console, Messaging API channel; docs/LINE.md)"
        )
    line_api_url = env.get("LINE_API_URL", "https://api.line.me").strip().rstrip("/")
    if not line_api_url.startswith(("http://", "https://")):
        errors.append(f"LINE_API_URL must start with http:// or https:// (got {line_api_url!r})")
    if require_token and not token and not (line_secret and line_token):
        errors.append(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in the "
            "environment or .env, and/or set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN "
            "for LINE (or try the bot offline with `python -m bot chat`)"
        )
    elif token and (":" not in token or not token.split(":", 1)[0].isdigit()):
        errors.append("TELEGRAM_BOT_TOKEN does not look like a bot token (<digits>:<letters>)")
    api_url = env.get("TELEGRAM_API_URL", "https://api.telegram.org").strip().rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        errors.append(f"TELEGRAM_API_URL must start with http:// or https:// (got {api_url!r})")
    admin_ids: set[int] = set()
    for part in env.get("BOT_ADMIN_IDS", "").replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            errors.append(f"BOT_ADMIN_IDS: {part!r} is not a Telegram user id (digits)")
        else:
            admin_ids.add(int(part))
    facilitator_ids: set[int] = set()
    for part in env.get("BOT_FACILITATOR_IDS", "").replace(" ", "").split(","):
        if part and not part.lstrip("-").isdigit():
            errors.append(f"BOT_FACILITATOR_IDS: {part!r} is not a Telegram user id (digits)")
        elif part:
            facilitator_ids.add(int(part))
    content_dir = Path(env.get("BOT_CONTENT_DIR") or PROJECT_ROOT / "content")
    if not content_dir.is_dir():
        errors.append(f"BOT_CONTENT_DIR: {content_dir} is not a folder")
    db_path = Path(env.get("BOT_DB") or PROJECT_ROOT / "data" / "bot.sqlite3")
    overlay_path = overlay_setting(env, content_dir)
    problem = overlay_folder_problem(overlay_path) if env.get("BOT_OVERLAY") else None
    if problem:  # (the default's folder is BOT_CONTENT_DIR, checked above)
        errors.append(f"BOT_OVERLAY: {problem}")
    webhook_url = env.get("BOT_WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("BOT_WEBHOOK_SECRET", "").strip() or None
    if webhook_url and not webhook_url.startswith("https://"):
        errors.append("BOT_WEBHOOK_URL must be the bot's public https:// address")
    if webhook_secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
        errors.append("BOT_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
    port = _int(env, "PORT", 8080, 1, 65535, errors)
    retention_days = _int(env, "BOT_RETENTION_DAYS", 180, 1, 3650, errors)
    counsellor_chat, counsellor_hours = counsellor_settings(env, errors)
    counsellor_keep_days = _int(env, "BOT_COUNSELLOR_KEEP_DAYS", 30, 1, 3650, errors)
    if errors:
        raise ConfigError("; ".join(errors))
    return Settings(
        token,
        api_url,
        db_path,
        content_dir,
        frozenset(admin_ids),
        webhook_url,
        webhook_secret,
        port,
        retention_days,
        facilitator_ids=frozenset(facilitator_ids),
        overlay_path=overlay_path,
        line_channel_secret=line_secret,
        line_channel_access_token=line_token,
        line_api_url=line_api_url,
        counsellor_chat=counsellor_chat,
        counsellor_hours=counsellor_hours,
        counsellor_keep_days=counsellor_keep_days,
    )


def counsellor_settings(env: dict[str, str], errors: list[str]) -> tuple[int | None, str]:
    """BOT_COUNSELLOR_CHAT (a supergroup id, -100...) and BOT_COUNSELLOR_HOURS."""
    from bot.core.handoff import parse_hours

    raw = env.get("BOT_COUNSELLOR_CHAT", "").strip()
    chat = None
    if raw:
        if not raw.startswith("-") or not raw[1:].isdigit():
            errors.append(
                f"BOT_COUNSELLOR_CHAT must be the counsellors' group id, a negative number "
                f"like -1001234567890 (got {raw!r}; docs/COUNSELLORS.md shows how to find it)"
            )
        else:
            chat = int(raw)
    hours = env.get("BOT_COUNSELLOR_HOURS", "").strip() or "Mon-Fri 08:00-17:00"
    try:
        parse_hours(hours)
    except ValueError as exc:
        errors.append(f"BOT_COUNSELLOR_HOURS: {exc}")
    return chat, hours


def overlay_setting(env: dict[str, str], content_dir: Path) -> Path:
    """BOT_OVERLAY, or overlay.yaml in the content folder (local use, as before)."""
    from bot.core.content import default_overlay_path

    raw = env.get("BOT_OVERLAY", "").strip()
    return Path(raw) if raw else default_overlay_path(content_dir)


def overlay_folder_problem(path: Path) -> str | None:
    """What stops the bot from ever writing `path`: its folder is not a folder, or is
    missing and cannot be made (the first existing folder above it is not writable)."""
    if path.is_dir():
        return f"{path} is a folder; give the file, e.g. {path / 'overlay.yaml'}"
    folder = path.parent
    if folder.is_dir():
        return None
    above = folder
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        return f"{above} is not a folder, so {folder} cannot hold the overlay"
    if not os.access(above, os.W_OK | os.X_OK):
        return f"the folder {folder} does not exist and cannot be made ({above} is not writable)"
    return None


def _int(env: dict[str, str], name: str, default: int, lo: int, hi: int, errors: list[str]) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        errors.append(f"{name} must be a whole number from {lo} to {hi} (got {raw!r})")
        return default
    return int(raw)
