"""The runtime: /reload swaps the FAQ, the centre directory and the quiz bank together."""

from __future__ import annotations

import random

from bot.app.runtime import Runtime, load_live
from bot.storage.db import Store, connect

QUIZ_TEXT = "MOU route to Thailand: how long do the visa and work permit last?"
PLACE_NAME = "Vientiane Capital Labour and Social Welfare Department"


def _services(content_dir, tmp_path, loaded) -> Runtime:
    store = Store(connect(tmp_path / "bot.sqlite3"))
    live = load_live(content_dir, previous=loaded)
    return Runtime(live, store, clock=lambda: 1e9, rng=random.Random(1))


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_reload_swaps_quiz_bank_and_directory_with_the_faq(content_copy, tmp_path, loaded):
    services = _services(content_copy, tmp_path, loaded)
    before = services.loaded
    assert services.quiz.bank.by_id["th-permit-years"].text["en"] == QUIZ_TEXT
    _edit(content_copy / "quiz.yaml", QUIZ_TEXT, "MOU to Thailand: how long is the permit?")
    _edit(content_copy / "centres.yaml", f"en: {PLACE_NAME}", "en: Vientiane Labour Office")

    assert services.reload() == []

    assert services.loaded is not before
    assert services.quiz.bank is services.loaded.bank
    question = services.quiz.bank.by_id["th-permit-years"]
    assert question.text["en"] == "MOU to Thailand: how long is the permit?"
    place = services.dialogue.directory.place("lsw-vientiane-capital")
    assert place.name["en"] == "Vientiane Labour Office"
    # a round started after the reload asks the new text
    outs = services.quiz.start_solo(5, "en", n=1)
    assert outs[-1].poll.question_id in services.loaded.bank.by_id


def test_a_broken_quiz_bank_refuses_the_reload_and_keeps_everything(content_copy, tmp_path, loaded):
    services = _services(content_copy, tmp_path, loaded)
    before = services.loaded
    _edit(content_copy / "centres.yaml", f"en: {PLACE_NAME}", "en: Vientiane Labour Office")
    _edit(content_copy / "quiz.yaml", "  difficulty: easy\n", "  difficulty: trivial\n")

    problems = services.reload()

    assert problems and any(p.file.endswith("quiz.yaml") for p in problems)
    assert services.loaded is before  # the directory edit waits for a valid quiz bank
    assert services.dialogue.directory.place("lsw-vientiane-capital").name["en"] == PLACE_NAME


def test_a_reload_keeps_the_thread_of_each_conversation(content_copy, tmp_path, loaded):
    """A follow-up right after an admin's /reload still means the last answer's country."""
    services = _services(content_copy, tmp_path, loaded)
    first = services.dialogue.on_text("How does the EPS to Korea work?", "en", chat=3)
    assert first.replies
    assert services.reload() == []
    turn = services.dialogue.on_text("how much does it cost?", "en", chat=3)
    asked = next(e.data for e in turn.events if e.kind == "asked")
    assert (asked["decision"], asked["entry"]) == ("answer", "kr-costs")
