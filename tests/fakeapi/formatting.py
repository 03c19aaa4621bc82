"""Text formatting the way Telegram's server does it: parse_mode parsing and entity offsets.

Why this exists: Telegram measures message limits *after* entity parsing ("1-4096
characters after entities parsing") and answers ``400 Bad Request: can't parse entities:
...`` for malformed HTML/Markdown. Those are among the most common ways a bot breaks in
production (an unescaped ``<`` or ``.``), so the fake reproduces them instead of accepting
any string. The parsers follow tdlib's behaviour closely enough to raise on the same
mistakes, without trying to be a byte-exact clone; error texts mimic Telegram's.

Offsets of entities are in UTF-16 code units, as in the Bot API (matters for emoji).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "EntityParseError",
    "UnsupportedParseMode",
    "detect_entities",
    "parse_formatted",
    "utf16_len",
]


class EntityParseError(ValueError):
    """Malformed formatted text; ``str(exc)`` is Telegram's detail after "can't parse entities: "."""


class UnsupportedParseMode(ValueError):
    """parse_mode is not HTML, MarkdownV2 or Markdown (Telegram: "unsupported parse_mode")."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets."""
    return len(text.encode("utf-16-le")) // 2


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

    Raises EntityParseError for malformed markup and UnsupportedParseMode for an unknown mode.
    Telegram compares parse modes case-insensitively.
    """
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
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


# --- MarkdownV2 -----------------------------------------------------------------------------

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _reserved(c: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
    )


def _parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    out = _Out()
    stack: list[_Open] = []
    entities: list[dict] = []
    quote: _Open | None = None
    n = len(text)
    i = 0

    def byte_at(idx: int) -> int:
        return len(text[:idx].encode("utf-8"))

    def close_quote() -> None:
        nonlocal quote
        if quote is not None and out.pos > quote.pos:
            entities.append(_entity(quote.kind, quote.pos, out.pos - quote.pos))
        quote = None

    while i < n:
        c = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")

        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if in_code:
            top = stack[-1]
            if top.kind == "pre" and text.startswith("```", i):
                stack.pop()
                if out.pos > top.pos:
                    lang = top.attrs.get("language", "")
                    entities.append(_entity("pre", top.pos, out.pos - top.pos, language=lang))
                i += 3
            elif top.kind == "code" and c == "`":
                stack.pop()
                if out.pos > top.pos:
                    entities.append(_entity("code", top.pos, out.pos - top.pos))
                i += 1
            elif c == "`":
                raise _reserved(c)
            else:
                out.add(c)
                i += 1
            continue
        if at_line_start and not stack:
            if text.startswith("**>", i) or c == ">":
                if quote is None:
                    expandable = text.startswith("**>", i)
                    kind = "expandable_blockquote" if expandable else "blockquote"
                    quote = _Open(kind, out.pos, byte_at(i))
                i += 3 if text.startswith("**>", i) else 1
                continue
            if quote is not None:
                close_quote()
        if (
            quote is not None
            and quote.kind == "expandable_blockquote"
            and text.startswith("||", i)
            and (i + 2 == n or text[i + 2] == "\n")
        ):
            i += 2  # "||" at a line end closes an expandable blockquote
            continue
        if c not in _MDV2_RESERVED:
            out.add(c)
            i += 1
            continue

        kind = None
        width = 1
        if c == "*":
            kind = "bold"
        elif c == "_":
            kind, width = ("underline", 2) if text.startswith("__", i) else ("italic", 1)
        elif c == "~":
            kind = "strikethrough"
        elif c == "|":
            if not text.startswith("||", i):
                raise _reserved(c)
            kind, width = "spoiler", 2
        if kind:
            if stack and stack[-1].kind == kind:
                top = stack.pop()
                if out.pos > top.pos:
                    entities.append(_entity(kind, top.pos, out.pos - top.pos))
            else:
                stack.append(_Open(kind, out.pos, byte_at(i)))
            i += width
            continue
        if c == "`":
            if text.startswith("```", i):
                end_line = text.find("\n", i + 3)
                header = text[i + 3 : end_line] if end_line >= 0 else ""
                if end_line >= 0 and header and " " not in header and "`" not in header:
                    stack.append(_Open("pre", out.pos, byte_at(i), {"language": header}))
                    i = end_line + 1
                else:
                    stack.append(_Open("pre", out.pos, byte_at(i)))
                    i += 3
            else:
                stack.append(_Open("code", out.pos, byte_at(i)))
                i += 1
            continue
        if c == "[" or (c == "!" and text.startswith("![", i)):
            kind = "custom_emoji" if c == "!" else "text_link"
            stack.append(_Open(kind, out.pos, byte_at(i)))
            i += 2 if c == "!" else 1
            continue
        if c == "]":
            if not stack or stack[-1].kind not in ("text_link", "custom_emoji"):
                raise _reserved(c)
            top = stack.pop()
            i += 1
            url = ""
            if i < n and text[i] == "(":
                j = i + 1
                chars: list[str] = []
                while j < n and text[j] != ")":
                    if text[j] == "\\" and j + 1 < n:
                        j += 1
                    chars.append(text[j])
                    j += 1
                if j >= n:
                    raise EntityParseError(f"Can't find end of a URL at byte offset {byte_at(i)}")
                url = "".join(chars)
                i = j + 1
            if out.pos > top.pos and url:
                if top.kind == "custom_emoji":
                    emoji_id = url.partition("id=")[2]
                    entities.append(
                        _entity(
                            "custom_emoji", top.pos, out.pos - top.pos, custom_emoji_id=emoji_id
                        )
                    )
                else:
                    entities.append(_entity("text_link", top.pos, out.pos - top.pos, url=url))
            continue
        raise _reserved(c)

    if stack:
        top = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES.get(top.kind, top.kind)} entity at byte offset "
            f"{top.byte}"
        )
    close_quote()
    return out.text(), _sorted(entities)


# --- legacy Markdown ------------------------------------------------------------------------


def _parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: no nesting; only ``_ * ` [`` are special and can be escaped."""
    out = _Out()
    entities: list[dict] = []
    n = len(text)
    i = 0

    def byte_at(idx: int) -> int:
        return len(text[:idx].encode("utf-8"))

    def missing_end(idx: int) -> EntityParseError:
        return EntityParseError(
            f"Can't find end of the entity starting at byte offset {byte_at(idx)}"
        )

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
        elif c in "_*":
            end = text.find(c, i + 1)
            if end < 0:
                raise missing_end(i)
            start = out.pos
            out.add(text[i + 1 : end])
            if out.pos > start:
                entities.append(_entity("bold" if c == "*" else "italic", start, out.pos - start))
            i = end + 1
        elif c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise missing_end(i)
            body = text[i + len(fence) : end]
            language = ""
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            start = out.pos
            out.add(body)
            if out.pos > start:
                kind = "pre" if fence == "```" else "code"
                entities.append(_entity(kind, start, out.pos - start, language=language))
            i = end + len(fence)
        elif c == "[":
            close = text.find("]", i + 1)
            if close < 0:
                raise missing_end(i)
            label = text[i + 1 : close]
            if close + 1 < n and text[close + 1] == "(":
                end = text.find(")", close + 2)
                if end < 0:
                    raise missing_end(i)
                url = text[close + 2 : end]
                start = out.pos
                out.add(label)
                if out.pos > start and url:
                    entities.append(_entity("text_link", start, out.pos - start, url=url))
                i = end + 1
            else:
                out.add(label)
                i = close + 1
        else:
            out.add(c)
            i += 1
    return out.text(), _sorted(entities)


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
