"""What the bot shows admins, as Reply values (the Telegram adapter only sends them).

Admin buttons carry AdminButton values (bot/core/callbacks.py: AdminEntry, AdminAddQuestion,
AdminNewAnswer, AdminReviewed, AdminSave, AdminCancel, AdminMissedAdd, AdminMissedAsIs,
AdminMissedNew). Missed-question groups are referred to by a 10-character id, never by their
text. Adding a missed question to an entry (AdminMissedAdd) asks the admin for the text to
add: what users typed goes into the content (and the audit log) only if the admin taps
"Use as is" (AdminMissedAsIs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import yaml

from bot.core.admin import (
    ADD_VARIANT,
    MARK_REVIEWED,
    NEW_ENTRY,
    REPLACE_ANSWER,
    STALE_DAYS,
    Edit,
    MissedGroup,
    Refusal,
    looks_personal,
)
from bot.core.callbacks import (
    AdminAddQuestion,
    AdminCancel,
    AdminEntry,
    AdminMissedAdd,
    AdminMissedAsIs,
    AdminMissedNew,
    AdminNewAnswer,
    AdminReviewed,
    AdminSave,
)
from bot.core.content import CATEGORIES, VARIANT_LANGS, Content, Entry
from bot.core.dialogue import Dialogue
from bot.core.dialogue_types import Button, Reply
from bot.core.errors import Problem
from bot.core.text import language_of
from bot.i18n import translator

LANG_NAMES = {"lo": "ລາວ", "en": "English", "th": "ไทย", "rom": "romanised"}
MAX_PROBLEMS_SHOWN = 15
MISSED_SHOWN = 8


def refusal_text(refusal: Refusal, lang: str) -> str:
    return translator(lang)(refusal.msgid, **refusal.args)


def not_admin(lang: str) -> Reply:
    _ = translator(lang)
    return Reply(_("Sorry, this command is only for the bot's content admins."))


def problems_reply(problems: Sequence[Problem], lang: str, intro: str) -> Reply:
    """Problems with file and line, a few at a time (one message, not a flood)."""
    _ = translator(lang)
    shown = [f"• {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(_("… and {n} more.", n=len(problems) - MAX_PROBLEMS_SHOWN))
    return Reply("\n".join([intro, "", *shown]))


def reload_failed(problems: Sequence[Problem], lang: str) -> Reply:
    _ = translator(lang)
    intro = _(
        "Content NOT reloaded: the bot keeps serving the last good content. "
        "Fix these problems and send /reload again:"
    )
    return problems_reply(problems, lang, intro)


def reload_ok(content: Content, changed: Sequence[str], lang: str) -> Reply:
    _ = translator(lang)
    text = _("Reloaded: {n} entries.", n=len(content.entries))
    if changed:
        text += "\n" + _("Changed: {ids}", ids=", ".join(changed[:30]))
    else:
        text += "\n" + _("Nothing changed.")
    return Reply(text)


def edit_rejected(problems: Sequence[Problem], lang: str) -> Reply:
    _ = translator(lang)
    intro = _("Not saved: with this change the content would not be valid.")
    return problems_reply(problems, lang, intro)


# --- entries ------------------------------------------------------------------------------


def pick_entry(ids: Iterable[str], content: Content, lang: str) -> Reply:
    _ = translator(lang)
    rows = tuple(
        (Button(f"{i} · {content.by_id[i].title[lang]}", AdminEntry(i)),)
        for i in ids
        if i in content.by_id
    )
    if not rows:
        return Reply(_("No entry found. Send /edit followed by an entry id or a question."))
    return Reply(_("Which entry?"), buttons=rows)


def entry_card(entry: Entry, lang: str, on: dt.date) -> Reply:
    _ = translator(lang)
    counts = ", ".join(
        f"{q} {len(entry.questions[q])}" for q in VARIANT_LANGS if q in entry.questions
    )
    lines = [
        _("Id: {id} ({file})", id=entry.id, file=entry.file),
        _("Question variants: {counts}", counts=counts),
        _("Reviewed: {date}", date=entry.reviewed.isoformat()),
    ]
    if (on - entry.reviewed).days > STALE_DAYS:
        lines.append(_("⚠️ Not reviewed for more than {days} days.", days=STALE_DAYS))
    if entry.needs_native_review:
        lines.append(_("The Lao text still needs a native speaker's review."))
    e = entry.id
    rows = (
        (Button(_("➕ Question (Lao)"), AdminAddQuestion("lo", e)), Button(_("➕ Question (English)"), AdminAddQuestion("en", e))),
        (Button(_("➕ Question (Thai)"), AdminAddQuestion("th", e)), Button(_("➕ Question (romanised)"), AdminAddQuestion("rom", e))),
        (Button(_("✏️ Answer (Lao)"), AdminNewAnswer("lo", e)), Button(_("✏️ Answer (English)"), AdminNewAnswer("en", e))),
        (Button(_("✅ Mark reviewed today"), AdminReviewed(e)),),
    )  # fmt: skip
    return Reply("\n".join(lines), title=entry.title[lang], buttons=rows)


def ask_for_text(kind: str, field_lang: str, entry: Entry, lang: str) -> list[Reply]:
    """Ask for a variant ("q") or an answer ("a"); an answer comes with the current one."""
    _ = translator(lang)
    name = LANG_NAMES.get(field_lang, field_lang)
    if kind == "q":
        text = _("Send the new question ({lang}) for “{title}”, as a user would type it.",
                 lang=name, title=entry.title[lang])  # fmt: skip
    else:
        text = _(
            "Send the new answer ({lang}) for “{title}”: plain text, paragraphs separated by "
            "a blank line. The current answer follows, to copy and change.",
            lang=name,
            title=entry.title[lang],
        )
    replies = [Reply(text + "\n" + _("Send /cancel to stop."))]
    if kind == "a" and field_lang in entry.answer:
        replies.append(Reply(entry.answer[field_lang]))
    return replies


# --- previews ------------------------------------------------------------------------------


def preview(edit: Edit, before: Content, after: Dialogue, lang: str, nonce: int) -> list[Reply]:
    """The change exactly as users will see it, then Save / Cancel."""
    _ = translator(lang)
    content = after.content
    entry = content.by_id.get(edit.entry_id)
    replies: list[Reply] = []
    if edit.kind == ADD_VARIANT:
        old = before.by_id.get(edit.entry_id)
        head = _("Add the question “{text}” ({lang}) to “{title}”.",
                 text=edit.text, lang=LANG_NAMES.get(edit.lang, edit.lang),
                 title=(old or entry).title[lang])  # fmt: skip
        head += "\n" + _("After saving, a user who sends this question gets:")
        replies.append(Reply(head, title=_("Preview")))
        asked_lang = language_of(edit.text or "")
        replies += after.on_text(edit.text or "", asked_lang).replies
    elif edit.kind == REPLACE_ANSWER:
        head = _("New {lang} answer of “{title}”. Users will see:",
                 lang=LANG_NAMES.get(edit.lang, edit.lang), title=entry.title[lang])  # fmt: skip
        replies.append(Reply(head, title=_("Preview")))
        replies.append(after.answer_reply(entry, edit.lang))
        if edit.lang in entry.summary:  # the short answer first, then the full one (📖 More)
            replies.append(after.answer_reply(entry, edit.lang, full=True))
    elif edit.kind == MARK_REVIEWED:
        head = _("Mark “{title}” as reviewed on {date}. Users will see:",
                 title=entry.title[lang], date=edit.reviewed.isoformat())  # fmt: skip
        replies.append(Reply(head, title=_("Preview")))
        replies.append(after.answer_reply(entry, lang))
    elif edit.kind == NEW_ENTRY:
        head = _("New entry {id} in {category}. Users will see, in Lao and in English:",
                 id=entry.id, category=entry.category)  # fmt: skip
        replies.append(Reply(head, title=_("Preview")))
        replies += [after.answer_reply(entry, "lo"), after.answer_reply(entry, "en")]
    replies.append(
        Reply(
            _("Save this change?"),
            buttons=(
                (Button(_("✅ Save"), AdminSave(nonce)), Button(_("✖️ Cancel"), AdminCancel())),
            ),
        )
    )
    return replies


def saved(change_id: int, lang: str) -> Reply:
    _ = translator(lang)
    return Reply(_("Saved as change #{id}. Users see it now. /undo takes it back.", id=change_id))


# --- new entries ----------------------------------------------------------------------------


def new_entry_template(on: dt.date, question: str | None = None, qlang: str = "en") -> str:
    """A YAML entry to copy, fill in and send back; a missed question is its first variant."""
    questions: dict[str, list[str]] = {"lo": ["...", "...", "..."], "en": ["...", "...", "..."]}
    if question:
        questions.setdefault(qlang, [])
        questions[qlang] = [question, *questions[qlang][: 2 if qlang in ("lo", "en") else 0]]
    entry = {
        "id": "new-topic-id",
        "category": "...",
        "stage": "...",
        "title": {"lo": "...", "en": "..."},
        "questions": questions,
        "summary": {"lo": "...", "en": "..."},
        "answer": {"lo": "...", "en": "..."},
        "related": [],
        "sources": [{"title": "...", "url": "https://...", "date": "..."}],
        "reviewed": on,
        "needs_native_review": True,
    }
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=100)


def new_entry_intro(lang: str, from_missed: bool = False) -> Reply:
    _ = translator(lang)
    text = _(
        "Copy the template below, replace every “...”, and send it back as one message "
        "(or as a .yaml file if it is long). Categories: {categories}. The format is "
        "in docs/CONTENT.md. Send /cancel to stop.",
        categories=", ".join(CATEGORIES),
    )
    if from_missed:
        text += "\n\n" + _(
            "The first question in the template is what users asked: shorten it and take out "
            "names, phone numbers or anything else that could identify someone."
        )
    return Reply(text, title=_("New entry"))


# --- missed questions -------------------------------------------------------------------------


def missed_replies(
    groups: Sequence[MissedGroup],
    suggestions: dict[str, list[str]],
    content: Content,
    lang: str,
    days: int,
) -> list[Reply]:
    """A summary, then one message per group with one-tap buttons."""
    _ = translator(lang)
    if not groups:
        return [Reply(_("No unanswered questions in the last {days} days.", days=days))]
    total = sum(g.count for g in groups)
    head = _(
        "Questions not answered in the last {days} days: {n}, in {groups} different wordings "
        "(similar ones counted together). Most frequent first: tap an entry to add the "
        "question to it.",
        n=total,
        days=days,
        groups=len(groups),
    )
    replies = [Reply(head, title=_("Missed questions"))]
    for g in groups[:MISSED_SHOWN]:
        when = dt.datetime.fromtimestamp(g.last_at).strftime("%Y-%m-%d")
        lines = [
            f"“{g.text}”",
            _("×{n} · {lang} · last asked {date}", n=g.count, lang=g.lang, date=when),
        ]
        if set(g.channels) - {"telegram"}:  # asked on LINE too: say where
            lines[-1] += " · " + ", ".join(g.channels)
        if g.others:
            shown = "; ".join(f"“{t}”" for t in g.others[:3])
            lines.append(_("Similar: {texts}", texts=shown))
        rows = [
            (Button("➕ " + content.by_id[eid].title[lang], AdminMissedAdd(g.id, eid)),)
            for eid in suggestions.get(g.id, [])
            if eid in content.by_id
        ]
        rows.append((Button(_("🆕 New entry"), AdminMissedNew(g.id)),))
        replies.append(Reply("\n".join(lines), buttons=tuple(rows)))
    return replies


def ask_for_missed_variant(group: MissedGroup, entry: Entry, lang: str) -> list[Reply]:
    """Which text to add to the entry: what users asked is only a suggestion, as it may
    hold a name or a phone number; the admin sends the text to add, or uses it as is."""
    _ = translator(lang)
    text = _(
        "Add a question to “{title}”. Users asked the question below. Send the question as "
        "it should be added: shorter, and without names, phone numbers or anything else "
        "that could identify someone. Or tap “Use as is”. Send /cancel to stop.",
        title=entry.title[lang],
    )
    if looks_personal(group.text):
        text += "\n\n" + _("⚠️ It contains a number: check that it is not a phone number.")
    use = Button(_("Use as is"), AdminMissedAsIs(group.id, entry.id))
    return [Reply(text, title=_("Add a missed question")), Reply(group.text, buttons=((use,),))]


# --- history -------------------------------------------------------------------------------------


def changes_reply(rows: Sequence[dict], lang: str) -> Reply:
    """Recent changes, newest first: id, when, who, what; undone ones marked."""
    _ = translator(lang)
    if not rows:
        return Reply(_("No changes recorded yet."))
    lines = []
    for r in rows:
        when = dt.datetime.fromtimestamp(r["at"]).strftime("%Y-%m-%d %H:%M")
        mark = " " + _("(undone by #{id})", id=r["undone_by"]) if r["undone_by"] else ""
        lines.append(f"#{r['id']} {when} · {r['admin_id']} · {r['summary']}{mark}")
    return Reply("\n".join(lines) + "\n\n" + _("/undo <number> takes a change back."),
                 title=_("Recent changes"))  # fmt: skip
