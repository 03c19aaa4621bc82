"""Core Reply -> Telegram HTML text and keyboards. Telegram's limits are enforced here.

Everything from content is escaped; long answers are split at paragraph
boundaries; a button whose callback data would exceed 64 bytes is a bug in
the core, so it raises instead of reaching Telegram.
"""

from __future__ import annotations

from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.core.callbacks import Menu, encode
from bot.core.dialogue import Button, Reply

MAX_MESSAGE = 4096
SAFE_MESSAGE = 4000  # leave room for the bold/italic markers' neighbours
MAX_CALLBACK_BYTES = 64
MAX_BUTTON_LABEL = 60


def _paragraph_chunks(text: str, limit: int) -> list[str]:
    """Split plain text into chunks <= limit, at blank lines, then lines, then hard."""
    chunks: list[str] = []
    current = ""
    pieces: list[str] = []
    for para in text.split("\n\n"):
        if len(para) <= limit:
            pieces.append(para)
            continue
        for line in para.split("\n"):
            while len(line) > limit:
                pieces.append(line[:limit])
                line = line[limit:]
            pieces.append(line)
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current or not chunks:
        chunks.append(current)
    return chunks


def to_html_messages(reply: Reply) -> list[str]:
    """One or more HTML messages, each within Telegram's 4096 characters."""
    title = f"<b>{escape(reply.title, quote=False)}</b>\n\n" if reply.title else ""
    footer = f"\n\n<i>{escape(reply.footer, quote=False)}</i>" if reply.footer else ""
    plain_budget = SAFE_MESSAGE - len(reply.title or "") - len(reply.footer or "") - 4
    chunks = _paragraph_chunks(reply.text, max(plain_budget, 500))
    out = []
    for i, chunk in enumerate(chunks):
        html = escape(chunk, quote=False)
        if i == 0:
            html = title + html
        if i == len(chunks) - 1:
            html += footer
        out.append(html)
    return out


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def inline_button(b: Button) -> InlineKeyboardButton:
    if b.url:
        return InlineKeyboardButton(_label(b.label), url=b.url)
    if b.switch_inline is not None:
        return InlineKeyboardButton(_label(b.label), switch_inline_query=b.switch_inline[:200])
    data = encode(b.data or Menu())
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return InlineKeyboardButton(_label(b.label), callback_data=data)


def keyboard(reply: Reply):
    """The reply markup: a location-request reply keyboard, inline buttons, or none."""
    if reply.request_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(reply.location_label, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[inline_button(b) for b in row] for row in reply.buttons])
