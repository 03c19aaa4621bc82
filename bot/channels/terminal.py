"""`python -m bot chat`: the bot's conversation in a terminal, no token, no network.

Buttons are shown as numbered choices; type the number to press one. Commands
(/start, /menu, /help, /quiz, /language, /hotline, /privacy, /forget) work as in Telegram.
It goes through the same core Dialogue and the same quiz service as the Telegram adapter:
a quiz question is printed with numbered options, and the answer is checked and scored by
the app exactly as a Telegram poll answer is.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from bot.app.quiz import Ask, Broadcast, Out, Say
from bot.app.runtime import Runtime
from bot.core.callbacks import Quiz, QuizOption
from bot.core.dialogue import Button, Reply, Turn
from bot.core.quiz import SOLO_DEFAULT, Poll
from bot.core.untrusted import parse_int
from bot.i18n import translator

CHAT_USER_ID = 0  # the terminal user; records are kept like a Telegram user's


# a numbered answer to the quiz question on screen (a Telegram poll option)
Choice = Button | QuizOption


def render_reply(reply: Reply, out: TextIO, choices: list[Choice]) -> None:
    print(reply.as_plain_text(), file=out)
    if reply.venue:
        v = reply.venue
        print(f"  📍 {v.title}, {v.address} ({v.lat:.4f}, {v.lon:.4f})", file=out)
    for row in reply.buttons:
        for b in row:
            if b.data:
                choices.append(b)
                print(f"  [{len(choices)}] {b.label}", file=out)
    print(file=out)


def render_turn(turn: Turn, out: TextIO) -> list[Button]:
    choices: list[Choice] = []
    if turn.toast and not turn.replies:
        print(f"  ({turn.toast})", file=out)
    for reply in turn.replies:
        render_reply(reply, out, choices)
    return [c for c in choices if isinstance(c, Button)]


class TerminalChat:
    """One terminal user: reads a line, asks the app, prints what comes back."""

    def __init__(self, services: Runtime, lang: str, out: TextIO):
        self.services, self.lang, self.out = services, lang, out
        self.choices: list[Choice] = []
        self._polls = 0
        self._open: dict[str, Poll] = {}  # questions on screen, not answered yet

    # --- input ------------------------------------------------------------------------
    def handle(self, line: str) -> None:
        self.lang = self.services.user_lang(CHAT_USER_ID) or self.lang
        words = line.split(None, 1)  # any whitespace, like the Telegram commands
        choice = parse_int(line, 1, len(self.choices)) if self.choices else None
        if choice is not None:
            self.press(self.choices[choice - 1])
        elif words and words[0].lower() == "/quiz":
            # strict: '²' or a 40-digit number is no count; /quiz 0 is a default-length round
            self.quiz(parse_int(words[1] if len(words) > 1 else "", 0) or SOLO_DEFAULT)
        elif line.startswith("/"):
            self.turn(self.services.command(line, self.lang))
        else:
            self.turn(self.services.dialogue.on_text(line, self.lang, chat=CHAT_USER_ID))

    def press(self, choice: Choice) -> None:
        quiz = self.services.quiz
        pressed = choice if isinstance(choice, QuizOption) else choice.data
        if isinstance(pressed, QuizOption):
            outs = quiz.on_answer(CHAT_USER_ID, pressed.poll_id, [pressed.index])
            poll = self._open.pop(pressed.poll_id, None)
            if outs and poll is not None:
                self._feedback(poll, pressed.index)
            self.outs(outs)
        elif isinstance(pressed, Quiz):  # the menu's 🎯 Quiz and the result's "Play again"
            self.quiz(SOLO_DEFAULT)
        else:
            self.turn(self.services.dialogue.on_button(pressed, self.lang, CHAT_USER_ID))

    def quiz(self, n: int) -> None:
        self.outs(self.services.quiz.start_solo(CHAT_USER_ID, self.lang, n))

    # --- output -----------------------------------------------------------------------
    def turn(self, turn: Turn) -> None:
        turn = self.services.apply(CHAT_USER_ID, turn)
        buttons = render_turn(turn, self.out)
        if buttons:
            self.choices = list(buttons)

    def outs(self, outs: list[Out]) -> None:
        """The quiz service's messages: replies, and questions shown as numbered options."""
        choices: list[Choice] = []
        for item in outs:
            for one in item.items if isinstance(item, Broadcast) else (item,):
                if isinstance(one, Say):
                    render_reply(one.reply, self.out, choices)
                elif isinstance(one, Ask):
                    self._ask(one, choices)
        if choices:
            self.choices = choices

    def _ask(self, ask: Ask, choices: list[Choice]) -> None:
        self._polls += 1
        poll_id = f"terminal-{time.time_ns()}-{self._polls}"
        self.services.quiz.poll_sent(ask, poll_id)
        self._open = {poll_id: ask.poll}
        print(ask.poll.question, file=self.out)
        for i, option in enumerate(ask.poll.options):
            choices.append(QuizOption(poll_id, i))
            print(f"  [{len(choices)}] {option}", file=self.out)
        print(file=self.out)

    def _feedback(self, poll: Poll, chosen: int) -> None:
        """What Telegram's quiz poll shows once answered: right or wrong, and why."""
        if chosen == poll.correct:
            print(f"✅ {poll.explanation}".rstrip(), file=self.out)
        else:
            right = poll.options[poll.correct]
            print(f"❌ → {right}", file=self.out)
            if poll.explanation:
                print(poll.explanation, file=self.out)
        print(file=self.out)


def run_chat(
    services: Runtime, lang: str | None, inp: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> int:
    user_lang = services.user_lang(CHAT_USER_ID) or lang or "lo"
    if lang:
        user_lang = lang
    _ = translator(user_lang)
    print(_("Terminal chat. Type a question, a number to press a button, or /quit."), file=out)
    chat = TerminalChat(services, user_lang, out)
    chat.turn(services.dialogue.start(user_lang))
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
        chat.handle(line)
    return 0
