"""The LINE channel against the fake LINE platform (tools/fakeline): the real SDK client
over HTTP, webhook bodies signed like LINE's."""

from __future__ import annotations

import random

import pytest

from bot.app.runtime import Runtime
from bot.channels.line.client import LineClient
from bot.channels.line.handler import LineBot
from bot.storage.db import Store, connect
from tools.fakeline import FakeLine, FakeLineServer, line_id


@pytest.fixture
def fake_line():
    fake = FakeLine()
    with FakeLineServer(fake) as url:
        fake.url = url
        yield fake


class LineChat:
    """One LINE user talking to the bot; `say`/`tap` return the messages sent since."""

    def __init__(self, bot: LineBot, fake: FakeLine, services: Runtime):
        self.bot, self.fake, self.services = bot, fake, services
        self.user = line_id()
        self._seen = 0

    async def post(self, *events: dict) -> None:
        body, signature = self.fake.signed(*events)
        self.bot.dispatch(self.bot.parse(body.decode(), signature))
        await self.bot.drain()

    def new(self) -> list[dict]:
        messages = self.fake.messages_to(self.user)
        out, self._seen = messages[self._seen :], len(messages)
        return out

    async def send(self, event: dict) -> list[dict]:
        await self.post(event)
        out = self.new()
        assert out or event["type"] == "unfollow", "the bot said nothing"
        return out

    async def say(self, text: str) -> list[dict]:
        return await self.send(self.fake.text(self.user, text))

    async def tap(self, data: str) -> list[dict]:
        return await self.send(self.fake.postback(self.user, data))


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m["type"] == "text")


def quick(messages: list[dict]) -> dict[str, str]:
    """The last message's quick reply buttons: label -> postback data (or action type)."""
    items = (messages[-1].get("quickReply") or {}).get("items") or []
    out = {}
    for item in items:
        action = item["action"]
        out[action.get("label", "")] = action.get("data") or action["type"]
    return out


@pytest.fixture
async def line_chat(fake_line, loaded, tmp_path):
    services = Runtime(
        loaded,
        Store(connect(tmp_path / "line.sqlite3")),
        clock=lambda: 1_000_000.0,
        rng=random.Random(3),
    )
    client = LineClient(fake_line.access_token, fake_line.url, backoff_s=0.01)
    await client.start()
    bot = LineBot(services, client, fake_line.channel_secret)
    chat = LineChat(bot, fake_line, services)
    fake_line.profiles[chat.user] = {"language": "en"}
    yield chat
    await client.close()
    assert fake_line.violations == [], "requests LINE would refuse"
    assert bot.failed == 0, "an event raised (see the log)"
