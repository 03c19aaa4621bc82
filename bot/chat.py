"""`python -m bot chat`: the bot's conversation in a terminal, no token, no network.

Buttons are shown as numbered choices; type the number to press one. Commands
(/start, /menu, /help, /language, /hotline, /privacy, /forget) work as in Telegram.
It goes through the same core Dialogue as the Telegram adapter.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.dialogue import Button, Dialogue, Turn
from bot.i18n import translator
from bot.services import Services

CHAT_USER_ID = 0  # the terminal user; records are kept like a Telegram user's


def render_turn(turn: Turn, out: TextIO) -> list[Button]:
    buttons: list[Button] = []
    if turn.toast and not turn.replies:
        print(f"  ({turn.toast})", file=out)
    for reply in turn.replies:
        print(reply.as_plain_text(), file=out)
        if reply.venue:
            v = reply.venue
            print(f"  📍 {v.title}, {v.address} ({v.lat:.4f}, {v.lon:.4f})", file=out)
        for row in reply.buttons:
            for b in row:
                if b.data:
                    buttons.append(b)
                    print(f"  [{len(buttons)}] {b.label}", file=out)
        print(file=out)
    return buttons


def run_chat(
    services: Services, lang: str | None, inp: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> int:
    dialogue: Dialogue = services.dialogue
    user_lang = services.user_lang(CHAT_USER_ID) or lang or "lo"
    if lang:
        user_lang = lang
    _ = translator(user_lang)
    print(_("Terminal chat. Type a question, a number to press a button, or /quit."), file=out)
    buttons = render_turn(services.apply(CHAT_USER_ID, dialogue.start(user_lang)), out)
    interactive = inp.isatty()
    while True:
        if interactive:
            print("> ", end="", file=out, flush=True)
        line = inp.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        user_lang = services.user_lang(CHAT_USER_ID) or user_lang
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            turn = dialogue.on_button(buttons[int(line) - 1].data or "", user_lang)
        elif line.startswith("/"):
            turn = services.command(line, user_lang)
        else:
            turn = dialogue.on_text(line, user_lang, chat=CHAT_USER_ID)
        turn = services.apply(CHAT_USER_ID, turn)
        buttons = render_turn(turn, out) or buttons
    return 0
