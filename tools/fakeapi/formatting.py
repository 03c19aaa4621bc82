"""Text formatting the way Telegram's server does it: HTML parsing and entity offsets.

Why this exists: Telegram measures message limits *after* entity parsing ("1-4096
characters after entities parsing") and answers ``400 Bad Request: can't parse entities:
...`` for malformed HTML. That is among the most common ways a bot breaks in production (an
unescaped ``<``), so the fake reproduces it instead of accepting any string. The parser
follows tdlib's behaviour closely enough to raise on the same mistakes, without trying to be
a byte-exact clone; error texts mimic Telegram's.

Only HTML is modelled because the bot only sends HTML (or plain text). MarkdownV2 and legacy
Markdown are valid on Telegram but refused here as :class:`NotModelled`, so a change that
starts sending them fails loudly in tests instead of passing unchecked.

Offsets of entities are in UTF-16 code units, as in the Bot API (matters for emoji).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "EntityParseError",
    "NotModelled",
    "UnsupportedParseMode",
    "detect_entities",
    "parse_formatted",
    "utf16_len",
]


class EntityParseError(ValueError):
    """Malformed formatted text; ``str(exc)`` is Telegram's detail after "can't parse entities: "."""


class UnsupportedParseMode(ValueError):
    """parse_mode is not HTML, MarkdownV2 or Markdown (Telegram: "unsupported parse_mode")."""


class NotModelled(ValueError):
    """A parse_mode Telegram accepts but the fake does not model (the bot never sends it)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets."""
    # a lone surrogate (possible in JSON) is one unit too
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _Out:
    """Accumulates the plain text and tracks the current UTF-16 position."""

    chars: list[str] = field(default_factory=list)
    pos: int = 0

    def add(self, s: str) -> None:
        self.chars.append(s)
        self.pos += utf16_len(s)

    def text(self) -> str:
        return "".join(self.chars)


@dataclass
class _Open:
    kind: str
    pos: int
    byte: int
    attrs: dict[str, str] = field(default_factory=dict)


def _entity(kind: str, offset: int, length: int, **extra: str) -> dict:
    ent = {"type": kind, "offset": offset, "length": length}
    ent.update({k: v for k, v in extra.items() if v})
    return ent


def _sorted(entities: list[dict]) -> list[dict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Return ``(plain_text, entities)`` for ``text`` under ``parse_mode`` (None = plain).

    Raises EntityParseError for malformed markup, UnsupportedParseMode for a mode Telegram
    does not know and NotModelled for Markdown(V2). Telegram compares modes case-insensitively.
    """
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode in ("markdownv2", "markdown"):
        raise NotModelled(parse_mode)
    raise UnsupportedParseMode(parse_mode)


# --- HTML -----------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _decode_ref(m: re.Match[str]) -> str | None:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


def _unescape_attr(value: str) -> str:
    return _CHAR_REF.sub(lambda m: _decode_ref(m) or m.group(0), value)


def _parse_html(text: str) -> tuple[str, list[dict]]:
    out = _Out()
    stack: list[_Open] = []
    entities: list[dict] = []
    n = len(text)
    i = 0

    def byte_at(idx: int) -> int:
        return len(text[:idx].encode("utf-8"))

    while i < n:
        c = text[i]
        if c == "&":
            m = _CHAR_REF.match(text, i)
            decoded = _decode_ref(m) if m else None
            if m and decoded is not None:
                out.add(decoded)
                i = m.end()
            else:  # tdlib keeps a lone '&' literally
                out.add("&")
                i += 1
            continue
        if c != "<":
            out.add(c)
            i += 1
            continue

        tag_start = i
        if text.startswith("</", i):
            m = _NAME.match(text, i + 2)
            name = m.group(0).lower()
            j = m.end()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_at(tag_start)}")
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_at(tag_start)}")
            top = stack.pop()
            if name != top.kind:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {byte_at(tag_start)}, expected "
                    f'"</{top.kind}>", found "</{name}>"'
                )
            _close_html(top, out.pos, stack, entities)
            i = j + 1
            continue

        m = _NAME.match(text, i + 1)
        name = m.group(0).lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {byte_at(tag_start)}'
            )
        j = m.end()
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_at(tag_start)}")
            if text[j] == ">":
                break
            am = _ATTR_NAME.match(text, j)
            if not am:
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {byte_at(tag_start)}"
                )
            attr = am.group(0).lower()
            j = am.end()
            value = ""
            if j < n and text[j] == "=":
                j += 1
                if j < n and text[j] in "\"'":
                    quote = text[j]
                    end = text.find(quote, j + 1)
                    if end < 0:
                        raise EntityParseError(
                            f"Unclosed start tag at byte offset {byte_at(tag_start)}"
                        )
                    value = text[j + 1 : end]
                    j = end + 1
                else:
                    vm = re.compile(r"[^\s>]*").match(text, j)
                    value = vm.group(0) if vm else ""
                    j = vm.end() if vm else j
            attrs[attr] = _unescape_attr(value)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_at(tag_start)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_at(tag_start)}'
            )
        stack.append(_Open(name, out.pos, byte_at(tag_start), attrs))
        i = j + 1

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].kind}"')
    return out.text(), _sorted(entities)


def _close_html(top: _Open, pos: int, stack: list[_Open], entities: list[dict]) -> None:
    """Emit the entity for a closed tag (empty entities are dropped, as Telegram does)."""
    length = pos - top.pos
    kind = _HTML_TAGS[top.kind]
    if kind == "code" and stack and stack[-1].kind == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        lang = top.attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1].attrs["_language"] = lang[len("language-") :]
        return
    if length <= 0:
        return
    if kind == "text_link":
        href = top.attrs.get("href", "")
        if href:
            entities.append(_entity("text_link", top.pos, length, url=href))
        return
    if kind == "pre":
        entities.append(_entity("pre", top.pos, length, language=top.attrs.get("_language", "")))
        return
    if kind == "blockquote" and "expandable" in top.attrs:
        kind = "expandable_blockquote"
    if kind == "custom_emoji":
        entities.append(
            _entity("custom_emoji", top.pos, length, custom_emoji_id=top.attrs["emoji-id"])
        )
        return
    entities.append(_entity(kind, top.pos, length))


# --- entities Telegram adds to incoming user messages -----------------------------------------

_AUTO_ENTITIES = [
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
]


def detect_entities(text: str) -> list[dict]:
    """Entities Telegram attaches to a user's plain message: /commands, @mentions, URLs, #tags.

    PTB's CommandHandler relies on the ``bot_command`` entity at offset 0, so incoming test
    messages need it exactly as Telegram would send it.
    """
    found: list[dict] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _AUTO_ENTITIES:
        for m in rx.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(_entity(kind, utf16_len(text[: m.start()]), utf16_len(m.group(0))))
    return _sorted(found)
