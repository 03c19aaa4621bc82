"""Talk to a person: the case flow (bot/core/handoff.py) with storage and the live directory.

A channel calls these methods and sends what they return; it reports back the ids the
counsellors' group gave (topic, header, relayed copies) with `routed()`. Nothing here
stores or logs message text. How counsellors work with it: docs/COUNSELLORS.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core import handoff as core
from bot.core.dialogue_types import Turn
from bot.core.handoff import Case, Hours
from bot.storage.db import Store
from bot.storage.handoff import HandoffStore


@dataclass
class Opening:
    """A new case: tell the user `turn`; post `header` (in topic `topic`, if topics) in the
    group, then call routed(); if the group cannot be reached call failed_to_open()."""

    case: Case
    turn: Turn
    header: str
    topic: str
    notices: list[str] = field(default_factory=list)  # posted in the case after the header


@dataclass
class FromUser:
    """A user's message during a case: send `turn` to the user first (emergency numbers when
    the message made the case urgent), copy the message to the case, post `notices`."""

    case: Case
    turn: Turn = field(default_factory=Turn)
    became_urgent: bool = False
    notices: list[str] = field(default_factory=list)


class HandoffService:
    def __init__(
        self,
        store: Store,
        directory: Callable[[], object],
        chat_id: int | None,
        hours: Hours,
        keep_days: int = core.KEEP_DAYS,
        clock: Callable[[], float] = time.time,
    ):
        self.cases = HandoffStore(store)
        self.directory = directory  # the live centre directory (a /reload swaps it)
        self.chat_id = chat_id
        self.hours = hours
        self.keep_days = keep_days
        self.clock = clock
        self.is_forum: bool | None = None  # learnt from the group on first use
        self._group_down = False  # one admin report per outage

    @property
    def enabled(self) -> bool:
        return self.chat_id is not None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def lines(self, country: str | None, lang: str) -> str:
        return core.help_lines(self.directory(), country, lang)

    # --- the user's side ---------------------------------------------------------------------
    def talk(self, user_chat: int, lang: str) -> Turn:
        """/talk or the 👤 button: consent first (or: already connected / not available)."""
        if not self.enabled:
            return core.off_turn(lang, self.lines(None, lang))
        case = self.cases.open_for_user(user_chat)
        if case is not None:
            return core.already_open_turn(case, lang)
        return core.consent_turn(lang)

    def decline(self, lang: str) -> Turn:
        return core.declined_turn(lang)

    def open(self, user_chat: int, lang: str, country: str) -> Opening | Turn:
        """The user consented (and said where they are). A Turn when nothing is to be posted
        (feature off, or a case is already open: the button was pressed twice)."""
        if not self.enabled:
            return core.off_turn(lang, self.lines(None, lang))
        existing = self.cases.open_for_user(user_chat)
        if existing is not None:
            return core.already_open_turn(existing, lang)
        country = country if country in core.COUNTRIES else None
        case = self.cases.open_case(user_chat, lang, country, urgent=False)
        now = self._now()
        open_now = self.hours.is_open(now)
        turn = core.opened_turn(
            case,
            lang,
            self.hours,
            open_now,
            self.hours.next_open(now),
            "" if open_now else self.lines(country, lang),
        )
        notices = [] if open_now else [core.after_hours_notice(case, self.hours)]
        return Opening(case, turn, core.header_text(case), core.topic_name(case), notices)

    def routed(self, case: Case, thread_id: int | None = None, header_id: int | None = None):
        """The case's topic and header exist in the group (a success: the group is up)."""
        self.cases.set_routing(case.number, thread_id, header_id)
        if header_id is not None:
            self.cases.add_message(case.number, header_id)
        self._group_down = False

    def failed_to_open(self, case: Case) -> None:
        """The group could not be reached: the case never existed for the counsellors."""
        self.cases.delete(case.number)

    def open_case(self, user_chat: int) -> Case | None:
        return self.cases.open_for_user(user_chat) if self.enabled else None

    def from_user(self, user_chat: int, text: str | None) -> FromUser | None:
        """A message from a user with an open case (None: no open case, handle normally)."""
        case = self.open_case(user_chat)
        if case is None:
            return None
        out = FromUser(case)
        if not case.urgent and core.is_urgent(text):
            self.cases.mark_urgent(case.number)
            case = self.cases.get(case.number)
            out.case, out.became_urgent = case, True
            out.turn = core.urgent_turn(case.lang, self.lines(case.country, case.lang))
            out.notices.append(core.urgent_notice(case))
        return out

    def relayed(self, case: Case, group_message_id: int) -> None:
        """A copy of a case message is now in the group: a reply to it routes back."""
        self.cases.add_message(case.number, group_message_id)
        self._group_down = False

    def stop(self, user_chat: int, lang: str) -> tuple[Case | None, Turn, str | None]:
        """/stop: (closed case or None, what to tell the user, what to tell the group)."""
        case = self.open_case(user_chat)
        if case is None:
            return None, core.nothing_open_turn(lang), None
        self.cases.close(case.number)
        return case, core.closed_turn(case, lang, "user"), core.closed_notice(case, "user")

    def forget(self, user_chat: int) -> tuple[Case | None, bool]:
        """/forget: close the open case and delete every case of this user.
        Returns (the case that was open, whether the user had any case at all)."""
        case = self.cases.open_for_user(user_chat)
        had_any = self.cases.has_any(user_chat)
        self.cases.delete_user(user_chat)
        return case, had_any

    # --- the counsellors' side -------------------------------------------------------------------
    def case_for(
        self, thread_id: int | None, reply_to_id: int | None
    ) -> tuple[Case | None, str | None]:
        """Which case a group message is for, and "closed" if that case is closed."""
        thread_case = self.cases.by_thread(thread_id) if thread_id else None
        reply_case = self.cases.by_group_message(reply_to_id) if reply_to_id else None
        return core.route_counsellor(thread_case, reply_case)

    def close(self, case: Case) -> tuple[Turn, str]:
        """/close by a counsellor: (what the user is told, what the group is told)."""
        self.cases.close(case.number)
        return core.closed_turn(case, case.lang, "counsellor"), core.closed_notice(
            case, "counsellor"
        )

    def user_gone(self, case: Case) -> str:
        """The user blocked the bot: close the case, tell the group."""
        self.cases.close(case.number)
        return core.not_delivered_notice(case, "unreachable")

    # --- faults and upkeep --------------------------------------------------------------------
    def unreachable(self, lang: str, country: str | None) -> Turn:
        return core.unreachable_turn(lang, self.lines(country, lang))

    def group_failed(self) -> bool:
        """The group refused a message. True the first time (report it to the admins once);
        False again until a message gets through."""
        first = not self._group_down
        self._group_down = True
        return first

    def purge(self) -> int:
        """Delete cases closed more than keep_days ago (the daily retention job)."""
        return self.cases.purge_closed(self.keep_days)
