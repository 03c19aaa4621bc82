"""The leaderboard name of a quiz event, driven through the quiz service (no Telegram).

Issue 13, finding 10: any short text typed after joining became the public name ("how
much korea visa cost" did). Now a name is taken only after the person taps ✏️ (or sends
/name), and stored only after they confirm it with ✅ Yes.
"""

from __future__ import annotations

import random

import pytest

from bot.app.quiz import Say
from bot.app.runtime import Services
from bot.core import quiz as q
from bot.core.callbacks import AskName, Callback, ConfirmName, StayAnonymous, decode, encode
from bot.storage.db import Store, connect
from tests.clock import Clock

STAFF, USER, OTHER = 900, 301, 302


@pytest.fixture
def services(loaded, tmp_path):
    store = Store(connect(tmp_path / "bot.sqlite3"))
    return Services(loaded, store, frozenset({STAFF}), clock=Clock(), rng=random.Random(7))


def _event(services) -> tuple[int, str]:
    quiz = services.quiz
    quiz.event_command(STAFF, STAFF, "en", ["new", "3", "Job", "fair"], "bot")
    ev = quiz.store.active_event(STAFF)
    return ev.id, ev.code


def _says(outs) -> list[Say]:
    return [o for o in outs if isinstance(o, Say)]


def _text(outs) -> str:
    return "\n".join(s.reply.text for s in _says(outs))


def _data(outs) -> list[Callback]:
    return [b.data for s in _says(outs) for row in s.reply.buttons for b in row if b.data]


def _stored_name(services, event_id: int, user: int) -> str | None:
    return services.quiz.store.participant(event_id, user).name


def _proposed(services, name: str) -> int:
    """USER joined an event, tapped ✏️ and typed `name`, not confirmed yet: the event id."""
    event_id, code = _event(services)
    services.quiz.join(USER, "en", code)
    services.quiz.name_button(USER, AskName(event_id))
    services.quiz.set_name(USER, name)
    return event_id


def test_text_typed_after_joining_is_not_a_name(services):
    event_id, code = _event(services)
    services.quiz.join(USER, "en", code)
    # short, no "?": it used to become the public name
    assert not services.quiz.awaiting_name(USER, "how much korea visa cost")
    assert services.quiz.set_name(USER, "how much korea visa cost") == []
    assert _stored_name(services, event_id, USER) is None


def test_a_name_needs_a_tap_and_a_yes(services):
    quiz = services.quiz
    event_id, code = _event(services)
    joined = quiz.join(USER, "en", code)
    assert "You joined “Job fair” as Participant 1" in _text(joined)
    assert _data(joined) == [AskName(event_id)]  # ✏️ Set my leaderboard name
    asked = quiz.name_button(USER, AskName(event_id))
    assert "Type the name" in _text(asked)
    assert quiz.awaiting_name(USER, "Noy")
    assert not quiz.awaiting_name(OTHER, "Noy")  # only the one who tapped
    assert not quiz.awaiting_name(USER, "how do I get a visa?")  # a question goes to the FAQ
    proposed = quiz.set_name(USER, "  Noy  ")
    assert "Show “Noy” on the leaderboard?" in _text(proposed)
    assert _data(proposed) == [ConfirmName(event_id), AskName(event_id), StayAnonymous(event_id)]
    assert all(len(encode(d).encode()) <= 64 for d in _data(proposed))
    # nothing stored yet, and the next text is a question for the FAQ again
    assert _stored_name(services, event_id, USER) is None
    assert not quiz.awaiting_name(USER, "Somchai")
    done = quiz.name_button(USER, ConfirmName(event_id))
    assert "On the leaderboard you are: Noy" in _text(done)
    assert _stored_name(services, event_id, USER) == "Noy"
    # a second ✅ (an old button) stores nothing new: it asks again
    assert "Type the name" in _text(quiz.name_button(USER, ConfirmName(event_id)))
    assert _stored_name(services, event_id, USER) == "Noy"


def test_change_and_stay_anonymous(services):
    quiz = services.quiz
    event_id = _proposed(services, "Boss")
    assert "Type the name" in _text(quiz.name_button(USER, AskName(event_id)))  # ✏️ Change
    assert "Show “Bee” on" in _text(quiz.set_name(USER, "Bee"))
    anon = quiz.name_button(USER, StayAnonymous(event_id))
    assert "On the leaderboard you are: Participant 1" in _text(anon)
    assert _stored_name(services, event_id, USER) is None
    # the proposed name is dropped: ✅ on the old message cannot store it any more
    quiz.name_button(USER, ConfirmName(event_id))
    assert _stored_name(services, event_id, USER) is None


def test_a_restart_before_yes_stores_nothing(services, loaded):
    event_id = _proposed(services, "Noy")
    again = Services(loaded, services.store, frozenset({STAFF}), clock=services.clock)
    assert "Type the name" in _text(again.quiz.name_button(USER, ConfirmName(event_id)))
    assert _stored_name(services, event_id, USER) is None
    assert again.quiz.awaiting_name(USER, "Noy")  # asked again: type it once more


def test_an_unconfirmed_name_expires(services):
    quiz = services.quiz
    event_id = _proposed(services, "Noy")
    services.clock.now += q.NAME_CONFIRM_S + 1
    assert "Type the name" in _text(quiz.name_button(USER, ConfirmName(event_id)))
    assert _stored_name(services, event_id, USER) is None


def test_name_command(services):
    quiz = services.quiz
    assert "Join a quiz event first" in _text(quiz.name_command(USER, "en"))
    event_id, code = _event(services)
    quiz.join(USER, "en", code)
    assert "Type the name" in _text(quiz.name_command(USER, "en"))
    assert quiz.awaiting_name(USER, "Kham")
    proposed = quiz.name_command(USER, "en", "Kham Noy")
    assert "Show “Kham Noy” on the leaderboard?" in _text(proposed)
    quiz.name_button(USER, ConfirmName(event_id))
    assert _stored_name(services, event_id, USER) == "Kham Noy"
    quiz.event_command(STAFF, STAFF, "en", ["end"], "bot")
    assert "Join a quiz event first" in _text(quiz.name_command(USER, "en"))


def test_buttons_of_others_or_garbled_do_nothing(services):
    quiz = services.quiz
    event_id, code = _event(services)
    quiz.join(USER, "en", code)
    assert quiz.name_button(OTHER, AskName(event_id)) == []  # not a participant
    assert not quiz.awaiting_name(OTHER, "Noy")
    for data in ("qn:", "qy:x", "qa:" + "9" * 40, "qn:²", "qz:1", "q"):  # as Telegram sends it
        assert quiz.name_button(USER, decode(data)) == []
    assert quiz.name_button(USER, AskName(event_id + 1)) == []  # another event


def test_places_from_before_the_change_are_not_asked(services):
    """Rows written when joining set naming = 1 ("asked") are not taken as asked."""
    _event_id, code = _event(services)
    services.quiz.join(USER, "en", code)
    services.store.conn.execute("UPDATE quiz_participants SET naming = 1")
    assert not services.quiz.awaiting_name(USER, "how much korea visa cost")


def test_name_candidate():
    assert q.name_candidate("  Noy \n Kham ") == "Noy Kham"
    assert q.name_candidate("is it safe?") is None
    assert q.name_candidate("x" * (q.NAME_MAX + 1)) is None
    assert q.name_candidate("   ") is None
