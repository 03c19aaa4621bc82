"""The real Application, driven offline through the fake Bot API (in-process)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from telegram import Update

from bot.app.runtime import Runtime
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.storage.db import Store, connect
from tools.fakeapi import FakeRequest

ADMIN_ID = 999


#: API calls that put something in front of the user (a callback toast alone does not).
SPEAKING = frozenset(
    {
        "sendMessage",
        "sendPoll",
        "sendPhoto",
        "sendDocument",
        "sendVenue",
        "sendLocation",
        "editMessageText",
        "editMessageReplyMarkup",
    }
)


class Harness:
    """Talk to the bot like a user: say(), press(), then read what the fake received.

    Each exchange states what the bot must say (in the spirit of Zulip's verify_dialog):
    `expect` texts must all appear in the reply, `messages` is the exact number of messages
    to the chat, and the exchange fails when the bot says nothing, unless `silent=True`
    (then it fails when the bot says anything).
    """

    def __init__(self, fake, app, services):
        self.fake, self.app, self.services = fake, app, services

    async def process(self, update: dict) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def say(self, user: int, text: str, *, expect=(), messages=None, silent=False, **kw):
        before = len(self.fake.sent())
        await self.process(self.fake.push_message(user, text, **kw))
        return self._check(before, kw.get("chat_id", user), text, expect, messages, silent)

    async def press(self, user: int, data: str, *, expect=(), messages=None, silent=False, **kw):
        before = len(self.fake.sent())
        await self.process(self.fake.push_callback(user, data, **kw))
        return self._check(before, kw.get("chat_id", user), data, expect, messages, silent)

    async def click(self, user: int, label: str, *, expect=(), messages=None, silent=False):
        before = len(self.fake.sent())
        await self.process(self.fake.click(user, label))
        return self._check(before, user, label, expect, messages, silent)

    def _check(self, before, chat_id, said, expect, messages, silent) -> str | None:
        spoken = [c for c in self.fake.sent()[before:] if c.method in SPEAKING
                  and str(c.params.get("chat_id")) == str(chat_id)]  # fmt: skip
        text = self.text_since(before, chat_id)
        if silent:
            assert not spoken, f"after {said!r} the bot should say nothing, it sent {spoken}"
            return text
        assert spoken, f"after {said!r} the bot said nothing"
        if messages is not None:
            assert len(spoken) == messages, (
                f"after {said!r} the bot sent {len(spoken)} messages, expected {messages}: "
                f"{[c.params.get('text') or c.method for c in spoken]}"
            )
        for part in (expect,) if isinstance(expect, str) else expect:
            assert part in (text or ""), f"after {said!r} the bot did not say {part!r}: {text!r}"
        return text

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


async def make_harness(fake, loaded, db_path: Path, clock=time.time, rng=None):
    """The real Application over the fake; `clock` and `rng` go to the app at construction."""
    services = Runtime(loaded, Store(connect(db_path)), frozenset({ADMIN_ID}), clock=clock, rng=rng)
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
