"""Admins' edits saved where BOT_OVERLAY says (the data folder in production), never in the
content folder, which ships read-only: an edit lands there, survives a restart, /reload and
/undo use the same file, and problems in it name that file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import _open_services
from bot.config import load_settings
from bot.storage import admin as db
from tests.channels.telegram.conftest import ADMIN_ID, make_harness
from tests.channels.telegram.test_admin import ODD, USER, _confirm


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def site(content_copy, tmp_path):
    """Settings as an operator writes them: content in one place, the overlay in a data
    folder that does not exist yet (a fresh volume), read through load_settings."""
    overlay = tmp_path / "data" / "edits" / "overlay.yaml"
    env = {
        "BOT_CONTENT_DIR": str(content_copy),
        "BOT_OVERLAY": str(overlay),
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_ADMIN_IDS": str(ADMIN_ID),
    }
    settings = load_settings(env=env, dotenv=tmp_path / "no.env")
    assert settings.overlay_path == overlay
    return settings


async def _start(fake_api, settings):
    """What `python -m bot run` does with the settings (bot/cli/__init__.py), then the Application."""
    services = _open_services(settings)
    assert services is not None
    return await make_harness(fake_api, services.loaded, settings.db_path)


async def _add_variant(h, text: str) -> str:
    await h.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
    assert "Save this change?" in await h.say(ADMIN_ID, text)
    return await _confirm(h)


async def test_edit_is_written_to_bot_overlay_and_survives_a_restart(fake_api, site):
    before = _snapshot(site.content_dir)
    h = await _start(fake_api, site)
    try:
        assert "don't know" in await h.say(USER, ODD)
        assert "Saved as change #1" in await _add_variant(h, ODD)
        assert "EPS" in await h.say(USER, ODD)
    finally:
        await h.app.shutdown()
    assert "zebra crossing permit" in site.overlay_path.read_text(encoding="utf-8")
    assert _snapshot(site.content_dir) == before  # nothing written into the content folder

    restarted = await _start(fake_api, site)
    try:
        answer = await restarted.say(USER, ODD)
        assert "EPS" in answer and "Checked: " in answer
    finally:
        await restarted.app.shutdown()


async def test_reload_and_undo_use_the_bot_overlay_file(fake_api, site):
    before = _snapshot(site.content_dir)
    h = await _start(fake_api, site)
    try:
        await _add_variant(h, ODD)
        # a person edits the overlay in the data folder by hand, then /reload
        text = site.overlay_path.read_text(encoding="utf-8")
        hand = "another hand-added korea question nobody asks"
        site.overlay_path.write_text(text.replace(ODD, f"{ODD}\n      - {hand}"), "utf-8")
        # not answered before the reload (with 102 entries it may get suggestions)
        assert "Sources:" not in await h.say(USER, hand)
        reloaded = await h.say(ADMIN_ID, "/reload")
        assert "Reloaded" in reloaded and "kr-eps" in reloaded
        assert "EPS" in await h.say(USER, hand)
        # a broken overlay: not reloaded, the problem names the overlay file and line
        good = site.overlay_path.read_text(encoding="utf-8")
        site.overlay_path.write_text("changes:\n  kr-nope: {}\n", encoding="utf-8")
        refused = await h.say(ADMIN_ID, "/reload")
        assert "NOT reloaded" in refused and "data/edits/overlay.yaml:2" in refused
        assert "EPS" in await h.say(USER, hand)  # the last good content keeps serving
        site.overlay_path.write_text(good, encoding="utf-8")
        assert "Reloaded" in await h.say(ADMIN_ID, "/reload")
        # /undo of change #1 would drop the hand edit too: refused, file left as it is
        assert "edited by hand" in await h.say(ADMIN_ID, "/undo 1")
        assert site.overlay_path.read_text(encoding="utf-8") == good
        kinds = [r["kind"] for r in db.recent_changes(h.services.store)]
        assert kinds == ["reload", "add_variant"]  # the second reload changed nothing
    finally:
        await h.app.shutdown()
    assert _snapshot(site.content_dir) == before


async def test_undo_removes_the_edit_from_the_bot_overlay(fake_api, site):
    h = await _start(fake_api, site)
    try:
        await _add_variant(h, ODD)
        assert site.overlay_path.exists()
        assert "Undone" in await h.say(ADMIN_ID, "/undo")
        assert not site.overlay_path.exists()
        assert not (site.content_dir / "overlay.yaml").exists()
        assert "don't know" in await h.say(USER, ODD)
    finally:
        await h.app.shutdown()


async def test_a_default_overlay_in_the_content_folder_is_not_read_when_bot_overlay_is_set(
    fake_api, site
):
    """An old content/overlay.yaml (from before BOT_OVERLAY) is not served by mistake."""
    (site.content_dir / "overlay.yaml").write_text(
        f"changes:\n  kr-eps:\n    add_questions:\n      en: ['{ODD}']\n", encoding="utf-8"
    )
    h = await _start(fake_api, site)
    try:
        assert "don't know" in await h.say(USER, ODD)
    finally:
        await h.app.shutdown()
