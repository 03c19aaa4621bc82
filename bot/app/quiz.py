"""The quiz as a channel-neutral service: solo rounds and outreach events.

Each method reads storage, asks bot/core/quiz.py what happens, records it, and returns
the messages to send as values (`Say`, `Ask`, `Photo`, ...). The Telegram adapter
(bot/channels/telegram/handlers/quiz.py) only sends them and reports back what Telegram answered
(`poll_sent`, `unreachable`, `status_sent`). All state is in SQLite, so a restarted
bot carries on with a running event.

Time and randomness come in from outside (`clock`, `rng`), as everywhere in the bot.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core import quiz as q
from bot.core.callbacks import AskName, ConfirmName, QuizButton, StayAnonymous
from bot.core.dialogue import Reply
from bot.i18n import translator
from bot.storage.quiz import EVENT_KEEP_DAYS, EventRow, Participant, QuizStore

log = logging.getLogger(__name__)

STATUS_EVERY_S = 2.0  # the facilitator's live answer count is edited at most this often
CODE_TRIES = 20


# --- what to send (values; the adapter sends them) ---------------------------------------
@dataclass(frozen=True)
class Say:
    chat_id: int
    reply: Reply


@dataclass(frozen=True)
class Ask:
    """Send a quiz poll to a person; `timer` seconds start once it is delivered."""

    user_id: int
    poll: q.Poll
    event_id: int | None
    qindex: int
    timer: int | None = None


@dataclass(frozen=True)
class Photo:
    chat_id: int
    png: bytes
    caption: str


@dataclass(frozen=True)
class Document:
    chat_id: int
    filename: str
    data: bytes
    caption: str


@dataclass(frozen=True)
class Broadcast:
    """Many messages to many people: send concurrently, within Telegram's rate limits."""

    items: tuple[Say | Ask, ...]


@dataclass(frozen=True)
class Status:
    """The facilitator's live answer count: a new message (`new`) or an edit of the last."""

    event_id: int
    chat_id: int | None = None
    new: bool = False


@dataclass(frozen=True)
class StatusLater:
    event_id: int
    seconds: float


@dataclass(frozen=True)
class Timer:
    event_id: int
    user_id: int
    qindex: int
    seconds: float


@dataclass(frozen=True)
class CancelTimer:
    event_id: int
    user_id: int


Out = Say | Ask | Photo | Document | Broadcast | Status | StatusLater | Timer | CancelTimer


@dataclass
class QuizService:
    # the runtime's current `Live` (bot/app/runtime.py): `.bank` and `.content` (the FAQ, for
    # "read more" buttons) are read at each call, so a /reload swaps both for the quiz too
    live: Callable[[], Any]
    store: QuizStore
    staff_ids: frozenset[int] = frozenset()
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)
    _status_at: dict[int, float] = field(default_factory=dict)
    # leaderboard names typed but not yet confirmed, {(event, user): (name, when)}: in memory
    # only, so nothing is stored before ✅ Yes (a restart forgets them: the person types again)
    _proposed: dict[tuple[int, int], tuple[str, float]] = field(default_factory=dict)
    _status_pending: set[int] = field(default_factory=set)

    @property
    def bank(self) -> q.QuizBank | None:
        return self.live().bank

    def content(self) -> Any:
        return self.live().content

    # --- solo -------------------------------------------------------------------------
    def start_solo(self, user_id: int, lang: str, n: int = q.SOLO_DEFAULT) -> list[Out]:
        """/quiz: n questions, none from the user's last round when there are enough others."""
        _ = translator(lang)
        if self.bank is None:
            return [Say(user_id, Reply(_("The quiz is not available right now.")))]
        n = max(1, min(q.SOLO_MAX, n))
        ids = q.draw(self.bank, n, self.rng, avoid=self.store.recent(user_id))
        self.store.start_solo(user_id, lang, ids, self.clock())
        intro = Reply(
            _(
                "{n} questions about working abroad safely. Choose an answer; "
                "the next question comes right after.",
                n=len(ids),
            ),
            title=_("🎯 Quiz"),
        )
        return [Say(user_id, intro), self._solo_ask(user_id, lang, ids, 0)]

    def _solo_ask(self, user_id: int, lang: str, ids: tuple[str, ...] | list[str], i: int) -> Ask:
        poll = q.make_poll(self.bank.by_id[ids[i]], lang, self.rng, i + 1, len(ids))
        return Ask(user_id, poll, None, i)

    def _solo_answer(self, user_id: int, qindex: int) -> list[Out]:
        round_ = self.store.solo(user_id)
        if round_ is None:
            return []
        lang, ids, position = round_
        if qindex != position:
            return []
        nxt = position + 1
        if nxt < len(ids) and ids[nxt] in self.bank.by_id:
            self.store.advance_solo(user_id, nxt)
            return [self._solo_ask(user_id, lang, ids, nxt)]
        polls = self.store.solo_polls(user_id)
        correct = sum(p.answered and p.right for p in polls)
        missed = q.missed_faq(self.bank, self.content(), polls, lang)
        self.store.end_solo(user_id)
        return [Say(user_id, q.solo_result(correct, len(ids), missed, lang))]

    # --- answers ----------------------------------------------------------------------
    def poll_sent(self, ask: Ask, poll_id: str) -> None:
        """Telegram accepted the poll: remember which round or event it belongs to."""
        self.store.add_poll(
            poll_id,
            ask.user_id,
            ask.event_id,
            ask.qindex,
            ask.poll.question_id,
            ask.poll.correct,
            self.clock(),
        )

    def on_answer(self, user_id: int, poll_id: str, option_ids: list[int]) -> list[Out]:
        """A poll_answer. Unknown polls (old rounds, forgotten users), second answers and
        answers to closed questions are ignored."""
        if self.bank is None or not option_ids:
            return []
        row = self.store.poll(poll_id)
        if row is None or row.user_id != user_id or row.record.answered:
            return []
        question = self.bank.by_id.get(row.record.question_id)
        n_options = len(next(iter(question.options.values()))) if question else 0
        if not (isinstance(option_ids[0], int) and 0 <= option_ids[0] < n_options):
            return []  # not an option of this poll (a forged or garbled update)
        if row.event_id is None:
            solo = self.store.solo(user_id)
            if solo is None or solo[2] != row.record.qindex:
                return []
            self.store.answer(poll_id, option_ids[0], self.clock())
            return self._solo_answer(user_id, row.record.qindex)
        ev = self.store.event(row.event_id)
        part = self.store.participant(row.event_id, user_id)
        if ev is None or part is None:
            return []
        if not q.accepts_answer(ev.machine, row.record.qindex, part.position):
            return []
        if not self.store.answer(poll_id, option_ids[0], self.clock()):
            return []
        if ev.mode == q.SELF:
            return self._advance(ev, part, row.record.qindex) + self._status_due(ev.id)
        return self._status_due(ev.id)

    # --- self-paced progress ------------------------------------------------------------
    def _advance(self, ev: EventRow, part: Participant, qindex: int) -> list[Out]:
        nxt = qindex + 1
        self.store.set_position(ev.id, [part.user_id], nxt)
        outs: list[Out] = [CancelTimer(ev.id, part.user_id)]
        ask = self._event_ask(ev, part, nxt) if nxt < len(ev.question_ids) else None
        if ask is not None:
            outs.append(ask)
        else:
            _ = translator(part.lang)
            polls = [p.record for p in self.store.event_polls(ev.id, part.user_id)]
            correct = sum(p.answered and p.right for p in polls)
            text = _(
                "You finished: {correct} of {total} right. The facilitator will show the results.",
                correct=correct,
                total=len(ev.question_ids),
            )
            outs.append(Say(part.user_id, Reply(text)))
        return outs

    def timeout(self, event_id: int, user_id: int, qindex: int) -> list[Out]:
        """A self-paced question's time is up: move the participant on."""
        ev = self.store.event(event_id)
        part = self.store.participant(event_id, user_id)
        if ev is None or part is None or ev.state != q.RUNNING or part.position != qindex:
            return []
        row = self.store.open_poll(event_id, user_id, qindex)
        if row is None or row.record.answered:
            return []
        return self._advance(ev, part, qindex)

    def pending_timers(self) -> list[Timer]:
        """After a restart: the time left on every self-paced question still open."""
        now = self.clock()
        out = []
        for ev in self.store.running_self_paced():
            for part in self.store.participants(ev.id, reachable_only=True):
                row = self.store.open_poll(ev.id, part.user_id, part.position)
                if row is not None and not row.record.answered:
                    left = row.record.sent_at + (ev.time_limit or 0) - now
                    out.append(Timer(ev.id, part.user_id, part.position, max(0.0, left)))
        return out

    # --- events: participants -------------------------------------------------------------
    def join(self, user_id: int, lang: str, code: str) -> list[Out]:
        """/start ev_CODE or /join CODE."""
        _ = translator(lang)
        ev = self.store.event_by_code(q.normalise_code(code)) if code else None
        if ev is None or self.bank is None:
            text = _(
                "I don't know the event code “{code}”. Check it with the facilitator, "
                "then send /join and the code.",
                code=code[:20],
            )
            return [Say(user_id, Reply(text))]
        if ev.state == q.ENDED:
            return [Say(user_id, Reply(_("The event “{title}” has ended.", title=ev.title)))]
        part, new = self.store.join(ev.id, user_id, lang, self.clock())
        who = q.display_name(part.name, part.number, lang)
        if new:
            text = _(
                "You joined “{title}” as {name}. Questions will come here as quiz polls.\n\n"
                "To show another name on the leaderboard, tap the button.",
                title=ev.title,
                name=who,
            )
        else:
            text = _("You are already in “{title}” as {name}.", title=ev.title, name=who)
        outs: list[Out] = [Say(user_id, Reply(text, buttons=q.name_offer(ev.id, lang)))]
        qindex = q.on_join(ev.machine)
        if ev.mode == q.SELF and qindex is not None:
            if part.position < 0:
                self.store.set_position(ev.id, [user_id], 0)
                part = self.store.participant(ev.id, user_id)
            qindex = part.position if part.position < len(ev.question_ids) else None
        if qindex is not None and self.store.open_poll(ev.id, user_id, qindex) is None:
            ask = self._event_ask(ev, part, qindex)
            outs += [ask] if ask else []
        return outs

    # --- events: the leaderboard name (asked for, then confirmed; see docs/QUIZ.md) ---------
    def ask_name(self, user_id: int, event_id: int) -> list[Out]:
        """✏️ tapped: the person's next text is the name they propose."""
        part = self._open_place(user_id, event_id)
        if part is None:
            return self._no_place(user_id, event_id)
        self.store.ask_name(event_id, user_id)
        return [Say(user_id, q.name_ask(part.lang))]

    def name_command(self, user_id: int, lang: str, arg: str = "") -> list[Out]:
        """/name (in the event joined last): ask for the name; `/name Noy` proposes Noy."""
        part = self.store.current(user_id)
        if part is None:
            _ = translator(lang)
            text = _("Join a quiz event first: send /join and the event code.")
            return [Say(user_id, Reply(text))]
        name = q.name_candidate(arg) if arg.strip() else None
        if name is None:
            return self.ask_name(user_id, part.event_id)
        return self._propose(part, name)

    def awaiting_name(self, user_id: int, text: str) -> bool:
        """Is this text the leaderboard name the person said they would type? Only after
        they tapped ✏️ (or sent /name); a question ("...?") or anything longer than a name
        goes to the FAQ as usual."""
        return q.name_candidate(text) is not None and self.store.naming(user_id) is not None

    def set_name(self, user_id: int, text: str) -> list[Out]:
        """The typed name: proposed, shown back with ✅ Yes / ✏️ Change / ❌ Stay anonymous."""
        part = self.store.naming(user_id)
        name = q.name_candidate(text)
        if part is None or name is None:
            return []
        return self._propose(part, name)

    def _propose(self, part: Participant, name: str) -> list[Out]:
        now = self.clock()
        for key, (_n, at) in list(self._proposed.items()):  # unconfirmed names do not pile up
            if now - at > q.NAME_CONFIRM_S:
                del self._proposed[key]
        self._proposed[(part.event_id, part.user_id)] = (name, now)
        self.store.stop_naming(part.event_id, part.user_id)  # later texts go to the FAQ
        return [Say(part.user_id, q.name_confirm(name, part.event_id, part.lang))]

    def confirm_name(self, user_id: int, event_id: int) -> list[Out]:
        """✅ Yes: only now is the name stored (and shown on the leaderboard)."""
        part = self._open_place(user_id, event_id)
        proposed = self._proposed.pop((event_id, user_id), None)
        if part is None:
            return self._no_place(user_id, event_id)
        if proposed is None or self.clock() - proposed[1] > q.NAME_CONFIRM_S:
            return self.ask_name(user_id, event_id)  # forgotten (restart) or too old
        self.store.set_name(event_id, user_id, proposed[0])
        return [Say(user_id, q.name_shown(proposed[0], part.number, part.lang))]

    def stay_anonymous(self, user_id: int, event_id: int) -> list[Out]:
        self._proposed.pop((event_id, user_id), None)
        part = self.store.participant(event_id, user_id)
        if part is None:
            return []
        self.store.set_name(event_id, user_id, None)
        return [Say(user_id, q.name_shown(None, part.number, part.lang))]

    def name_button(self, user_id: int, pressed: QuizButton | None) -> list[Out]:
        """A leaderboard-name button (✏️ AskName, ✅ ConfirmName, ❌ StayAnonymous, values of
        bot/core/callbacks.py); anything else is ignored."""
        if isinstance(pressed, AskName):
            return self.ask_name(user_id, pressed.event_id)
        if isinstance(pressed, ConfirmName):
            return self.confirm_name(user_id, pressed.event_id)
        if isinstance(pressed, StayAnonymous):
            return self.stay_anonymous(user_id, pressed.event_id)
        return []

    def _open_place(self, user_id: int, event_id: int) -> Participant | None:
        part = self.store.participant(event_id, user_id)
        ev = self.store.event(event_id) if part else None
        return part if ev is not None and ev.state != q.ENDED else None

    def _no_place(self, user_id: int, event_id: int) -> list[Out]:
        part = self.store.participant(event_id, user_id)
        if part is None:
            return []
        _ = translator(part.lang)
        return [Say(user_id, Reply(_("This event has ended.")))]

    def unreachable(self, ask_or_say: Ask | Say, event_id: int | None) -> None:
        """Telegram said 403 (blocked, deactivated): skip this participant from now on."""
        if event_id is not None:
            uid = ask_or_say.user_id if isinstance(ask_or_say, Ask) else ask_or_say.chat_id
            self.store.set_unreachable(event_id, uid)

    def _event_ask(self, ev: EventRow, part: Participant, qindex: int) -> Ask | None:
        """None if the question left the bank (content changed between restarts)."""
        question = self.bank.by_id.get(ev.question_ids[qindex])
        if question is None:
            log.warning("quiz event %s: question %s is no longer in the bank", ev.id, qindex)
            return None
        limit = ev.time_limit if ev.mode == q.SELF else None
        poll = q.make_poll(question, part.lang, self.rng, qindex + 1, len(ev.question_ids), limit)
        return Ask(part.user_id, poll, ev.id, qindex, timer=limit)

    # --- events: the facilitator -------------------------------------------------------------
    def is_staff(self, user_id: int) -> bool:
        return user_id in self.staff_ids

    def event_command(
        self, user_id: int, chat_id: int, lang: str, args: list[str], bot_username: str
    ) -> list[Out]:
        """/event [new|mode|next|board|end|export] for facilitators."""
        _ = translator(lang)
        if not self.is_staff(user_id):
            return [Say(chat_id, Reply(_("Only facilitators can run quiz events.")))]
        if self.bank is None:
            return [Say(chat_id, Reply(_("The quiz is not available right now.")))]
        verb = args[0].lower() if args else ""
        rest = args[1:]
        if verb == "new":
            return self._new(user_id, chat_id, lang, rest, bot_username)
        if verb == "export":
            ev = self.store.latest_event(user_id)
            return self._export(ev, user_id, chat_id, lang) if ev else self._no_event(chat_id, lang)
        ev = self.store.active_event(user_id)
        if verb == "board" and ev is None:
            ev = self.store.latest_event(user_id)
        if ev is None:
            return self._no_event(chat_id, lang)
        if verb == "mode":
            return self._mode(ev, chat_id, lang, rest)
        if verb == "next":
            return self._next(ev, chat_id, lang)
        if verb == "board":
            return self._board(ev, chat_id)
        if verb == "end":
            return self._end(ev, chat_id, lang)
        return [Say(chat_id, self._status_reply(ev, lang))]

    def _no_event(self, chat_id: int, lang: str) -> list[Out]:
        _ = translator(lang)
        return [Say(chat_id, Reply(_("You have no quiz event. Start one: /event new <title>")))]

    def _new(
        self, user_id: int, chat_id: int, lang: str, args: list[str], bot_username: str
    ) -> list[Out]:
        _ = translator(lang)
        n, title = q.parse_new(args)
        if not title:
            return [Say(chat_id, Reply(_("Give the event a title: /event new <title>")))]
        active = self.store.active_event(user_id)
        if active is not None:
            text = _(
                "Your event “{title}” (code {code}) is still open. Close it with /event end first.",
                title=active.title,
                code=active.code,
            )
            return [Say(chat_id, Reply(text))]
        now = self.clock()
        self.store.purge_events(now - EVENT_KEEP_DAYS * 86400)
        ids = q.draw(self.bank, n, self.rng)
        event_id = code = None
        for _try in range(CODE_TRIES):
            code = q.new_code(self.rng)
            event_id = self.store.create_event(code, title, user_id, chat_id, lang, ids, now)
            if event_id is not None:
                break
        if event_id is None:
            return [Say(chat_id, Reply(_("Could not create the event. Please try again.")))]
        link = f"https://t.me/{bot_username}?start=ev_{code}"
        caption = _(
            "Join the quiz “{title}”: scan this code or open {link}\n"
            "Or send /join {code} to the bot.",
            title=title,
            link=link,
            code=code,
        )
        howto = _(
            "Event “{title}” is ready: {n} questions, code {code}.\n\n"
            "/event – status and number of participants\n"
            "/event mode self 30 – self-paced, 30 seconds per question (default: you move on)\n"
            "/event next – send the next question (or start a self-paced event)\n"
            "/event board – leaderboard\n"
            "/event end – close and send everyone their score\n"
            "/event export – results as CSV files",
            title=title,
            n=len(ids),
            code=code,
        )
        return [Photo(chat_id, q.qr_png(link), caption), Say(chat_id, Reply(howto))]

    def _mode(self, ev: EventRow, chat_id: int, lang: str, args: list[str]) -> list[Out]:
        _ = translator(lang)
        parsed = q.parse_mode(args)
        if parsed is None:
            return [Say(chat_id, Reply(_("Use /event mode live, or /event mode self 30.")))]
        if ev.state != q.LOBBY:
            return [Say(chat_id, Reply(_("The mode can only change before the first question.")))]
        mode, limit = parsed
        self.store.set_mode(ev.id, mode, limit)
        if mode == q.SELF:
            text = _(
                "Self-paced: each participant gets the next question when they answer, "
                "or after {s} seconds. Send /event next to start.",
                s=limit,
            )
        else:
            text = _("You move on: each /event next sends the next question to everyone.")
        return [Say(chat_id, Reply(text))]

    def _next(self, ev: EventRow, chat_id: int, lang: str) -> list[Out]:
        _ = translator(lang)
        step = q.next_step(ev.machine)
        now = self.clock()
        if step.refuse == "running_self":
            text = _("This event is self-paced and running. /event board shows the leaderboard.")
            return [Say(chat_id, Reply(text))]
        if step.refuse == "no_more":
            return [Say(chat_id, Reply(_("No more questions. Send /event end to close.")))]
        if step.refuse:
            return [Say(chat_id, Reply(_("This event has ended.")))]
        if step.close is not None:
            self.store.close_question(ev.id, step.close, now)
        if step.last:
            text = _(
                "That was the last question; it is now closed. "
                "/event board shows the leaderboard, /event end closes the event."
            )
            return [Say(chat_id, Reply(text))]
        parts = self.store.participants(ev.id, reachable_only=True)
        if step.start_self:
            self.store.set_state(ev.id, q.RUNNING)
            self.store.set_position(ev.id, [p.user_id for p in parts], 0)
            qindex = 0
        else:
            qindex = step.open
            self.store.open_question(ev.id, qindex, now)
        ev = self.store.event(ev.id)
        asks = tuple(a for a in (self._event_ask(ev, p, qindex) for p in parts) if a)
        return [Broadcast(asks), Status(ev.id, chat_id, new=True)]

    def _scores(self, ev: EventRow) -> list[q.Ranked]:
        by_user: dict[int, list[q.PollRecord]] = {}
        for row in self.store.event_polls(ev.id):
            by_user.setdefault(row.user_id, []).append(row.record)
        closed = self.store.closed_at(ev.id)
        limit = ev.time_limit if ev.mode == q.SELF else None
        scores = [
            q.score(p.user_id, p.number, p.name, by_user.get(p.user_id, []), closed, limit)
            for p in self.store.participants(ev.id)
        ]
        return q.rank(scores)

    def _board_reply(self, ev: EventRow) -> Reply:
        ranked = self._scores(ev)
        joined = len(self.store.participants(ev.id))
        return q.board_text(ev.title, ranked, joined, len(ev.question_ids), ev.lang)

    def _board(self, ev: EventRow, chat_id: int) -> list[Out]:
        reply = self._board_reply(ev)
        outs: list[Out] = [Say(chat_id, reply)]
        if ev.chat_id < 0 and ev.chat_id != chat_id:
            outs.append(Say(ev.chat_id, reply))  # the event's group sees it too
        return outs

    def _end(self, ev: EventRow, chat_id: int, lang: str) -> list[Out]:
        now = self.clock()
        if ev.current_open:
            self.store.close_question(ev.id, ev.current, now)
        self.store.set_state(ev.id, q.ENDED, now)
        ev = self.store.event(ev.id)
        ranked = self._scores(ev)
        total = len(ev.question_ids)
        polls_by_user: dict[int, list[q.PollRecord]] = {}
        for row in self.store.event_polls(ev.id):
            polls_by_user.setdefault(row.user_id, []).append(row.record)
        reachable = {p.user_id for p in self.store.participants(ev.id, reachable_only=True)}
        langs = {p.user_id: p.lang for p in self.store.participants(ev.id)}
        notes: list[Say | Ask] = []
        for r in ranked:
            uid = r.score.key
            if uid not in reachable:
                continue
            plang = langs.get(uid, ev.lang)
            missed = q.missed_faq(self.bank, self.content(), polls_by_user.get(uid, []), plang)
            notes.append(Say(uid, q.event_result(ev.title, r, len(ranked), total, missed, plang)))
        _ = translator(lang)
        outs: list[Out] = [CancelTimer(ev.id, uid) for uid in langs] if ev.mode == q.SELF else []
        outs.append(Broadcast(tuple(notes)))
        done = _(
            "The event has ended and everyone got their score. /event export sends the results."
        )
        outs += self._board(ev, chat_id)
        outs.append(Say(chat_id, Reply(done)))
        return outs

    def _export(self, ev: EventRow, user_id: int, chat_id: int, lang: str) -> list[Out]:
        _ = translator(lang)
        ranked = self._scores(ev)
        total = len(ev.question_ids)
        polls = [row.record for row in self.store.event_polls(ev.id)]
        stem = f"quiz-{ev.code}"
        outs: list[Out] = [
            Document(
                user_id,
                f"{stem}-results.csv",
                q.results_csv(ranked, total, lang),
                _("Results: {title}", title=ev.title),
            ),
            Document(
                user_id,
                f"{stem}-questions.csv",
                q.questions_csv(self.bank, ev.question_ids, polls, lang),
                _("How many got each question right: {title}", title=ev.title),
            ),
        ]
        if chat_id != user_id:
            text = _(
                "I sent the result files to you in a private chat. If they did not arrive, "
                "open a private chat with me and send /event export there."
            )
            outs.append(Say(chat_id, Reply(text)))
        return outs

    # --- the facilitator's live answer count ------------------------------------------------
    def _status_reply(self, ev: EventRow, lang: str) -> Reply:
        _ = translator(lang)
        joined = len(self.store.participants(ev.id))
        lines = [
            _("Code: {code}", code=ev.code),
            _("State: {state}", state=_(q.STATE_LABELS[ev.state])),
            _("Mode: {mode}", mode=_(q.MODE_LABELS[ev.mode])),
            _("Participants: {n}", n=joined),
        ]
        if ev.mode == q.LIVE and ev.current >= 0:
            answered, sent = self.store.answer_count(ev.id, ev.current)
            lines.append(
                _(
                    "Question {i} of {total}: {answered} of {sent} answered",
                    i=ev.current + 1,
                    total=len(ev.question_ids),
                    answered=answered,
                    sent=sent,
                )
            )
        return Reply("\n".join(lines), title=ev.title)

    def status_text(self, event_id: int) -> str | None:
        """The live count line for the question being answered (live mode)."""
        ev = self.store.event(event_id)
        if ev is None:
            return None
        _ = translator(ev.lang)
        if ev.mode == q.SELF:
            parts = self.store.participants(ev.id)
            done = sum(p.position >= len(ev.question_ids) for p in parts)
            answered = sum(r.record.answered for r in self.store.event_polls(ev.id))
            return _(
                "Self-paced quiz running: {answered} answers so far; {done} of {n} finished.",
                answered=answered,
                done=done,
                n=len(parts),
            )
        answered, sent = self.store.answer_count(ev.id, ev.current)
        text = _(
            "Question {i} of {total} sent to {sent}. Answers: {answered}.",
            i=ev.current + 1,
            total=len(ev.question_ids),
            sent=sent,
            answered=answered,
        )
        return text if ev.current_open else text + " " + _("(closed)")

    def status_target(self, event_id: int) -> tuple[int | None, int | None]:
        ev = self.store.event(event_id)
        return (ev.status_chat_id, ev.status_message_id) if ev else (None, None)

    def status_sent(self, event_id: int, chat_id: int, message_id: int) -> None:
        self.store.set_status_message(event_id, chat_id, message_id)
        self._status_at[event_id] = self.clock()

    def _status_due(self, event_id: int) -> list[Out]:
        now = self.clock()
        last = self._status_at.get(event_id, 0.0)
        if now - last >= STATUS_EVERY_S:
            self._status_at[event_id] = now
            return [Status(event_id)]
        if event_id in self._status_pending:
            return []
        self._status_pending.add(event_id)
        return [StatusLater(event_id, STATUS_EVERY_S - (now - last))]

    def status_job(self, event_id: int) -> list[Out]:
        self._status_pending.discard(event_id)
        self._status_at[event_id] = self.clock()
        return [Status(event_id)]
