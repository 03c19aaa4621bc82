"""Shared fixtures: the real content (loaded once), a fresh database per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app.runtime import matcher_for
from bot.core.content import load_content
from bot.core.dialogue import Dialogue

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"

pytest_plugins = ["tools.fakeapi.pytest_plugin"]


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def matcher(content):
    return matcher_for(content)  # the one `loaded` uses too (built once)


@pytest.fixture(scope="session")
def dialogue(content, matcher):
    return Dialogue(content, matcher)


@pytest.fixture(scope="session")
def loaded():
    """The live content (FAQ, matcher, directory, quiz bank), built once: pass it as
    `previous` to load_live on a copy of content/ to reuse its matcher."""
    from bot.app.runtime import load_live

    return load_live(CONTENT)


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of content/ to break on purpose."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst
