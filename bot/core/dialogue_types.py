"""The values a conversation is made of: what to send (Reply, Button, Venue) and what
happened (Event), grouped in a Turn. Channels render them; storage records events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Button:
    label: str
    data: Callback | None = None  # what pressing it means (bot/core/callbacks.py)
    url: str | None = None
    switch_inline: str | None = None  # share: open inline mode with this query


@dataclass(frozen=True)
class Venue:
    lat: float
    lon: float
    title: str
    address: str


@dataclass(frozen=True)
class Reply:
    text: str
    title: str | None = None  # shown bold above the text
    footer: str | None = None  # shown in italics under the text
    buttons: tuple[tuple[Button, ...], ...] = ()
    request_location: bool = False  # a reply-keyboard button that shares the location
    location_label: str = "📍"  # that button's label
    remove_keyboard: bool = False
    venue: Venue | None = None
    entry_id: str | None = None  # the FAQ entry this reply answers (LINE shows it short first)

    def as_plain_text(self) -> str:
        """The reply as the terminal chat shows it (buttons numbered separately)."""
        parts = [p for p in (self.title, self.text, self.footer) if p]
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Event:
    kind: str  # asked | unanswered | feedback | set_lang | forget
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    replies: list[Reply] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    toast: str | None = None  # a short notice for a pressed button (answerCallbackQuery)

    def buttons(self) -> list[Button]:
        return [b for r in self.replies for row in r.buttons for b in row]
