"""The real Application, driven offline through the fake Bot API (in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Update

from bot.config import Settings
from bot.services import Services, load_loaded
from bot.storage.db import Store, connect
from bot.tg.app import build_application
from tests.conftest import CONTENT
from tests.fakeapi import FakeRequest

ADMIN_ID = 999


@pytest.fixture(scope="session")
def loaded():
    return load_loaded(CONTENT)


class Harness:
    """Talk to the bot like a user: say(), press(), then read what the fake received."""

    def __init__(self, fake, app, services):
        self.fake, self.app, self.services = fake, app, services

    async def process(self, update: dict) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def say(self, user: int, text: str, **kw) -> str | None:
        before = len(self.fake.sent())
        await self.process(self.fake.push_message(user, text, **kw))
        return self.text_since(before, kw.get("chat_id", user))

    async def press(self, user: int, data: str, **kw) -> str | None:
        before = len(self.fake.sent())
        await self.process(self.fake.push_callback(user, data, **kw))
        return self.text_since(before, kw.get("chat_id", user))

    async def click(self, user: int, label: str) -> str | None:
        before = len(self.fake.sent())
        await self.process(self.fake.click(user, label))
        return self.text_since(before, user)

    def text_since(self, index: int, chat_id: int) -> str | None:
        """All message texts the bot sent to the chat since call number `index`."""
        calls = [c for c in self.fake.sent()[index:] if c.method == "sendMessage"]
        texts = [self.fake.messages_to(chat_id) and c.params["text"] for c in calls
                 if str(c.params.get("chat_id")) == str(chat_id)]  # fmt: skip
        return "\n---\n".join(texts) if texts else None

    def button_data(self, chat_id: int) -> list[str]:
        return [b.get("callback_data") for row in self.fake.buttons(chat_id) for b in row]

    def button_labels(self, chat_id: int) -> list[str]:
        return [b["text"] for row in self.fake.buttons(chat_id) for b in row]


async def make_harness(fake, loaded, db_path: Path):
    services = Services(loaded, Store(connect(db_path)), frozenset({ADMIN_ID}))
    settings = Settings(token=fake.token, db_path=db_path, admin_ids=frozenset({ADMIN_ID}))
    app = build_application(settings, services, request=FakeRequest(fake), rate_limit=False)
    await app.initialize()
    await app.post_init(app)
    return Harness(fake, app, services)


@pytest.fixture
async def bot(fake_api, loaded, tmp_path):
    loaded.dialogue.context.clear()  # each test starts a new conversation
    h = await make_harness(fake_api, loaded, tmp_path / "bot.sqlite3")
    yield h
    await h.app.shutdown()
