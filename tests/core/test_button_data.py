"""Every button the bot can build: its data fits Telegram's 64 bytes and a handler knows it.

A crawl over the real content (every category, answer, province, place, quiz result and
admin card), so a new FAQ id, place id or button kind that breaks the limit fails here
instead of as BUTTON_DATA_INVALID in production.
"""

from __future__ import annotations

import datetime as dt

from bot.core import quiz as q
from bot.core.admin import MissedGroup
from bot.core.admin import replies as admin_ui
from bot.core.callbacks import AdminButton, Callback, QuizButton, TalkButton, decode, encode
from bot.core.dialogue_types import Reply, Turn

OTHERS = (QuizButton, AdminButton, TalkButton)  # handled by the quiz, admin flow, handoff


def _data(*replies: Reply) -> list[Callback]:
    return [b.data for r in replies for row in r.buttons for b in row if b.data]


def _turn(turn: Turn) -> list[Callback]:
    return _data(*turn.replies)


def _all_button_data(dialogue) -> list[Callback]:
    content, where = dialogue.content, dialogue.where
    data: list[Callback] = []
    for lang in ("lo", "en"):
        data += _turn(dialogue.start(lang)) + _turn(dialogue.help(lang))
        data += _turn(dialogue.choose_language(lang)) + _turn(dialogue.hotlines(lang))
        data += _turn(dialogue.centres(lang)) + _turn(dialogue.unknown_button(lang))
        data += _data(dialogue.none_reply(lang))
        for cat in content.categories:
            data += _data(dialogue.category_reply(cat, lang))
        for entry in content.entries:
            data += _data(dialogue.answer_reply(entry, lang))
            data += _data(admin_ui.entry_card(entry, lang, dt.date(2026, 11, 30)))
        data += _data(admin_ui.pick_entry(list(content.by_id), content, lang))
        for province in where.directory.provinces:
            data += _turn(where.province(province.id, lang) or Turn([]))
        for country in ("TH", "KR", "JP"):
            data += _turn(where.abroad(country, lang) or Turn([]))
        missed = [(e.id, e.title[lang]) for e in content.entries]
        data += _data(q.solo_result(1, 5, missed, lang))
        group = MissedGroup("a" * 10, "question", "en", 3, 0.0)
        ids = {group.id: [e.id for e in content.entries][:3]}
        for r in admin_ui.missed_replies([group], ids, content, lang, 30):
            data += _data(r)
        longest = max(content.entries, key=lambda e: len(e.id))
        data += _data(*admin_ui.ask_for_missed_variant(group, longest, lang))
        event = 2**53  # a large event id
        data += _data(Reply("", buttons=q.name_offer(event, lang)))
        data += _data(q.name_confirm("ນ" * q.NAME_MAX, event, lang))
    return data


def test_every_button_fits_64_bytes_and_is_understood(loaded):
    data = _all_button_data(loaded.dialogue)
    assert len(data) > 200
    wire = {d: encode(d) for d in data}
    too_long = sorted(w for w in wire.values() if len(w.encode("utf-8")) > 64)
    assert too_long == []
    assert all(decode(w) == d for d, w in wire.items())  # the channel gets back what was sent
    for d in wire:
        if isinstance(d, OTHERS):
            continue
        turn = loaded.dialogue.on_button(d, "en")
        unknown = loaded.dialogue.unknown_button("en")
        said = bool(turn.replies or turn.toast)
        assert said and turn.toast != unknown.toast, f"no handler knows {wire[d]!r}"
