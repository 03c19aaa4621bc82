"""pytest fixtures for the fake Telegram Bot API.

Register once in ``tests/conftest.py``::

    pytest_plugins = ["tools.fakeapi.pytest_plugin"]

Why the teardown check: a bot usually catches ``BadRequest`` in an error handler and carries
on, so a test can pass while the bot sends something Telegram refuses. ``fake_api`` fails
the test at teardown if any violation was recorded; tests that provoke one on purpose wrap
it in ``with fake_api.expect_violations("..."):`` (or call ``fake_api.take_violations()``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram.ext import ExtBot

from .core import FakeBotAPI
from .http import FakeHTTPServer, serve_http
from .inprocess import make_bot

__all__ = ["fake_api", "fake_bot", "fake_http"]


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """A fresh FakeBotAPI; the test fails at teardown if any violation was recorded."""
    fake = FakeBotAPI()
    yield fake
    try:
        fake.assert_no_violations()
    except AssertionError as exc:
        report = str(exc)
    else:
        return
    pytest.fail(report, pytrace=False)


@pytest.fixture
def fake_http(fake_api: FakeBotAPI) -> Iterator[FakeHTTPServer]:
    """``fake_api`` served over HTTP on 127.0.0.1 (``.url``, ``.app_builder()``, ``.bot()``)."""
    server = serve_http(fake_api)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
async def fake_bot(fake_api: FakeBotAPI) -> AsyncIterator[ExtBot]:
    """An initialized ExtBot talking to ``fake_api`` in-process."""
    bot = make_bot(fake_api)
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()
