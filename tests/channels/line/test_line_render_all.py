"""Every reply the bot can build from the real content, rendered for LINE, is a request
LINE accepts (checked against the Messaging API spec): a new FAQ entry with a long title,
a category with many topics or a long answer fails here, not in production."""

from __future__ import annotations

import json

from linebot.v3.messaging import ReplyMessageRequest

from bot.channels.line.render import render_turn
from bot.core.dialogue_types import Turn
from tools.fakeline import openapi


def _turns(dialogue):
    content, where = dialogue.content, dialogue.where
    for lang in ("lo", "en"):
        yield lang, dialogue.start(lang)
        yield lang, dialogue.help(lang)
        yield lang, dialogue.hotlines(lang)
        yield lang, dialogue.centres(lang)
        yield lang, dialogue.privacy(lang)
        yield lang, Turn([dialogue.menu_reply(lang), dialogue.none_reply(lang)])
        for cat in content.categories:
            yield lang, Turn([dialogue.category_reply(cat, lang)])
        for entry in content.entries:
            yield lang, Turn([dialogue.answer_reply(entry, lang)])
            yield lang, Turn([dialogue.answer_reply(entry, lang, full=True)])  # 📖 More
            yield lang, Turn([dialogue.sources_reply(entry, lang)])  # 📚 Sources
        for province in where.directory.provinces:
            yield lang, where.province(province.id, lang) or Turn([])
        for country in ("TH", "KR", "JP"):
            yield lang, where.abroad(country, lang) or Turn([])


def test_every_reply_fits_line(loaded):
    spec = openapi.messaging_api()
    _template, op = spec.operation("POST", "/v2/bot/message/reply")
    schema = spec.request_schema(op)
    problems, checked = [], 0
    for lang, turn in _turns(loaded.dialogue):
        for page in (0, 1):
            rendered = render_turn(turn, lang, origin="c:x", page=page)
            if not rendered.messages:
                continue
            assert rendered.dropped == 0
            request = ReplyMessageRequest(reply_token="t", messages=rendered.messages)
            body = json.loads(request.to_json())
            found = spec.check(schema, body) + openapi.quick_reply_problems(body)
            problems += [f"{turn.replies[0].title or turn.replies[0].text[:30]}: {p}"
                         for p in found]  # fmt: skip
            checked += 1
    assert checked > 300
    assert problems == []
