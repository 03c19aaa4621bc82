"""Admin edits kept in one overlay file and applied on top of the hand-written FAQ.

Where the file is: BOT_OVERLAY (bot/config.py), default content/overlay.yaml; in production
it lives in the data folder beside the database, since the content ships read-only.

Why a separate file: content/faq/*.yaml stay exactly as people wrote them (comments,
order, layout), while every edit made from Telegram sits in one short file that a person
can read, review, edit or delete by hand. The loader applies the overlay to the raw YAML
*before* validation, so an edit passes exactly the checks a file edit passes, and a
problem caused by the overlay names the overlay file and the line of the edit.

    changes:                  # per-entry patches, by entry id
      kr-eps:
        add_questions:        # variants added after the entry's own, per language
          lo: ["..."]
        answer:               # answers replaced, per language
          en: |
            ...
        reviewed: 2026-12-01  # review date replaced
    new:                      # whole new entries, in the FAQ format (docs/CONTENT.md)
      - id: ...

The bot rewrites the file on each edit (comments in it are not kept); docs/ADMIN.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ContentError, Problem
from bot.core.yamlsrc import LineDict, LineList, load_yaml, parse_yaml

OVERLAY_FILE = "overlay.yaml"
TOP_KEYS = ("changes", "new")
PATCH_KEYS = ("add_questions", "answer", "reviewed")
NEW_STEM = "overlay"  # the "file stem" new entries are parsed with (category check)

HEADER = (
    "# Edits made by admins from Telegram (docs/ADMIN.md), applied on top of content/faq/.\n"
    "# You may edit this file by hand, then send /reload. The bot rewrites it on each edit,\n"
    "# so comments here are not kept.\n"
)

Raw = tuple[LineDict, str, str]  # (entry mapping, file name, file stem)


# --- applied by load_content ----------------------------------------------------------


def apply_overlay(
    raws: list[Raw], path: Path, name: str, text: str | None = None
) -> tuple[list[Raw], Callable[[Problem], Problem], list[Problem]]:
    """Raw entries with the overlay applied, a function that points problems caused by
    the overlay at overlay.yaml, and the overlay's own structural problems.

    `text` stands in for the file (to check an edit before it is written)."""
    same: Callable[[Problem], Problem] = lambda p: p  # noqa: E731
    try:
        if text is not None:
            data = parse_yaml(text, name)
        elif path.exists():
            data = load_yaml(path, name)
        else:
            return raws, same, []
    except ContentError as exc:
        return raws, same, exc.problems
    if data is None:
        return raws, same, []
    if not isinstance(data, LineDict):
        return raws, same, [Problem(name, 1, "", "expected a mapping with changes: and new:")]
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(
                Problem(name, data.line_of(key), str(key), "unknown section (use changes, new)")
            )
    out = list(raws)
    new = data.get("new") or []
    if not isinstance(new, list):
        problems.append(Problem(name, data.line_of("new"), "new", "expected a list of entries"))
        new = []
    for i, raw in enumerate(new):
        if isinstance(raw, LineDict):
            out.append((raw, name, NEW_STEM))
        else:
            line = new.line_of(i) if isinstance(new, LineList) else data.line_of("new")
            problems.append(Problem(name, line, f"new[{i}]", "each entry must be a mapping"))
    changes = data.get("changes")
    if changes is not None and not isinstance(changes, LineDict):
        problems.append(Problem(name, data.line_of("changes"), "changes", "expected a mapping"))
        changes = None
    by_id: dict[str, Raw] = {}
    for item in out:
        eid = item[0].get("id")
        if isinstance(eid, str):
            by_id.setdefault(eid, item)
    marks: dict[str, dict[str, Any]] = {}
    for eid, patch in (changes or {}).items():
        line = changes.line_of(eid)
        target = by_id.get(eid)
        if target is None:
            problems.append(Problem(name, line, f"changes.{eid}", "no FAQ entry with this id"))
            continue
        if not isinstance(patch, LineDict):
            problems.append(Problem(name, line, f"changes.{eid}", "expected a mapping"))
            continue
        mark: dict[str, Any] = {"file": target[1], "questions": {}, "answer": {}}
        problems += _apply_patch(target[0], patch, eid, name, mark)
        marks[eid] = mark

    def relabel(p: Problem) -> Problem:
        eid, _sep, fld = p.field.partition(".")
        mark = marks.get(eid)
        if mark is None or p.file != mark["file"]:
            return p
        line = _overlay_line(mark, fld, p.message)
        return replace(p, file=name, line=line) if line else p

    return out, relabel, problems


def _apply_patch(
    raw: LineDict, patch: LineDict, eid: str, name: str, mark: dict[str, Any]
) -> list[Problem]:
    probs: list[Problem] = []

    def bad(key: str, msg: str, line: int) -> None:
        probs.append(Problem(name, line, f"changes.{eid}.{key}", msg))

    for key in patch:
        if key not in PATCH_KEYS:
            bad(str(key), f"unknown change (use {', '.join(PATCH_KEYS)})", patch.line_of(key))
    added = patch.get("add_questions")
    if added is not None:
        questions = raw.get("questions")
        if not isinstance(added, LineDict):
            bad("add_questions", "expected language -> list of questions", patch.line_of("add_questions"))  # fmt: skip
        elif isinstance(questions, LineDict):
            for lang, items in added.items():
                line = added.line_of(lang)
                if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
                    bad(f"add_questions.{lang}", "expected a list of questions", line)
                    continue
                old = questions.get(lang)
                base = list(old) if isinstance(old, list) else []
                merged = LineList(base + list(items))
                merged.line = line
                old_lines = old.item_lines if isinstance(old, LineList) else [line] * len(base)
                new_lines = items.item_lines if isinstance(items, LineList) else [line] * len(items)
                merged.item_lines = list(old_lines) + list(new_lines)
                questions[lang] = merged
                questions.key_lines.setdefault(lang, line)
                mark["questions"][lang] = (len(base), list(new_lines), line)
    answer = patch.get("answer")
    if answer is not None:
        target = raw.get("answer")
        if not isinstance(answer, LineDict):
            bad("answer", "expected language -> answer text", patch.line_of("answer"))
        elif isinstance(target, LineDict):
            summary = raw.get("summary")
            for lang, text in answer.items():
                target[lang] = text
                target.key_lines[lang] = answer.line_of(lang)
                mark["answer"][lang] = answer.line_of(lang)
                if isinstance(summary, LineDict) and isinstance(text, str):
                    # the old short answer may contradict the corrected one (a wrong number):
                    # the short answer becomes the new answer's opening
                    summary[lang] = opening(text)
    if "reviewed" in patch:
        raw["reviewed"] = patch["reviewed"]
        mark["reviewed"] = patch.line_of("reviewed")
    return probs


def opening(answer: str, limit: int = 330) -> str:
    """The first paragraph of an answer, cut after a sentence within `limit` characters;
    the short answer shown for an entry whose answer an admin replaced."""
    first = answer.strip().split("\n\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "), cut.rfind("\n"))
    return (cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0]).rstrip() + " …"


_INDEXED = re.compile(r"^questions\.(\w+)(?:\[(\d+)\])?$")


def _overlay_line(mark: dict[str, Any], fld: str, message: str) -> int | None:
    """The overlay line behind a problem in a patched field, if the overlay caused it."""
    if fld == "reviewed":
        return mark.get("reviewed")
    if fld.startswith("answer"):
        lang = fld.partition(".")[2]
        if lang:
            return mark["answer"].get(lang)
        for lang, line in mark["answer"].items():  # "en answer is 3200 characters ..."
            if message.startswith(f"{lang} "):
                return line
        return None
    m = _INDEXED.match(fld)
    if m and m.group(1) in mark["questions"]:
        n_base, lines, line = mark["questions"][m.group(1)]
        if m.group(2) is None:
            return line
        j = int(m.group(2))
        return lines[j - n_base] if n_base <= j < n_base + len(lines) else None
    return None


# --- the overlay as plain data, for edits ------------------------------------------------


def plain(value: Any) -> Any:
    """LineDict/LineList -> dict/list, recursively (and a deep copy of everything else)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return copy.deepcopy(value)


def parse_overlay(text: str | None, name: str = OVERLAY_FILE) -> dict[str, Any]:
    """Overlay text -> {"changes": {...}, "new": [...]} (plain); ContentError if unusable."""
    data = parse_yaml(text, name) if text else None
    data = plain(data) if data is not None else {}
    if not isinstance(data, dict):
        raise ContentError([Problem(name, 1, "", "expected a mapping with changes: and new:")])
    changes = data.get("changes") or {}
    new = data.get("new") or []
    if not isinstance(changes, dict) or not isinstance(new, list):
        raise ContentError([Problem(name, 1, "", "changes must be a mapping, new a list")])
    return {"changes": changes, "new": new}


def entry_state(overlay: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """What the overlay holds for one entry: its patch and, if it is new, its definition."""
    patch = overlay["changes"].get(entry_id)
    new = next((e for e in overlay["new"] if e.get("id") == entry_id), None)
    return {"patch": plain(patch) if patch else None, "new": plain(new) if new else None}


def with_entry_state(
    overlay: dict[str, Any], entry_id: str, state: dict[str, Any]
) -> dict[str, Any]:
    """A new overlay where `entry_id`'s patch and definition are `state` (for edits and undo).
    A new entry keeps its place in the list."""
    out = plain(overlay)
    if state.get("patch"):
        out["changes"][entry_id] = plain(state["patch"])
    else:
        out["changes"].pop(entry_id, None)
    index = next((i for i, e in enumerate(out["new"]) if e.get("id") == entry_id), None)
    if state.get("new"):
        if index is None:
            out["new"].append(plain(state["new"]))
        else:
            out["new"][index] = plain(state["new"])
    elif index is not None:
        del out["new"][index]
    return out


def is_empty(overlay: dict[str, Any]) -> bool:
    return not overlay["changes"] and not overlay["new"]


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render_overlay(overlay: dict[str, Any]) -> str:
    """The overlay as YAML a person can read and edit: block text for answers, Lao as is."""
    body: dict[str, Any] = {}
    if overlay["changes"]:
        body["changes"] = overlay["changes"]
    if overlay["new"]:
        body["new"] = overlay["new"]
    text = yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)
    return HEADER + text


def dump_state(state: dict[str, Any] | None) -> str:
    """An entry's state as YAML text (stored in the audit log; dates survive the trip)."""
    return yaml.dump(state, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def load_state(text: str | None) -> dict[str, Any]:
    state = yaml.safe_load(text) if text else None
    return state or {"patch": None, "new": None}
