"""Quiz bank, drawing questions, scoring, leaderboards, CSV exports and the event state machine.

Plain Python: no Telegram, no database, no clock or randomness of its own (a
`random.Random` and timestamps are passed in), so the same rules serve a solo
quiz, an outreach event and the tests.

The bank (content/quiz.yaml) is content like the FAQ: every question links to
the FAQ entry that holds its sourced answer, and the loader checks Telegram's
quiz-poll limits so nothing reaches Telegram that it would refuse.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import csvsafe
from bot.core.callbacks import Answer, AskName, ConfirmName, Menu, Quiz, StayAnonymous
from bot.core.dialogue import Button, Reply
from bot.core.errors import ContentError, Problem
from bot.core.schema import LANGS, Record
from bot.core.untrusted import parse_int
from bot.core.yamlsrc import LineDict, LineList, load_yaml
from bot.i18n import N_, translator

TOPICS = ("thailand", "korea", "japan", "fraud", "help")
DIFFICULTIES = ("easy", "medium", "hard")
# Telegram's sendPoll limits (Bot API): question 1-300, option 1-100, explanation 0-200
# characters with at most 2 line feeds. The bank keeps to 2-6 options: more is hard to
# read on a phone.
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MIN_OPTIONS, MAX_OPTIONS = 2, 6
REQUIRED = ("id", "topic", "difficulty", "faq", "question", "options", "explanation")
OPTIONAL = ("needs_native_review", "keep_order", "notes")

SOLO_DEFAULT = 5
SOLO_MAX = 10
EVENT_DEFAULT = 10
EVENT_MAX = 20
NAME_MAX = 32
NAME_CONFIRM_S = 3600  # a proposed leaderboard name waits this long for ✅ Yes

# The quiz's buttons are values of bot/core/callbacks.py: Quiz (play a solo round),
# AskName (✏️ set or change my leaderboard name: the next text is the name), ConfirmName
# (✅ yes, show the proposed name), StayAnonymous (❌ "Participant N").
# quiz_participants.naming: 0 no name asked for; 2 the person tapped ✏️ (or sent /name)
# and their next text is the name proposed. (1 meant "asked at joining" before names
# became explicit; such old rows are not asked any more.)
NAMING_NONE, NAMING_ASKED = 0, 2
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LEN = 6


# --- the bank -------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    difficulty: str
    faq: str
    text: dict[str, str]
    options: dict[str, tuple[str, ...]]
    correct: int  # index into options (same for every language)
    explanation: dict[str, str]
    keep_order: bool = False  # e.g. "Yes"/"No": do not shuffle
    needs_native_review: bool = False
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class QuizBank:
    questions: tuple[Question, ...]
    by_id: dict[str, Question] = field(repr=False)

    def ids(self, topic: str | None = None) -> list[str]:
        return [q.id for q in self.questions if topic is None or q.topic == topic]


def load_quiz_bank(path: Path | str, content: Any = None) -> QuizBank:
    """Load and check content/quiz.yaml; ContentError lists every problem with file:line.

    `content` (the loaded FAQ) lets the loader check that each `faq:` id exists; without
    it that check is skipped (the FAQ itself failed to load and is reported on its own).
    """
    path = Path(path)
    name = _display_name(path)
    data = load_yaml(path, name)
    problems: list[Problem] = []
    questions: list[Question] = []
    if not isinstance(data, LineList):
        raise ContentError([Problem(name, 1, "", "expected a list of questions (- id: ...)")])
    seen: dict[str, int] = {}
    for i, raw in enumerate(data):
        line = data.line_of(i)
        if not isinstance(raw, LineDict):
            problems.append(Problem(name, line, "", "each question must be a mapping"))
            continue
        q, probs = _parse_question(raw, name, content)
        problems += probs
        if q is None:
            continue
        if q.id in seen:
            problems.append(
                Problem(name, q.line, f"{q.id}.id", f"duplicate id (first on line {seen[q.id]})")
            )
            continue
        seen[q.id] = q.line
        questions.append(q)
    if not questions and not problems:
        problems.append(Problem(name, 1, "", "the quiz bank has no questions"))
    if problems:
        raise ContentError(problems)
    return QuizBank(tuple(questions), {q.id: q for q in questions})


def _display_name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _parse_question(
    raw: LineDict, name: str, content: Any
) -> tuple[Question | None, list[Problem]]:
    probs: list[Problem] = []
    qid = raw.get("id")
    label = f"{qid}." if isinstance(qid, str) else ""

    rec = Record(raw, name, label, probs)
    bad = rec.bad
    rec.fields(REQUIRED, OPTIONAL)
    topic = rec.one_of("topic", TOPICS, "topic")
    difficulty = rec.one_of("difficulty", DIFFICULTIES, "difficulty")
    faq = raw.get("faq")
    if "faq" in raw:
        if not isinstance(faq, str):
            bad("faq", "expected an FAQ entry id")
        elif content is not None and faq not in content.by_id:
            bad("faq", f"unknown FAQ entry id {faq!r} (ids are in content/faq/*.yaml)")
    keep_order = rec.flag("keep_order")
    needs_native_review = rec.flag("needs_native_review")

    text = rec.texts("question", MAX_QUESTION, f"Telegram allows 1-{MAX_QUESTION}")
    # Telegram allows an empty explanation; the bank wants one (it teaches)
    explanation = rec.texts("explanation", MAX_EXPLANATION, f"Telegram allows 0-{MAX_EXPLANATION}")
    for lang, t in explanation.items():
        if t.count("\n") > MAX_EXPLANATION_LINE_FEEDS:
            bad(f"explanation.{lang}", "Telegram allows at most 2 line breaks in an explanation")
    options, correct = _options(rec)
    if probs:
        return None, probs
    return (
        Question(
            id=qid,
            topic=topic,
            difficulty=difficulty,
            faq=faq,
            text=text,
            options=options,
            correct=correct,
            explanation=explanation,
            keep_order=keep_order,
            needs_native_review=needs_native_review,
            file=name,
            line=raw.line,
        ),
        probs,
    )


def _options(rec: Record) -> tuple[dict[str, tuple[str, ...]], int]:
    """options: a list of {lo, en, correct?}; exactly one is correct."""
    value = rec.raw.get("options")
    if "options" not in rec.raw:
        return {}, -1
    if not isinstance(value, LineList):
        rec.bad("options", "expected a list of options (- en: ... lo: ...)")
        return {}, -1
    if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
        rec.bad("options", f"{len(value)} options; use {MIN_OPTIONS}-{MAX_OPTIONS}")
    texts: dict[str, list[str]] = {lang: [] for lang in LANGS}
    correct: list[int] = []
    for j, opt in enumerate(value):
        if not isinstance(opt, LineDict):
            rec.bad(f"options[{j}]", "each option needs lo and en texts", value.line_of(j))
            continue
        option = Record(opt, rec.name, f"{rec.label}options[{j}].", rec.problems)
        option.fields(LANGS, ("correct",))
        if option.flag("correct"):
            correct.append(j)
        for lang in LANGS:
            t = option.text(lang, MAX_OPTION, f"Telegram allows 1-{MAX_OPTION}", "option")
            if t is not None:
                texts[lang].append(t)
    if len(correct) != 1:
        rec.bad("options", f"exactly one option must have `correct: true` (found {len(correct)})")
    for lang, ts in texts.items():
        if len(set(ts)) != len(ts):
            rec.bad("options", f"two {lang} options have the same text (Telegram refuses that)")
    return {lang: tuple(ts) for lang, ts in texts.items()}, (correct[0] if correct else -1)


# --- asking -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Poll:
    """One quiz poll ready to send: texts in one language, options in sending order."""

    question_id: str
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    open_period: int | None = None  # seconds (self-paced events)


def make_poll(
    q: Question,
    lang: str,
    rng: random.Random,
    number: int | None = None,
    total: int | None = None,
    open_period: int | None = None,
) -> Poll:
    """The question in `lang`, options shuffled (unless keep_order), "2/5 " in front if it fits."""
    lang = lang if lang in LANGS else "lo"
    order = list(range(len(q.options[lang])))
    if not q.keep_order:
        rng.shuffle(order)
    text = q.text[lang]
    if number is not None and total is not None:
        prefixed = f"{number}/{total} · {text}"
        if len(prefixed) <= MAX_QUESTION:
            text = prefixed
    return Poll(
        q.id,
        text,
        tuple(q.options[lang][i] for i in order),
        order.index(q.correct),
        q.explanation[lang],
        open_period,
    )


def draw(
    bank: QuizBank,
    n: int,
    rng: random.Random,
    avoid: Iterable[str] = (),
    topic: str | None = None,
) -> list[str]:
    """n question ids, mixing topics, easy ones first; ids in `avoid` (the last round)
    are used only when there are not enough others."""
    pool = bank.ids(topic)
    avoid = set(avoid)
    fresh = [i for i in pool if i not in avoid]
    picked = _mixed(bank, fresh, min(n, len(fresh)), rng)
    if len(picked) < n:
        rest = [i for i in pool if i not in picked]
        picked += _mixed(bank, rest, min(n - len(picked), len(rest)), rng)
    rank = {d: k for k, d in enumerate(DIFFICULTIES)}
    return sorted(picked, key=lambda i: rank[bank.by_id[i].difficulty])


def _mixed(bank: QuizBank, ids: list[str], n: int, rng: random.Random) -> list[str]:
    """Take n ids round-robin across topics (random order within and across topics)."""
    by_topic: dict[str, list[str]] = {}
    for i in ids:
        by_topic.setdefault(bank.by_id[i].topic, []).append(i)
    groups = list(by_topic.values())
    for g in groups:
        rng.shuffle(g)
    rng.shuffle(groups)
    out: list[str] = []
    while len(out) < n:
        for g in groups:
            if g and len(out) < n:
                out.append(g.pop())
    return out


# --- scoring ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PollRecord:
    """What storage keeps about one poll sent to one person."""

    qindex: int
    question_id: str
    correct: int
    sent_at: float
    chosen: int | None = None
    answered_at: float | None = None

    @property
    def answered(self) -> bool:
        return self.chosen is not None

    @property
    def right(self) -> bool:
        return self.chosen == self.correct


@dataclass(frozen=True)
class Score:
    key: Any  # who (the service's participant key; never exported)
    number: int  # "Participant 17"
    name: str | None  # the display name they chose, if any
    answered: int
    correct: int
    seconds: int  # total answer time, whole seconds (ties compare on this)
    by_question: dict[int, bool] = field(default_factory=dict)  # qindex -> right


def score(
    key: Any,
    number: int,
    name: str | None,
    polls: Sequence[PollRecord],
    closed_at: dict[int, float] | None = None,
    time_limit: int | None = None,
) -> Score:
    """Correct answers and total answer time. A question left unanswered costs the time it
    was open for that person (its time limit, or until it was closed), so skipping does
    not beat answering."""
    closed_at = closed_at or {}
    total = 0.0
    for p in polls:
        if p.answered and p.answered_at is not None:
            total += max(0.0, p.answered_at - p.sent_at)
        elif time_limit:
            total += time_limit
        elif p.qindex in closed_at:
            total += max(0.0, closed_at[p.qindex] - p.sent_at)
    return Score(
        key,
        number,
        name,
        answered=sum(p.answered for p in polls),
        correct=sum(p.answered and p.right for p in polls),
        seconds=round(total),
        by_question={p.qindex: p.answered and p.right for p in polls},
    )


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: Score


def rank(scores: Iterable[Score]) -> list[Ranked]:
    """Most correct first; equal scores: less total time first; equal on both: same rank
    (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s.correct, s.seconds, s.number))
    out: list[Ranked] = []
    for i, s in enumerate(ordered):
        prev = out[-1] if out else None
        same = prev and (prev.score.correct, prev.score.seconds) == (s.correct, s.seconds)
        out.append(Ranked(prev.rank if same else i + 1, s))
    return out


def display_name(name: str | None, number: int, lang: str) -> str:
    _ = translator(lang)
    return name or _("Participant {number}", number=number)


def clean_name(text: str) -> str | None:
    """A display name as typed: one line, no control characters, at most NAME_MAX."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())[:NAME_MAX].strip()
    return text or None


# --- the leaderboard name: only when the person asks for one, and only once confirmed ------
def name_candidate(text: str) -> str | None:
    """The name proposed by text typed after ✏️ (or /name): None when it reads as a
    question or is longer than a name, so it goes to the FAQ as usual."""
    stripped = text.strip()
    if not stripped or len(stripped) > NAME_MAX or "?" in stripped:
        return None
    return clean_name(stripped)


def name_offer(event_id: int, lang: str) -> tuple[tuple[Button, ...], ...]:
    """The button under "You joined …": without a tap the person stays "Participant N"."""
    _ = translator(lang)
    return ((Button(_("✏️ Set my leaderboard name"), AskName(event_id)),),)


def name_ask(lang: str) -> Reply:
    _ = translator(lang)
    return Reply(
        _(
            "Type the name to show on the leaderboard (up to {n} characters). "
            "It does not need to be your real name.",
            n=NAME_MAX,
        )
    )


def name_confirm(name: str, event_id: int, lang: str) -> Reply:
    """Show it or not: nothing is stored before ✅ Yes."""
    _ = translator(lang)
    buttons = (
        (
            Button(_("✅ Yes"), ConfirmName(event_id)),
            Button(_("✏️ Change"), AskName(event_id)),
        ),
        (Button(_("❌ Stay anonymous"), StayAnonymous(event_id)),),
    )
    return Reply(_("Show “{name}” on the leaderboard?", name=name), buttons=buttons)


def name_shown(name: str | None, number: int, lang: str) -> Reply:
    _ = translator(lang)
    shown = display_name(name, number, lang)
    return Reply(_("On the leaderboard you are: {name}", name=shown))


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LEN))


def normalise_code(text: str) -> str:
    """What a participant typed -> a code to look up (case, spaces and dashes forgiven;
    the alphabet has no 0/O or 1/I to confuse)."""
    return re.sub(r"[\s-]", "", text).upper()


# --- texts ------------------------------------------------------------------------------
def duration(seconds: int, lang: str) -> str:
    _ = translator(lang)
    if seconds < 60:
        return _("{s} s", s=seconds)
    return _("{m} min {s} s", m=seconds // 60, s=seconds % 60)


def board_text(
    title: str, ranked: list[Ranked], joined: int, total_questions: int, lang: str, top: int = 10
) -> Reply:
    """Top `top` (ties share a rank) and how many took part."""
    _ = translator(lang)
    took_part = sum(1 for r in ranked if r.score.answered)
    lines = [
        _(
            "{rank}. {name}: {correct} of {total} ({time})",
            rank=r.rank,
            name=display_name(r.score.name, r.score.number, lang),
            correct=r.score.correct,
            total=total_questions,
            time=duration(r.score.seconds, lang),
        )
        for r in ranked[:top]
        if r.score.answered
    ]
    body = "\n".join(lines) if lines else _("No answers yet.")
    footer = _("{took} took part ({joined} joined).", took=took_part, joined=joined)
    return Reply(body, title=_("Leaderboard: {title}", title=title), footer=footer)


def solo_result(correct: int, total: int, missed_faq: list[tuple[str, str]], lang: str) -> Reply:
    """The end of a solo round: the score, and buttons to read about what was missed."""
    _ = translator(lang)
    if correct == total:
        text = _("You got all {total} right. Well done!", total=total)
    else:
        text = _("You got {correct} of {total} right.", correct=correct, total=total)
    rows: list[tuple[Button, ...]] = []
    if missed_faq:
        text += "\n\n" + _("Read more about the questions you missed:")
        rows += [(Button(title, Answer(fid)),) for fid, title in missed_faq[:5]]
    rows.append((Button(_("🎯 Play again"), Quiz()), Button(_("☰ Menu"), Menu())))
    return Reply(text, title=_("Quiz result"), buttons=tuple(rows))


def event_result(
    title: str,
    ranked: Ranked,
    participants: int,
    total: int,
    missed: list[tuple[str, str]],
    lang: str,
) -> Reply:
    """What each participant gets when the event ends: score, place, what to read."""
    _ = translator(lang)
    s = ranked.score
    text = _(
        "You got {correct} of {total} right. Your place: {rank} of {n}.",
        correct=s.correct,
        total=total,
        rank=ranked.rank,
        n=participants,
    )
    rows: list[tuple[Button, ...]] = []
    if missed:
        text += "\n\n" + _("Read more about the questions you missed:")
        rows += [(Button(t, Answer(fid)),) for fid, t in missed[:3]]
    rows.append((Button(_("☰ Menu"), Menu()),))
    return Reply(text, title=_("“{title}” has ended. Thank you!", title=title), buttons=tuple(rows))


def qr_png(link: str) -> bytes:
    """A QR code of the join link as PNG bytes (segno: pure Python, no image library)."""
    import segno

    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=10, border=3)
    return buf.getvalue()


def missed_faq(bank: QuizBank, content: Any, polls: Sequence[PollRecord], lang: str):
    """(FAQ id, title) for the questions answered wrong or not at all, each entry once."""
    out: list[tuple[str, str]] = []
    for p in sorted(polls, key=lambda p: p.qindex):
        q = bank.by_id.get(p.question_id)
        if q is None or (p.answered and p.right):
            continue
        entry = content.by_id.get(q.faq) if content is not None else None
        if entry and q.faq not in {f for f, _t in out}:
            out.append((q.faq, entry.title[lang if lang in LANGS else "lo"]))
    return out


# --- exports ------------------------------------------------------------------------------
def results_csv(ranked: list[Ranked], total_questions: int, lang: str) -> bytes:
    """One row per participant: rank, display name, answers, score, time, and each question
    (1 right, 0 wrong or unanswered, empty if never sent). Nothing but the chosen name
    identifies anyone. UTF-8 with BOM so spreadsheet programs show Lao correctly."""
    _ = translator(lang)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [_("rank"), _("name"), _("answered"), _("score"), _("time (s)")]
        + [f"Q{i + 1}" for i in range(total_questions)]
    )
    for r in ranked:
        s = r.score
        cells = [
            "" if i not in s.by_question else int(s.by_question[i]) for i in range(total_questions)
        ]
        w.writerow(
            csvsafe.row(
                [r.rank, display_name(s.name, s.number, lang), s.answered, s.correct, s.seconds]
            )
            + cells
        )
    return buf.getvalue().encode("utf-8-sig")


def questions_csv(
    bank: QuizBank, question_ids: Sequence[str], polls: Iterable[PollRecord], lang: str
) -> bytes:
    """Per question: how many were asked, answered, and got it right."""
    _ = translator(lang)
    asked: dict[int, int] = {}
    answered: dict[int, int] = {}
    right: dict[int, int] = {}
    for p in polls:
        asked[p.qindex] = asked.get(p.qindex, 0) + 1
        answered[p.qindex] = answered.get(p.qindex, 0) + p.answered
        right[p.qindex] = right.get(p.qindex, 0) + (p.answered and p.right)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        ["Q", _("question"), _("topic"), _("asked"), _("answered"), _("right"), _("% right")]
    )
    for i, qid in enumerate(question_ids):
        q = bank.by_id.get(qid)
        text = q.text[lang if lang in LANGS else "lo"] if q else qid
        n_ans = answered.get(i, 0)
        pct = round(100 * right.get(i, 0) / n_ans) if n_ans else ""
        w.writerow(
            [
                f"Q{i + 1}",
                csvsafe.cell(text),
                q.topic if q else "",
                asked.get(i, 0),
                n_ans,
                right.get(i, 0),
                pct,
            ]
        )
    return buf.getvalue().encode("utf-8-sig")


# --- the event state machine ------------------------------------------------------------
LOBBY, RUNNING, ENDED = "lobby", "running", "ended"
LIVE, SELF = "live", "self"
MIN_LIMIT, MAX_LIMIT = 10, 600  # seconds per question in self-paced mode (Telegram: 5-600)


@dataclass(frozen=True)
class EventState:
    state: str  # lobby | running | ended
    mode: str  # live (the facilitator moves on) | self (each participant, time limit)
    total: int  # number of questions
    current: int = -1  # live: index of the latest question sent
    current_open: bool = False  # live: is that question still taking answers


@dataclass(frozen=True)
class Step:
    """What `/event next` does: `open` a question (index), `close` the open one first,
    or refuse with a reason (`ended`, `running_self`, `no_more`)."""

    close: int | None = None
    open: int | None = None
    start_self: bool = False
    refuse: str | None = None
    last: bool = False  # the closed question was the last one


def next_step(ev: EventState) -> Step:
    if ev.state == ENDED:
        return Step(refuse="ended")
    if ev.mode == SELF:
        if ev.state == LOBBY:
            return Step(start_self=True)
        return Step(refuse="running_self")
    close = ev.current if ev.current_open else None
    nxt = ev.current + 1
    if nxt >= ev.total:
        if close is not None:
            return Step(close=close, last=True)
        return Step(refuse="no_more")
    return Step(close=close, open=nxt)


def on_join(ev: EventState) -> int | None:
    """The question a newcomer gets at once: the open live question, or the first one
    in a running self-paced event; None in the lobby or when nothing is open."""
    if ev.state != RUNNING:
        return None
    if ev.mode == SELF:
        return 0
    return ev.current if ev.current_open else None


def accepts_answer(ev: EventState, qindex: int, position: int) -> bool:
    """Live: only the open question counts. Self-paced: only the participant's current one."""
    if ev.state != RUNNING:
        return False
    if ev.mode == LIVE:
        return ev.current_open and qindex == ev.current
    return qindex == position


def parse_new(args: Sequence[str]) -> tuple[int, str]:
    """`/event new [N] <title>` -> (number of questions, title)."""
    n = EVENT_DEFAULT
    args = list(args)
    count = parse_int(args[0], 0) if args else None
    if count is not None:
        args.pop(0)
        n = max(1, min(EVENT_MAX, count))
    title = " ".join(" ".join(args).split())[:64]
    return n, title


def parse_mode(args: Sequence[str]) -> tuple[str, int | None] | None:
    """`live` | `self [seconds]` -> (mode, time limit); None if not understood."""
    if not args:
        return None
    mode = args[0].lower()
    if mode == LIVE:
        return LIVE, None
    if mode == SELF:
        limit = 30
        if len(args) > 1:
            seconds = parse_int(args[1], 0)
            if seconds is None:
                return None
            limit = max(MIN_LIMIT, min(MAX_LIMIT, seconds))
        return SELF, limit
    return None


# Strings used by the service and handlers that are built from constants.
STATE_LABELS = {LOBBY: N_("waiting to start"), RUNNING: N_("running"), ENDED: N_("ended")}
MODE_LABELS = {LIVE: N_("you move on with /event next"), SELF: N_("self-paced")}
