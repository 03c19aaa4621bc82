"""What admins do to content, as values: edits, missed-question groups, stats, coverage.

Nothing here does I/O or knows Telegram: an `Edit` is applied to the overlay as data
(bot/core/overlay.py), checked by loading the would-be content, then written and
recorded by bot/app/editor.py. Times come in as numbers from a clock the caller owns.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.content import LANGS, MAX_ANSWER_CHARS, VARIANT_LANGS, Content, Entry
from bot.core.overlay import plain
from bot.core.text import fold, language_of, tokens
from bot.i18n import N_, translator

# --- edits ------------------------------------------------------------------------

ADD_VARIANT = "add_variant"
REPLACE_ANSWER = "replace_answer"
MARK_REVIEWED = "mark_reviewed"
NEW_ENTRY = "new_entry"
EDIT_KINDS = (ADD_VARIANT, REPLACE_ANSWER, MARK_REVIEWED, NEW_ENTRY)
MAX_VARIANT_CHARS = 300  # a question variant is a question, not a paragraph
PLACEHOLDER = "..."  # left in the new-entry template where the admin must write


@dataclass(frozen=True)
class Edit:
    kind: str  # one of EDIT_KINDS
    entry_id: str
    lang: str | None = None  # add_variant: lo/en/th/rom; replace_answer: lo/en
    text: str | None = None  # the variant or the new answer
    reviewed: dt.date | None = None  # mark_reviewed
    entry: Mapping[str, Any] | None = field(default=None, compare=False)  # new_entry (plain)


@dataclass(frozen=True)
class Refusal:
    """Why an edit cannot be made: a UI message id and its placeholders (translated at the edge)."""

    msgid: str
    args: Mapping[str, Any] = field(default_factory=dict)


def variant_lang(text: str) -> str:
    """Which question list a variant belongs in: Thai script -> th, Lao -> lo,
    romanised Lao -> rom, else en."""
    if any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return "th"
    if any("\u0e80" <= ch <= "\u0eff" for ch in text):
        return "lo"
    return "rom" if language_of(text) == "lo" else "en"


_NUMBER = re.compile(r"\d(?:[\s\-./]?\d){5,}")  # 6+ digits, maybe spaced: a phone number?


def looks_personal(text: str) -> bool:
    """Does a user's question hold something that may identify them (a long number)?
    A hint for the admin only: names cannot be told from words, so the admin reads it."""
    return bool(_NUMBER.search(text)) or "@" in text


def check_edit(edit: Edit, content: Content) -> Refusal | None:
    """Refuse edits that make no sense before anything is loaded or written."""
    if edit.kind == NEW_ENTRY:
        if not isinstance(edit.entry, Mapping):
            return Refusal(N_("Send the new entry as YAML, like the template."))
        if _has_placeholder(plain(dict(edit.entry))):
            return Refusal(N_("Replace every “...” in the template with real text."))
        return None
    entry = content.by_id.get(edit.entry_id)
    if entry is None:
        return Refusal(N_("There is no entry {id}."), {"id": edit.entry_id})
    text = (edit.text or "").strip()
    if edit.kind == ADD_VARIANT:
        if edit.lang not in VARIANT_LANGS or not any(ch.isalnum() for ch in text):
            return Refusal(N_("A question needs letters."))
        if len(text) > MAX_VARIANT_CHARS:
            return Refusal(N_("Keep a question under {n} characters."), {"n": MAX_VARIANT_CHARS})
        key = _key(text)  # the same question to the matcher, whatever the punctuation
        for lang, qs in entry.questions.items():
            if any(_key(q) == key for q in qs):
                return Refusal(
                    N_("“{text}” is already a question of {id} ({lang})."),
                    {"text": text, "id": entry.id, "lang": lang},
                )
        return None
    if edit.kind == REPLACE_ANSWER:
        if edit.lang not in LANGS or not text:
            return Refusal(N_("An answer cannot be empty."))
        if len(text) > MAX_ANSWER_CHARS:
            return Refusal(
                N_("This answer has {n} characters; keep it under {max}."),
                {"n": len(text), "max": MAX_ANSWER_CHARS},
            )
        if text == entry.answer.get(edit.lang):
            return Refusal(N_("That is already the answer."))
        return None
    if edit.kind == MARK_REVIEWED:
        if edit.reviewed is None or edit.reviewed == entry.reviewed:
            return Refusal(
                N_("{id} is already marked as reviewed on {date}."),
                {"id": entry.id, "date": entry.reviewed.isoformat()},
            )
        return None
    return Refusal(N_("Unknown change."))


def _has_placeholder(value: Any) -> bool:
    """A "..." of the template still there (a whole value, or the example web address)."""
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return isinstance(value, str) and (value.strip() == PLACEHOLDER or value == "https://...")


def apply_edit(overlay: dict[str, Any], edit: Edit) -> dict[str, Any]:
    """A new overlay with the edit in it (the given one is left as it was)."""
    out = plain(overlay)
    if edit.kind == NEW_ENTRY:
        out["new"].append(plain(dict(edit.entry or {})))
        return out
    patch = out["changes"].setdefault(edit.entry_id, {})
    text = (edit.text or "").strip()
    if edit.kind == ADD_VARIANT:
        patch.setdefault("add_questions", {}).setdefault(edit.lang, []).append(text)
    elif edit.kind == REPLACE_ANSWER:
        patch.setdefault("answer", {})[edit.lang] = text
    elif edit.kind == MARK_REVIEWED:
        patch["reviewed"] = edit.reviewed
    return out


def edit_values(edit: Edit, content: Content) -> tuple[str | None, str | None]:
    """The edited field before and after, as text for the audit log."""
    entry = content.by_id.get(edit.entry_id)
    if edit.kind == ADD_VARIANT:
        return None, edit.text
    if edit.kind == REPLACE_ANSWER:
        return (entry.answer.get(edit.lang) if entry else None), (edit.text or "").strip()
    if edit.kind == MARK_REVIEWED:
        before = entry.reviewed.isoformat() if entry else None
        return before, edit.reviewed.isoformat() if edit.reviewed else None
    if edit.kind == NEW_ENTRY:
        from bot.core.overlay import dump_state

        return None, dump_state(plain(dict(edit.entry or {})))
    return None, None


def describe(edit: Edit) -> str:
    """One line for the audit log and /changes (English: it is a record, not UI)."""
    if edit.kind == ADD_VARIANT:
        # not the text: it may come from /missed, typed by a user; it is in new_value once
        return f"add question ({edit.lang}) to {edit.entry_id}"
    if edit.kind == REPLACE_ANSWER:
        return f"replace answer ({edit.lang}) of {edit.entry_id}"
    if edit.kind == MARK_REVIEWED:
        return f"mark {edit.entry_id} reviewed on {edit.reviewed}"
    if edit.kind == NEW_ENTRY:
        return f"new entry {edit.entry_id}"
    return edit.kind


def today(clock: Callable[[], float]) -> dt.date:
    """The local date now (review dates are local dates)."""
    return dt.date.fromtimestamp(clock())


# --- questions the bot could not answer ------------------------------------------------

GROUP_MIN = 85.0  # token_sort_ratio of folded tokens at or above which two questions group
MAX_MISSED_ROWS = 5000  # the newest rows considered (grouping is quadratic in the worst case)


@dataclass(frozen=True)
class MissedGroup:
    id: str  # short and stable: refers to the group in callback data
    text: str  # the most asked wording (the newest on a tie)
    lang: str
    count: int
    last_at: float
    others: tuple[str, ...] = ()  # other wordings, most asked first
    keys: frozenset[str] = frozenset()  # ids of every wording in the group
    channels: tuple[str, ...] = ()  # where it was asked (telegram, line), most first


def _key(text: str) -> str:
    folded = fold(text)
    return " ".join(tokens(folded, folded=True)) or folded.strip()


def group_id(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=5).hexdigest()


def group_missed(rows: Iterable[tuple]) -> list[MissedGroup]:
    """Unanswered (text, lang, at[, channel]) rows grouped by near-duplicate wording, most
    asked first."""
    by_key: dict[str, dict[str, Any]] = {}
    for text, lang, at, *rest in rows:
        key = _key(text)
        if not key:
            continue
        g = by_key.setdefault(
            key, {"texts": Counter(), "langs": Counter(), "chans": Counter(), "n": 0, "last": 0.0}
        )
        g["texts"][text.strip()] += 1
        g["langs"][lang] += 1
        g["chans"][rest[0] if rest else "telegram"] += 1
        g["n"] += 1
        g["last"] = max(g["last"], at)
    ordered = sorted(by_key.items(), key=lambda kv: (-kv[1]["n"], -kv[1]["last"], kv[0]))
    clusters: list[list[tuple[str, dict[str, Any]]]] = []
    reps: list[str] = []
    for key, g in ordered:
        hit = (
            process.extractOne(
                key, reps, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=GROUP_MIN
            )
            if reps
            else None
        )
        if hit:
            clusters[hit[2]].append((key, g))
        else:
            reps.append(key)
            clusters.append([(key, g)])
    groups = []
    for members in clusters:
        texts: Counter[str] = Counter()
        langs: Counter[str] = Counter()
        chans: Counter[str] = Counter()
        for _k, g in members:
            texts.update(g["texts"])
            langs.update(g["langs"])
            chans.update(g["chans"])
        wordings = [t for t, _n in texts.most_common()]
        groups.append(
            MissedGroup(
                id=group_id(members[0][0]),
                text=wordings[0],
                lang=langs.most_common(1)[0][0],
                count=sum(g["n"] for _k, g in members),
                last_at=max(g["last"] for _k, g in members),
                others=tuple(wordings[1:]),
                keys=frozenset(group_id(k) for k, _g in members),
                channels=tuple(c for c, _n in chans.most_common()),
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_at, g.text))
    return groups


def find_group(groups: Iterable[MissedGroup], gid: str) -> MissedGroup | None:
    """The group a button refers to, even when its wording order changed since."""
    for g in groups:
        if g.id == gid or gid in g.keys:
            return g
    return None


def still_missed(groups: Iterable[MissedGroup], match: Callable[[str], Any]) -> list[MissedGroup]:
    """Groups the bot still cannot answer (a variant added since makes a group go away)."""
    return [g for g in groups if match(g.text).decision != "answer"]


def missed_csv(groups: Iterable[MissedGroup], suggestions: Mapping[str, list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        ["count", "last_asked", "lang", "question", "similar", "channels", "suggested_entries"]
    )
    for g in groups:
        w.writerow(
            [
                g.count,
                when(g.last_at),
                g.lang,
                g.text,
                " | ".join(g.others),
                " ".join(g.channels),
                " ".join(suggestions.get(g.id, [])),
            ]
        )
    return buf.getvalue()


def when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


# --- statistics ------------------------------------------------------------------------

DECISIONS = ("answer", "suggest", "none")
TOP_TOPICS = 10


@dataclass(frozen=True)
class Stats:
    days: int
    asked: int
    decisions: dict[str, int]  # answer / suggest / none
    langs: dict[str, int]
    topics: list[tuple[str, int]]  # entries answered most, with counts
    feedback: dict[str, tuple[int, int]]  # entry -> (helpful, not helpful)
    quiz_plays: int
    daily: list[tuple[dt.date, int, int, int]]  # per day: answered, suggested, not matched
    channels: dict[str, int] = field(default_factory=dict)  # questions per channel


def compute_stats(
    asked: Iterable[tuple],  # (entry_id, decision, lang, at[, channel])
    feedback: Iterable[tuple[str, int, float]],
    quiz_times: Iterable[float],
    now: float,
    days: int,
) -> Stats:
    """Figures for the `days` days up to `now` from the recorded events."""
    since = now - days * 86400
    decisions: Counter[str] = Counter({d: 0 for d in DECISIONS})
    langs: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    first_day = dt.date.fromtimestamp(now) - dt.timedelta(days=days - 1)
    per_day = {first_day + dt.timedelta(days=i): [0, 0, 0] for i in range(days)}
    channels: Counter[str] = Counter()
    n = 0
    for entry_id, decision, lang, at, *rest in asked:
        if not since <= at <= now:
            continue
        n += 1
        channels[rest[0] if rest else "telegram"] += 1
        decisions[decision] += 1
        langs[lang] += 1
        if decision == "answer" and entry_id:
            topics[entry_id] += 1
        day = per_day.get(dt.date.fromtimestamp(at))
        if day is not None and decision in DECISIONS:
            day[DECISIONS.index(decision)] += 1
    fb: dict[str, list[int]] = {}
    for entry_id, helpful, at in feedback:
        if since <= at <= now:
            fb.setdefault(entry_id, [0, 0])[0 if helpful else 1] += 1
    plays = sum(1 for at in quiz_times if since <= at <= now)
    return Stats(
        days=days,
        asked=n,
        decisions=dict(decisions),
        langs=dict(langs.most_common()),
        topics=sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TOPICS],
        feedback={k: (v[0], v[1]) for k, v in sorted(fb.items())},
        quiz_plays=plays,
        daily=[(d, *v) for d, v in sorted(per_day.items())],
        channels=dict(channels.most_common()),
    )


def stats_text(short: Stats, long: Stats, content: Content | None, lang: str) -> str:
    """Both windows side by side, as plain text (Telegram and the CLI)."""
    _ = translator(lang)

    def title(eid: str) -> str:
        e = content.by_id.get(eid) if content else None
        return eid if e is None else f"{eid} ({e.title.get(lang, e.title['en'])})"

    def pair(a: int, b: int) -> str:
        return f"{a} | {b}"

    d_s, d_l = short.decisions, long.decisions
    lines = [
        _("Last {short} days | last {long} days", short=short.days, long=long.days),
        "",
        _("Questions: {n}", n=pair(short.asked, long.asked)),
        _("• answered: {n}", n=pair(d_s.get("answer", 0), d_l.get("answer", 0))),
        _("• suggested: {n}", n=pair(d_s.get("suggest", 0), d_l.get("suggest", 0))),
        _("• not matched: {n}", n=pair(d_s.get("none", 0), d_l.get("none", 0))),
        _("Quiz plays: {n}", n=pair(short.quiz_plays, long.quiz_plays)),
    ]
    langs = sorted(set(short.langs) | set(long.langs))
    if langs:
        shown = ", ".join(f"{x} {short.langs.get(x, 0)} | {long.langs.get(x, 0)}" for x in langs)
        lines.append(_("Languages: {langs}", langs=shown))
    chans = sorted(set(short.channels) | set(long.channels))
    if set(chans) - {"telegram"}:  # shown once a second channel (LINE) has questions
        shown = ", ".join(
            f"{c} {short.channels.get(c, 0)} | {long.channels.get(c, 0)}" for c in chans
        )
        lines.append(_("Channels: {channels}", channels=shown))
    if long.topics:
        lines += ["", _("Top topics ({days} days):", days=long.days)]
        lines += [f"• {title(eid)}: {n}" for eid, n in long.topics]
    if long.feedback:
        lines += ["", _("Feedback ({days} days): 👍 helpful / 👎 not helpful", days=long.days)]
        ordered = sorted(long.feedback.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
        lines += [f"• {eid}: 👍 {h} / 👎 {u}" for eid, (h, u) in ordered]
    return "\n".join(lines)


# --- coverage --------------------------------------------------------------------------

STALE_DAYS = 180  # facts checked longer ago than this are due for review


@dataclass(frozen=True)
class CoverageRow:
    entry_id: str
    lang: str
    variants: int
    answer_chars: int | None  # None: no answers in this language (th, rom)
    reviewed: dt.date
    needs_native_review: bool
    stale: bool


def coverage(content: Content, on: dt.date) -> list[CoverageRow]:
    """Per entry and language: how well it is covered and whether it is due for review."""
    rows = []
    for e in content.entries:
        stale = (on - e.reviewed).days > STALE_DAYS
        for lang in VARIANT_LANGS:
            if lang not in LANGS and lang not in e.questions:
                continue
            rows.append(
                CoverageRow(
                    e.id,
                    lang,
                    len(e.questions.get(lang, ())),
                    len(e.answer[lang]) if lang in e.answer else None,
                    e.reviewed,
                    e.needs_native_review,
                    stale,
                )
            )
    return rows


COVERAGE_COLUMNS = (
    "entry",
    "lang",
    "variants",
    "answer_chars",
    "reviewed",
    "native_review",
    "stale",
)


def _coverage_cells(r: CoverageRow) -> list[str]:
    return [
        r.entry_id,
        r.lang,
        str(r.variants),
        "-" if r.answer_chars is None else str(r.answer_chars),
        r.reviewed.isoformat(),
        "needed" if r.needs_native_review else "",
        "STALE" if r.stale else "",
    ]


def coverage_table(rows: list[CoverageRow]) -> str:
    cells = [list(COVERAGE_COLUMNS)] + [_coverage_cells(r) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COVERAGE_COLUMNS))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )


def coverage_csv(rows: list[CoverageRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COVERAGE_COLUMNS)
    for r in rows:
        w.writerow(_coverage_cells(r))
    return buf.getvalue()


def to_check(content: Content) -> list[tuple[str, str, str]]:
    """(entry id, file:line, what to check) for every `to_confirm` item (a fact no stored
    source supports: the answer must not state it) and every entry whose Lao still awaits a
    native speaker, so admins can work through them."""
    rows = []
    for e in content.entries:
        where = f"{e.file}:{e.line}"
        rows += [(e.id, where, f"confirm: {item}") for item in e.to_confirm]
        if e.needs_native_review:
            rows.append((e.id, where, "Lao text: native speaker review needed"))
    return rows


def to_check_text(rows: list[tuple[str, str, str]]) -> str:
    if not rows:
        return "nothing to confirm and no Lao text awaiting review"
    confirm = sum(1 for r in rows if r[2].startswith("confirm:"))
    out = [f"{confirm} fact(s) to confirm, {len(rows) - confirm} entry(ies) awaiting Lao review"]
    out += [f"{eid}  {where}  {what}" for eid, where, what in rows]
    return "\n".join(out)


# Journey stages in the order of the topic map (docs/CONTENT.md), with their headings.
STAGE_HEADINGS = (
    ("before", "before"),
    ("working", "while working"),
    ("return", "coming back"),
    ("trouble", "trouble"),
)
COUNTRY_NAMES = (("TH", "Thailand"), ("KR", "Korea"), ("JP", "Japan"), (None, "any country"))


def topic_map(content: Content) -> str:
    """Markdown: entries per destination country by journey stage, counts then ids.
    `python -m bot coverage --map` prints it for docs/CONTENT.md."""
    stages = [s for s, _h in STAGE_HEADINGS]
    cells: dict[tuple[str | None, str | None], list[str]] = {}
    for e in content.entries:
        stage = e.stage if e.stage in stages else None
        cells.setdefault((e.country, stage), []).append(e.id)
    unstaged = any(stage is None for _c, stage in cells)
    heads = [h for _s, h in STAGE_HEADINGS] + (["no stage"] if unstaged else [])
    keys = stages + ([None] if unstaged else [])
    lines = ["| country | " + " | ".join(heads) + " | total |",
             "|---" * (len(heads) + 2) + "|"]  # fmt: skip
    for code, name in COUNTRY_NAMES:
        counts = [len(cells.get((code, s), [])) for s in keys]
        lines.append(f"| {name} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    totals = [sum(len(cells.get((c, s), [])) for c, _n in COUNTRY_NAMES) for s in keys]
    lines.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    for code, name in COUNTRY_NAMES:
        lines += ["", f"**{name[0].upper() + name[1:]}**", ""]
        for s, head in zip(keys, heads, strict=True):
            ids = cells.get((code, s), [])
            lines.append(f"- {head}: " + (", ".join(sorted(ids)) if ids else "(none yet)"))
    return "\n".join(lines)


def entry_summary(entry: Entry, on: dt.date) -> dict[str, Any]:
    """Facts an admin wants on an entry card."""
    return {
        "variants": {lang: len(qs) for lang, qs in entry.questions.items()},
        "reviewed": entry.reviewed.isoformat(),
        "stale": (on - entry.reviewed).days > STALE_DAYS,
        "native": entry.needs_native_review,
        "file": entry.file,
    }
