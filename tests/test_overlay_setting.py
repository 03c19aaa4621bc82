"""BOT_OVERLAY: where admins' edits live. Checked when settings load, honoured by every CLI
verb that reads content (validate, ask, coverage ...), problems named with its path and line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.core.content import load_content
from bot.core.validate import validate_all
from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
ODD = "zebra crossing permit for korea work"  # no FAQ entry answers it
ADDS_ODD = f"changes:\n  kr-eps:\n    add_questions:\n      en: ['{ODD}']\n"
BROKEN = "changes:\n  kr-eps:\n    add_questions:\n      en: ['ok']\n  kr-nope: {}\n"


def _settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings(env=env, dotenv=tmp_path / "no.env")


def _run(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m bot ...` with `env` and no other BOT_ setting, in this process (tests/cli.py)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    return run_cli(*args, env={**clean, "PYTHONPATH": str(ROOT), **env}, cwd=cwd)


# --- the setting ---------------------------------------------------------------------------


def test_default_is_overlay_yaml_in_the_content_folder(content_copy, tmp_path):
    assert _settings(tmp_path).overlay_path == ROOT / "content" / "overlay.yaml"
    settings = _settings(tmp_path, BOT_CONTENT_DIR=str(content_copy))
    assert settings.overlay_path == content_copy / "overlay.yaml"
    assert "overlay_path=" in repr(settings)


@pytest.mark.parametrize("where", ["data/overlay.yaml", "data/new/sub/edits.yaml"])
def test_bot_overlay_in_an_existing_or_creatable_folder(tmp_path, where):
    (tmp_path / "data").mkdir()
    path = tmp_path / where
    assert _settings(tmp_path, BOT_OVERLAY=str(path)).overlay_path == path
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == []  # made on first edit


def test_bot_overlay_naming_a_folder_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"BOT_OVERLAY: .* is a folder"):
        _settings(tmp_path, BOT_OVERLAY=str(tmp_path))


def test_bot_overlay_below_a_file_is_refused(tmp_path):
    (tmp_path / "bot.sqlite3").write_text("", encoding="utf-8")
    bad = tmp_path / "bot.sqlite3" / "edits" / "overlay.yaml"
    with pytest.raises(ConfigError, match=r"BOT_OVERLAY: .*bot\.sqlite3 is not a folder"):
        _settings(tmp_path, BOT_OVERLAY=str(bad))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_bot_overlay_in_a_folder_that_cannot_be_made_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(ConfigError, match=r"BOT_OVERLAY: .*cannot be made"):
            _settings(tmp_path, BOT_OVERLAY=str(locked / "data" / "overlay.yaml"))
    finally:
        locked.chmod(0o700)


# --- loading and validating with it ----------------------------------------------------------


def test_content_records_the_overlay_it_was_loaded_with(content_copy, tmp_path):
    elsewhere = tmp_path / "data" / "overlay.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(ADDS_ODD, encoding="utf-8")
    content = load_content(content_copy, overlay_path=elsewhere)
    assert content.overlay_path == str(elsewhere)
    assert ODD in content.by_id["kr-eps"].questions["en"]
    default = load_content(content_copy)
    assert default.overlay_path == str(content_copy / "overlay.yaml")
    assert ODD not in default.by_id["kr-eps"].questions["en"]


def test_validate_all_names_the_overlay_file_and_line(content_copy, tmp_path):
    elsewhere = tmp_path / "data" / "overlay.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(BROKEN, encoding="utf-8")
    problems, _summary = validate_all(content_copy, overlay_path=elsewhere)
    assert [str(p) for p in problems] == [
        "data/overlay.yaml:5: [changes.kr-nope] no FAQ entry with this id"
    ]
    assert validate_all(content_copy)[0] == []  # the default overlay (none) is fine


# --- the command line --------------------------------------------------------------------------


def test_validate_with_bot_overlay_reports_its_path_and_line(content_copy, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("var") / "overlay.yaml"  # outside the content's parent
    elsewhere.write_text(BROKEN, encoding="utf-8")
    env = {"BOT_CONTENT_DIR": str(content_copy), "BOT_OVERLAY": str(elsewhere)}
    p = _run("validate", env=env)
    assert p.returncode == 1
    assert f"error: {elsewhere}:5: [changes.kr-nope] no FAQ entry with this id" in p.stderr
    elsewhere.write_text(ADDS_ODD, encoding="utf-8")
    ok = _run("validate", env=env)
    assert ok.returncode == 0 and ok.stdout.startswith("ok: "), ok.stderr


def test_ask_and_coverage_serve_the_edits_in_bot_overlay(content_copy, tmp_path):
    elsewhere = tmp_path / "data" / "overlay.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(ADDS_ODD, encoding="utf-8")
    env = {"BOT_CONTENT_DIR": str(content_copy), "BOT_OVERLAY": str(elsewhere)}
    p = _run("ask", "--json", ODD, env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["id"] == "kr-eps"
    without = _run("ask", "--json", ODD, env={"BOT_CONTENT_DIR": str(content_copy)})
    assert json.loads(without.stdout)["id"] is None

    def kr_eps_en_variants(env: dict[str, str]) -> int:
        rows = _run("coverage", "--csv", env=env).stdout.splitlines()
        return int(next(r for r in rows if r.startswith("kr-eps,en,")).split(",")[2])

    assert kr_eps_en_variants(env) == kr_eps_en_variants({"BOT_CONTENT_DIR": str(content_copy)}) + 1


def test_validate_reads_bot_overlay_from_dot_env_like_run(content_copy, tmp_path):
    elsewhere = tmp_path / "data" / "overlay.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(BROKEN, encoding="utf-8")
    (tmp_path / ".env").write_text(
        f"BOT_CONTENT_DIR={content_copy}\nBOT_OVERLAY={elsewhere}\n", encoding="utf-8"
    )
    p = _run("validate", env={}, cwd=tmp_path)
    assert p.returncode == 1 and "data/overlay.yaml:5:" in p.stderr


def test_validate_warns_about_an_overlay_left_in_the_content_folder(content_copy, tmp_path):
    """After an upgrade: content/overlay.yaml still there, BOT_OVERLAY elsewhere."""
    (content_copy / "overlay.yaml").write_text(ADDS_ODD, encoding="utf-8")
    elsewhere = tmp_path / "data" / "overlay.yaml"
    env = {"BOT_CONTENT_DIR": str(content_copy), "BOT_OVERLAY": str(elsewhere)}
    p = _run("validate", env=env)
    assert p.returncode == 0, p.stderr
    assert f"warning: {content_copy / 'overlay.yaml'} is not used" in p.stderr
    assert str(elsewhere) in p.stderr
    quiet = _run("validate", env={"BOT_CONTENT_DIR": str(content_copy)})
    assert quiet.returncode == 0 and "warning" not in quiet.stderr
