"""The terminal channel: the same app as Telegram, buttons and quiz options as numbers."""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys

import pytest

from bot.app.runtime import Runtime
from bot.channels.terminal import CHAT_USER_ID, TerminalChat, run_chat
from bot.core.callbacks import QuizOption
from bot.core.quiz import SOLO_DEFAULT
from bot.storage.db import Store, connect
from tests.conftest import ROOT


def _chat(tmp_path, loaded, lines, lang="en"):
    services = Runtime(loaded, Store(connect(tmp_path / "chat.sqlite3")))
    out = io.StringIO()
    run_chat(services, lang, inp=io.StringIO("\n".join(lines) + "\n"), out=out)
    return out.getvalue(), services


class Terminal:
    """Drive a TerminalChat in-process; `take()` returns what it printed since last time."""

    def __init__(self, tmp_path, loaded, seed: int = 3, lang: str = "en"):
        store = Store(connect(tmp_path / "chat.sqlite3"))
        self.services = Runtime(loaded, store, clock=lambda: 1_000_000.0, rng=random.Random(seed))
        self.out = io.StringIO()
        self.chat = TerminalChat(self.services, lang, self.out)
        self.chat.turn(self.services.dialogue.start(lang))

    def take(self) -> str:
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        assert text.strip(), "the bot said nothing"
        return text

    def send(self, line: str) -> str:
        self.chat.handle(line)
        return self.take()

    def number(self, label: str) -> str:
        """The number shown for the button labelled `label` (fails if there is none)."""
        labels = [getattr(c, "label", None) for c in self.chat.choices]
        assert label in labels, f"no button {label!r} among {labels}"
        return str(labels.index(label) + 1)

    def press(self, label: str) -> str:
        return self.send(self.number(label))

    def answer(self, right: bool) -> str:
        """Type the number of the right (or a wrong) option of the question on screen."""
        poll = next(iter(self.chat._open.values()))
        options = [c for c in self.chat.choices if isinstance(c, QuizOption)]
        assert len(options) == len(poll.options)
        pick = poll.correct if right else (poll.correct + 1) % len(poll.options)
        return self.send(str(pick + 1))


def test_chat_start_menu_button_and_question(tmp_path, loaded):
    out, _ = _chat(tmp_path, loaded, ["3", "How much does it cost to go to Korea?", "/quit"])
    assert "Hello!" in out
    assert "[3]" in out  # buttons are numbered
    assert "Checked: 2026-" in out and "https://" not in out
    assert "[1] 📖 More" in out and "[2] 📚 Sources" in out


def test_chat_sources_behind_a_numbered_button(tmp_path, loaded):
    out, _ = _chat(tmp_path, loaded, ["How much does it cost to go to Korea?", "2", "/quit"])
    assert "Sources:" in out and "https://" in out


def test_chat_language_switch_is_stored(tmp_path, loaded):
    out, services = _chat(tmp_path, loaded, ["1"])  # [1] = ພາສາລາວ
    assert "ຕັ້ງເປັນພາສາລາວແລ້ວ" in out
    assert services.user_lang(0) == "lo"


def test_chat_unknown_question_is_recorded_without_user(tmp_path, loaded):
    _out, services = _chat(tmp_path, loaded, ["recipe for sticky rice cake please"])
    assert services.store.count("unanswered") == 1


def test_quiz_button_plays_a_full_solo_round_and_scores_it(tmp_path, loaded):
    t = Terminal(tmp_path, loaded)
    t.take()
    intro = t.press("🎯 Quiz")
    assert f"1/{SOLO_DEFAULT} · " in intro and "[1]" in intro
    for i in range(SOLO_DEFAULT - 1):
        shown = t.answer(right=i != 0)
        assert shown.startswith("✅" if i != 0 else "❌")
        assert f"{i + 2}/{SOLO_DEFAULT} · " in shown
    result = t.answer(right=True)
    assert f"You got {SOLO_DEFAULT - 1} of {SOLO_DEFAULT} right." in result
    assert t.number("🎯 Play again") and t.number("☰ Menu")


def test_quiz_wrong_answer_shows_the_right_option(tmp_path, loaded):
    t = Terminal(tmp_path, loaded)
    t.take()
    t.send("/quiz 1")
    poll = next(iter(t.chat._open.values()))
    shown = t.answer(right=False)
    assert shown.startswith(f"❌ → {poll.options[poll.correct]}")
    assert "You got 0 of 1 right." in shown


@pytest.mark.parametrize("arg", ["²", "٣", "9" * 40, "0", "-3"])
def test_quiz_with_a_count_that_is_no_plain_number_starts_a_default_round(tmp_path, loaded, arg):
    """Issue #13, finding 6: the strict parser (bot/core/untrusted.py), not str.isdigit."""
    t = Terminal(tmp_path, loaded)
    t.take()
    assert f"1/{SOLO_DEFAULT} · " in t.send(f"/quiz {arg}")


def test_quiz_count_may_follow_a_tab(tmp_path, loaded):
    t = Terminal(tmp_path, loaded)
    t.take()
    assert "1/2 · " in t.send("/quiz\t2")


def test_province_search_lists_the_places_of_the_province(tmp_path, loaded):
    t = Terminal(tmp_path, loaded)
    t.take()
    t.press("📍 Service centres")
    shown = t.press("Champasak Province")
    assert shown.startswith("Champasak Province")
    assert "Labour and Social Welfare" in shown and "[" in shown  # places, then map buttons


def test_hotlines_privacy_and_forget(tmp_path, loaded):
    t = Terminal(tmp_path, loaded)
    t.take()
    assert "1362" in t.send("/hotline")
    assert "/forget" in t.send("/privacy")
    t.send("/language")
    t.press("ພາສາລາວ")
    assert t.services.user_lang(CHAT_USER_ID) == "lo"
    t.send("/forget")
    assert t.services.user_lang(CHAT_USER_ID) is None


@pytest.mark.slow
def test_python_m_bot_chat_plays_a_quiz_and_finds_a_province_with_piped_input(tmp_path, loaded):
    """The real command, as a person would pipe it: a full solo quiz, then a province."""
    t = Terminal(tmp_path, loaded)
    t.send("/menu")
    menu_centres = t.number("📍 Service centres")
    t.press("📍 Service centres")
    champasak = t.number("Champasak Province")
    lines = ["/quiz", *["1"] * SOLO_DEFAULT, "/menu", menu_centres, champasak, "/quit"]
    env = {**os.environ, "BOT_DB": str(tmp_path / "piped.sqlite3"), "TELEGRAM_BOT_TOKEN": ""}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--lang", "en"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    asked = re.findall(rf"^(\d)/{SOLO_DEFAULT} · ", out, flags=re.M)
    assert asked == [str(i) for i in range(1, SOLO_DEFAULT + 1)]
    assert len(re.findall(r"^(✅|❌)", out, flags=re.M)) == SOLO_DEFAULT
    assert re.search(rf"You got (all {SOLO_DEFAULT}|\d of {SOLO_DEFAULT}) right", out)
    after = out.split("Quiz result", 1)[1]
    assert "\nChampasak Province\n" in after
    assert "Labour and Social Welfare" in after.split("\nChampasak Province\n")[1]
