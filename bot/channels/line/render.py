"""Core Turn -> LINE message objects (line-bot-sdk v3 models). LINE's limits live here.

LINE has no inline keyboards: buttons become quick reply buttons on the last message
(at most 13, label at most 20 characters, postback data at most 300 characters); when a
label must be cut, the full labels are listed, numbered, in the message text. A reply
holds at most 5 messages, each text at most 5,000 characters. An FAQ answer arrives from
the core already short (its summary) with 📖 More and 📚 Sources buttons, as on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging import (
    LocationAction,
    LocationMessage,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

from bot.core.callbacks import Callback, Menu, Page, QuizOption, encode
from bot.core.dialogue import Button, Reply, Turn
from bot.core.quiz import Poll
from bot.i18n import translator

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_LABEL = 20
MAX_DATA = 300
MAX_QUICK = 13


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def postback(text: str, pressed: Callback, shown: str | None = None) -> QuickReplyItem:
    """A quick reply button; `shown` is its label if not `text` (which the chat shows
    as what the user said when they tap it)."""
    data = encode(pressed)
    if len(data) > MAX_DATA:
        raise ValueError(f"postback data over {MAX_DATA} characters: {data[:40]!r}…")
    action = PostbackAction(label=label(shown or text), data=data, display_text=text[:300])
    return QuickReplyItem(action=action)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, cut at paragraphs, then lines, then anywhere."""
    chunks: list[str] = []
    current = ""
    for para in text.split("\n\n"):
        pieces = [para] if len(para) <= limit else para.split("\n")
        for piece in pieces:
            while len(piece) > limit:
                chunks.append(piece[:limit])
                piece = piece[limit:]
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current or not chunks:
        chunks.append(current)
    return [c for c in chunks if c] or [""]


@dataclass
class Rendered:
    """Messages ready for one reply (<= 5), and whether anything had to be dropped."""

    messages: list[Message]
    dropped: int = 0


def reply_text(reply: Reply) -> str:
    """The text of one reply on LINE. An FAQ answer comes from the core already short, with
    📖 More and 📚 Sources buttons (fa:/fs:), like on Telegram."""
    return "\n\n".join(p for p in (reply.title, reply.text, reply.footer) if p)


def render_turn(
    turn: Turn, lang: str, *, origin: Callback | None = None, page: int = 0
) -> Rendered:
    """A Turn as LINE messages: each reply's text (split at 5,000 characters), places as
    location messages, every button as a quick reply on the last message. `origin`, `page`:
    which part of a long button list to show."""
    texts: list[Message | str] = []
    buttons: list[Button] = []
    location: Reply | None = None
    for reply in turn.replies:
        text = reply_text(reply)
        if text:
            texts.extend(split_text(text))
        if reply.venue:
            v = reply.venue
            texts.append(
                LocationMessage(
                    title=v.title[:100], address=v.address[:100], latitude=v.lat, longitude=v.lon
                )
            )
        for row in reply.buttons:
            buttons.extend(b for b in row if b.data or b.url)
        if reply.request_location:
            location = reply
    if turn.toast and not texts:
        texts.append(turn.toast)
    items, listing = _quick_items(buttons, location, lang, origin, page)
    if listing:
        if texts and isinstance(texts[-1], str):
            texts[-1] = f"{texts[-1]}\n\n{listing}"[:MAX_TEXT]
        else:
            texts.append(listing)
    texts = _merge(texts)
    dropped = max(0, len(texts) - MAX_MESSAGES)
    texts = texts[:MAX_MESSAGES]
    messages: list[Message] = [
        TextMessage(text=t) if isinstance(t, str) else t for t in texts if t != ""
    ]
    if items and messages:
        last = messages[-1]
        if not isinstance(last, TextMessage):  # quick replies go on any message; keep text last
            messages.append(TextMessage(text="👇"))
            if len(messages) > MAX_MESSAGES:
                messages.pop(-2)
                dropped += 1
        messages[-1].quick_reply = QuickReply(items=items)
    return Rendered(messages, dropped)


def _merge(texts: list) -> list:
    """Join neighbouring texts when there are more than 5 messages."""
    out = list(texts)
    i = 0
    while len(out) > MAX_MESSAGES and i < len(out) - 1:
        a, b = out[i], out[i + 1]
        if isinstance(a, str) and isinstance(b, str) and len(a) + len(b) + 2 <= MAX_TEXT:
            out[i : i + 2] = [f"{a}\n\n{b}"]
        else:
            i += 1
    return out


def _quick_items(
    buttons: list[Button], location: Reply | None, lang: str, origin: Callback | None, page: int
) -> tuple[list[QuickReplyItem], str]:
    _ = translator(lang)
    seen: set[str] = set()
    unique: list[Button] = []
    for b in buttons:
        key = encode(b.data) if b.data else b.url or ""
        if key not in seen:
            seen.add(key)
            unique.append(b)
    room = MAX_QUICK - (1 if location else 0)
    more = None
    if len(unique) > room and origin:
        per_page = room - 1
        start = page * per_page
        if start + per_page < len(unique):
            more = postback(_("More topics ▸"), Page(page + 1, origin))
        unique = unique[start : start + per_page]
    else:
        unique = unique[:room]
    # a label that must be cut is numbered, and listed whole in the text
    long = [b for b in unique if len(b.label) > MAX_LABEL]
    listing = "\n".join(f"{i}. {b.label}" for i, b in enumerate(long, 1))
    numbers = {id(b): i for i, b in enumerate(long, 1)}
    items: list[QuickReplyItem] = []
    if location:
        items.append(QuickReplyItem(action=LocationAction(label=label(location.location_label))))
    for b in unique:
        shown = f"{numbers[id(b)]}. {b.label}" if id(b) in numbers else b.label
        if b.url:
            items.append(QuickReplyItem(action=URIAction(label=label(shown), uri=b.url)))
        else:
            items.append(postback(b.label, b.data or Menu(), shown))
    if more:
        items.append(more)
    return items, listing


def render_question(poll: Poll, poll_id: str) -> TextMessage:
    """A quiz question (LINE has no quiz polls): numbered options, one button each."""
    lines = [poll.question, ""]
    lines += [f"{i}. {option}" for i, option in enumerate(poll.options, 1)]
    items = [
        postback(f"{i}. {option}", QuizOption(poll_id, i - 1))
        for i, option in enumerate(poll.options, 1)
    ]
    return TextMessage(text="\n".join(lines)[:MAX_TEXT], quick_reply=QuickReply(items=items))


def quiz_feedback(poll: Poll, chosen: int) -> str:
    """What Telegram's quiz poll shows once answered: right or wrong, and why."""
    if chosen == poll.correct:
        return f"✅ {poll.explanation}".rstrip()
    text = f"❌ → {poll.options[poll.correct]}"
    return f"{text}\n\n{poll.explanation}" if poll.explanation else text
