"""Conversations at the core Dialogue level (channel-neutral): what a person sees."""

from __future__ import annotations


def test_lone_surrogate_in_a_question_is_stored_safely(dialogue):
    turn = dialogue.on_text("zzqx \ud83d vbnm", "en")
    assert turn.replies, "the bot said nothing"
    for event in turn.events:
        for value in event.data.values():
            if isinstance(value, str):
                value.encode("utf-8")  # sqlite and Telegram need valid UTF-8
