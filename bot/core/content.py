"""Load and validate the FAQ (content/faq/*.yaml) into frozen dataclasses.

Every problem is collected with file, line and field, so `python -m bot validate`
and the admin `/reload` can report them all at once; nothing half-valid is
returned (ContentError instead), so the bot keeps serving the last good content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.errors import ContentError, Problem
from bot.core.schema import LANGS, VARIANT_LANGS, Record
from bot.core.text import fold_content
from bot.core.yamlsrc import LineDict, LineList, load_yaml, parse_yaml

CATEGORIES = ("thailand", "korea", "japan", "fraud", "centres", "help", "preparing")
# Telegram allows 4096 characters per message; the answer shares its message
# with the title, review date and sources, so answers stay well inside it.
MAX_ANSWER_CHARS = 3000
MAX_TITLE_CHARS = 40
# The short answer sent first must fit a phone screen: the direct answer, one next step.
MAX_SUMMARY_CHARS = 350
MIN_VARIANTS = 3
# Where in a migrant's journey an entry belongs (docs/CONTENT.md topic map).
STAGES = ("before", "working", "return", "trouble")


def stage_order(entry: Entry) -> int:
    """Sort key for the journey's order: before going, while working, coming back,
    trouble; entries without a stage last."""
    return STAGES.index(entry.stage) if entry.stage in STAGES else len(STAGES)


REQUIRED = (
    "id", "category", "title", "questions", "summary", "answer", "related", "sources", "reviewed",
)  # fmt: skip
OPTIONAL = ("needs_native_review", "notes", "country", "stage", "to_confirm")
COUNTRIES = ("TH", "KR", "JP")
CATEGORY_COUNTRY = {"thailand": "TH", "korea": "KR", "japan": "JP"}


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    document: str | None = None
    date: dt.date | None = None  # when the source was published or last updated


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    title: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed: dt.date
    needs_native_review: bool = False
    country: str | None = None  # destination the entry is about (TH/KR/JP), if one
    summary: dict[str, str] = field(default_factory=dict)  # short answer sent first
    stage: str | None = None  # before / working / return / trouble
    # facts no stored source supports: never stated as fact; `coverage` lists them
    to_confirm: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def variants(self) -> list[tuple[str, str]]:
        """(language, text) for every question variant and the titles."""
        out = [(lang, q) for lang, qs in self.questions.items() for q in qs]
        out += [(lang, t) for lang, t in self.title.items()]
        return out


@dataclass(frozen=True)
class Content:
    entries: tuple[Entry, ...]
    by_id: dict[str, Entry] = field(repr=False)
    topics: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    root: str = ""
    # the admins' overlay this content was loaded with (BOT_OVERLAY); reload and edits use it
    overlay_path: str = ""

    def in_category(self, category: str) -> list[Entry]:
        return [e for e in self.entries if e.category == category]

    @property
    def categories(self) -> list[str]:
        seen = [e.category for e in self.entries]
        return [c for c in CATEGORIES if c in seen] + sorted(set(seen) - set(CATEGORIES))


def default_content_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "content"


def default_overlay_path(root: Path | str) -> Path:
    """Where admins' edits live unless BOT_OVERLAY says otherwise: beside the FAQ."""
    from bot.core.overlay import OVERLAY_FILE

    return Path(root) / OVERLAY_FILE


def source_name(path: Path | str, root: Path | str) -> str:
    """How problems name a file: relative to the content folder's parent where it lies
    below it (content/faq/korea.yaml, data/overlay.yaml), else the full path."""
    return _rel(Path(path), Path(root))


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_topics(
    path: Path, name: str, text: str | None = None
) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """topics.yaml: category -> {topic id: what people want to know}. `text`: the file's
    text, already read."""
    if text is None and not path.exists():
        return {}, []
    try:
        data = load_yaml(path, name) if text is None else parse_yaml(text, name)
    except ContentError as exc:
        return {}, exc.problems
    if not isinstance(data, dict):
        return {}, [Problem(name, 1, "", "expected a mapping of category -> topics")]
    return {str(c): dict(t or {}) for c, t in data.items()}, []


# Loaded FAQs by a digest of everything they are made from (each file's name and text, the
# overlay's), so loading unchanged files again (a /reload, an admin save's checks, a restart
# in tests) skips parsing and checking ~100 entries. A changed file is a new digest; loads
# with problems are never kept. Entries are frozen; each caller gets its own Content.
_LOADED: OrderedDict[bytes, tuple[tuple[Entry, ...], dict[str, dict[str, str]]]] = OrderedDict()
_LOADED_MAX = 4
_LOADED_LOCK = threading.Lock()


def _read(path: Path) -> str | None:
    """A file's text, or None when it cannot be read (the loader then reports it)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def load_content(
    root: Path | str | None = None,
    *,
    overlay_text: str | None = None,
    overlay_path: Path | str | None = None,
) -> Content:
    """Load content/faq/*.yaml (+ topics.yaml) with the admins' edits in the overlay file
    applied on top; raise ContentError listing every problem. `overlay_path` is where the
    edits live (BOT_OVERLAY; default content/overlay.yaml), `overlay_text` stands in for
    that file (an edit is checked this way before it is written; docs/ADMIN.md)."""
    root = Path(root) if root else default_content_dir()
    overlay = default_overlay_path(root) if overlay_path is None else Path(overlay_path)
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "", "folder not found")])
    faq_dir = root / "faq"
    # by name without the extension: korea.yaml (the overview) before korea-working.yaml
    files = sorted(
        [*faq_dir.glob("*.yaml"), *faq_dir.glob("*.yml")], key=lambda p: (p.stem, p.name)
    )
    if not files:
        raise ContentError([Problem(_rel(faq_dir, root), None, "", "no FAQ files (*.yaml) found")])
    # every input read once, here: the digest and the load see the same texts
    topics_path = root / "topics.yaml"
    has_topics = topics_path.exists()
    inputs = [(_rel(p, root), _read(p)) for p in files]
    inputs.append((_rel(topics_path, root), _read(topics_path) if has_topics else ""))
    if overlay_text is None and overlay.exists():
        overlay_text = _read(overlay)
        if overlay_text is None:  # unreadable: the overlay step reports it
            return _load(root, overlay, files, None, None)
    if any(text is None for _name, text in inputs):  # an unreadable file: reported there
        return _load(root, overlay, files, None, overlay_text)
    inputs.append((_rel(overlay, root), overlay_text))  # None: no overlay
    digest = hashlib.blake2b(f"{has_topics}".encode(), digest_size=20)
    for name, text in inputs:
        digest.update(f"{len(name)}:{name}{len(text or '')}:{text is None}:".encode())
        digest.update((text or "").encode("utf-8", "surrogatepass"))
    key = digest.digest()
    with _LOADED_LOCK:
        hit = _LOADED.get(key)
        if hit:
            _LOADED.move_to_end(key)
    if hit is None:
        texts = {name: text for name, text in inputs[:-1] if text is not None}
        content = _load(root, overlay, files, texts, overlay_text, has_topics)
        with _LOADED_LOCK:
            _LOADED[key] = (content.entries, content.topics)
            while len(_LOADED) > _LOADED_MAX:
                _LOADED.popitem(last=False)
        hit = (content.entries, content.topics)
    entries, topics = hit
    return Content(
        entries,
        {e.id: e for e in entries},
        {c: dict(t) for c, t in topics.items()},
        str(root),
        str(overlay),
    )


def _load(
    root: Path,
    overlay: Path,
    files: list[Path],
    texts: dict[str, str] | None,
    overlay_text: str | None,
    has_topics: bool = True,
) -> Content:
    """load_content's work; `texts`: the files' texts by name, already read (else read here)."""
    from bot.core.overlay import apply_overlay  # overlay builds on this module

    def parse(path: Path, name: str) -> Any:
        return load_yaml(path, name) if texts is None else parse_yaml(texts[name], name)

    problems: list[Problem] = []
    entries: list[Entry] = []
    raws: list[tuple[LineDict, str, str]] = []
    topics_name = _rel(root / "topics.yaml", root)
    if texts is None or not has_topics:  # read here, or no topics.yaml
        topics, topic_problems = load_topics(root / "topics.yaml", topics_name)
    else:
        topics, topic_problems = load_topics(root / "topics.yaml", topics_name, texts[topics_name])
    problems += topic_problems
    unread = False  # a file that did not load: its ids are missing, so skip cross-checks
    for path in files:
        name = _rel(path, root)
        try:
            data = parse(path, name)
        except ContentError as exc:
            problems += exc.problems
            unread = True
            continue
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(name, 1, "", "expected a list of FAQ entries (- id: ...)"))
            unread = True
            continue
        for i, raw in enumerate(data):
            line = data.line_of(i) if isinstance(data, LineList) else None
            if not isinstance(raw, LineDict):
                problems.append(Problem(name, line, "", "each entry must be a mapping"))
                continue
            raws.append((raw, name, path.stem))
    raws, relabel, overlay_problems = apply_overlay(
        raws, overlay, _rel(overlay, root), overlay_text
    )
    problems += overlay_problems
    for raw, name, stem in raws:
        entry, probs = _parse_entry(raw, name, stem)
        problems += [relabel(p) for p in probs]
        if entry:
            entries.append(entry)
    if not unread:  # else every reference to the unread file's ids would be a follow-on error
        problems += _cross_checks(entries, topics, topics_name)
    if problems:
        raise ContentError(problems)
    return Content(tuple(entries), {e.id: e for e in entries}, topics, str(root), str(overlay))


def _parse_entry(raw: LineDict, name: str, stem: str) -> tuple[Entry | None, list[Problem]]:
    probs: list[Problem] = []
    eid = raw.get("id")
    label = f"{eid}." if isinstance(eid, str) else ""

    rec = Record(raw, name, label, probs)
    bad = rec.bad
    rec.fields(REQUIRED, OPTIONAL)
    category = raw.get("category")
    if category != stem:  # an entry may also be in the category named like its file
        rec.one_of("category", CATEGORIES, "category")

    title = rec.texts("title", MAX_TITLE_CHARS)
    summary = rec.texts(
        "summary",
        MAX_SUMMARY_CHARS,
        f"it is the first message on a phone, keep it <= {MAX_SUMMARY_CHARS}",
    )
    answer = rec.texts(
        "answer",
        MAX_ANSWER_CHARS,
        "one Telegram message holds 4096 with title and sources, "
        f"so keep answers <= {MAX_ANSWER_CHARS}",
    )
    stage = rec.one_of("stage", STAGES, "stage", null=True)
    to_confirm = raw.get("to_confirm", [])
    if not isinstance(to_confirm, list) or not all(
        isinstance(t, str) and t.strip() for t in to_confirm
    ):
        bad("to_confirm", "expected a list of texts (what to confirm, and with which office)")
        to_confirm = []

    questions: dict[str, tuple[str, ...]] = {}
    q = raw.get("questions")
    if "questions" in raw:
        if not isinstance(q, LineDict):
            bad("questions", "expected a mapping of language -> list of question variants")
        else:
            for lang in q:
                if lang not in VARIANT_LANGS:
                    bad(f"questions.{lang}", f"unknown language (use {', '.join(VARIANT_LANGS)})",
                        q.line_of(lang))  # fmt: skip
            for lang in VARIANT_LANGS:
                items = q.get(lang)
                if items is None:
                    if lang in LANGS:
                        bad(f"questions.{lang}", "missing language", q.line)
                    continue
                if not isinstance(items, list) or not items:
                    bad(f"questions.{lang}", "expected a non-empty list", q.line_of(lang))
                    continue
                texts: list[str] = []
                seen: set[str] = set()
                for j, item in enumerate(items):
                    line = items.line_of(j) if isinstance(items, LineList) else q.line_of(lang)
                    if not isinstance(item, str) or not item.strip():
                        bad(f"questions.{lang}[{j}]", "empty question variant", line)
                        continue
                    key = fold_content(item)
                    if not key.strip():
                        bad(f"questions.{lang}[{j}]", "variant has no letters", line)
                        continue
                    if key in seen:
                        continue  # same matching key as an earlier variant (e.g. tone marks left out)
                    seen.add(key)
                    texts.append(item.strip())
                if lang in LANGS and len(texts) < MIN_VARIANTS:
                    bad(f"questions.{lang}", f"at least {MIN_VARIANTS} variants needed",
                        q.line_of(lang))  # fmt: skip
                questions[lang] = tuple(texts)

    related = raw.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        bad("related", "expected a list of entry ids")
        related = []

    sources: list[Source] = []
    src = raw.get("sources")
    if "sources" in raw:
        if not isinstance(src, list) or not src:
            bad("sources", "at least one source (title + url or document) is required")
        else:
            for j, s in enumerate(src):
                line = src.line_of(j) if isinstance(src, LineList) else raw.line_of("sources")
                if not isinstance(s, dict) or not isinstance(s.get("title"), str):
                    bad(f"sources[{j}]", "each source needs a title", line)
                    continue
                unknown = set(s) - {"title", "url", "document", "date"}
                if unknown:
                    bad(f"sources[{j}]", f"unknown field(s): {', '.join(sorted(unknown))}", line)
                url, doc = s.get("url"), s.get("document")
                if not url and not doc:
                    bad(f"sources[{j}]", "each source needs a url or a document", line)
                elif url and not re.match(r"^https?://\S+$", str(url)):
                    bad(f"sources[{j}].url", f"not a web address: {url!r}", line)
                elif url and re.match(r"^https?://[^/?#]+/?$", str(url)):
                    bad(f"sources[{j}].url",
                        f"a site's homepage: cite the page that says it ({url!r})", line)  # fmt: skip
                sdate = s.get("date")
                if sdate is None:
                    bad(f"sources[{j}].date", "missing: the source's own date, like 2024-05-01 "
                        "(undated page: the year it refers to as 2024-01-01, said in notes)", line)  # fmt: skip
                elif not isinstance(sdate, dt.date):
                    bad(f"sources[{j}].date", "expected a date like 2024-05-01", line)
                    sdate = None
                sources.append(Source(s["title"], url, doc, sdate))

    reviewed = rec.date("reviewed")
    nnr = rec.flag("needs_native_review")
    country = rec.one_of("country", COUNTRIES, "country", CATEGORY_COUNTRY.get(category), null=True)
    if probs:
        return None, probs
    return (
        Entry(
            id=eid,
            category=category,
            title=title,
            questions=questions,
            answer=answer,
            related=tuple(related),
            sources=tuple(sources),
            reviewed=reviewed,
            needs_native_review=bool(nnr),
            country=country,
            summary=summary,
            stage=stage,
            to_confirm=tuple(t.strip() for t in to_confirm),
            file=name,
            line=raw.line,
        ),
        probs,
    )


def _cross_checks(
    entries: list[Entry],
    topics: dict[str, dict[str, str]],
    topics_name: str = "content/topics.yaml",
) -> list[Problem]:
    probs: list[Problem] = []
    first: dict[str, Entry] = {}
    for e in entries:
        if e.id in first:
            other = first[e.id]
            probs.append(
                Problem(e.file, e.line, f"{e.id}.id",
                        f"duplicate id (first defined in {other.file}:{other.line})")
            )  # fmt: skip
        else:
            first[e.id] = e
    for e in entries:
        for rid in e.related:
            if rid not in first:
                probs.append(
                    Problem(e.file, e.line, f"{e.id}.related", f"unknown entry id {rid!r}")
                )
            elif rid == e.id:
                probs.append(
                    Problem(e.file, e.line, f"{e.id}.related", "an entry cannot relate to itself")
                )
    for category, ids in topics.items():
        for tid in ids:
            if tid not in first:
                probs.append(
                    Problem(topics_name, None, tid,
                            f"topic {tid!r} ({category}) has no FAQ entry")
                )  # fmt: skip
    return probs
