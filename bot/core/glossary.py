"""One Lao vocabulary: report non-preferred forms in the texts people read.

content/glossary.yaml lists the fixed terms (polite ທ່ານ for "you", ເສັງ for "exam",
ແຮງງານຂັດໜີ້ for debt bondage, city spellings, comma thousands separators). This
module checks FAQ titles, summaries and answers (content/faq/*.yaml) and quiz
questions, options and explanations (content/quiz.yaml) against it, and reports
each non-preferred form with file, line and field. Question variants are not
checked: people type anything, and the matcher must understand it.

A term's `except` words protect longer words that contain an avoided form
(ເຈົ້າຂອງ "owner" contains ເຈົ້າ "you"): an occurrence inside one of them is fine.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import ContentError, Problem
from bot.core.yamlsrc import LineDict, LineList, load_yaml, parse_yaml

GLOSSARY_FILE = "glossary.yaml"
TERM_KEYS = {"id", "meaning", "preferred", "avoid", "except", "pattern", "langs", "note"}
FAQ_FIELDS = ("title", "summary", "answer")
QUIZ_FIELDS = ("question", "explanation")  # plus each option's text


@dataclass(frozen=True)
class Term:
    id: str
    preferred: str
    avoid: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    langs: tuple[str, ...] = ("lo",)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, form) of every non-preferred form in `text`, longest forms first,
        never two overlapping, none inside an `except` word."""
        if self.pattern is not None:
            return [(m.start(), m.end(), m.group()) for m in self.pattern.finditer(text)]
        allowed = [
            (m.start(), m.end())
            for word in self.exceptions
            for m in re.finditer(re.escape(word), text)
        ]
        found: list[tuple[int, int, str]] = []
        for form in sorted(self.avoid, key=len, reverse=True):
            for m in re.finditer(re.escape(form), text):
                s, e = m.start(), m.end()
                if any(a <= s and e <= b for a, b in allowed):
                    continue
                if any(s < fe and fs < e for fs, fe, _f in found):
                    continue
                found.append((s, e, form))
        return sorted(found)


def load_glossary(
    path: Path, name: str, text: str | None = None
) -> tuple[list[Term], list[Problem]]:
    """The terms of glossary.yaml (`text`: already read); a broken term is a problem, not a
    crash."""
    try:
        data = load_yaml(path, name) if text is None else parse_yaml(text, name)
    except ContentError as exc:
        return [], exc.problems
    terms_raw = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms_raw, list):
        return [], [Problem(name, 1, "terms", "expected `terms:` with a list of terms")]
    terms: list[Term] = []
    problems: list[Problem] = []
    for i, raw in enumerate(terms_raw):
        line = terms_raw.line_of(i) if isinstance(terms_raw, LineList) else None
        tid = raw.get("id") if isinstance(raw, dict) else None
        where = f"terms[{i}]" if not isinstance(tid, str) else tid

        def bad(msg: str, key: str = "", _where: str = where, _line: Any = line) -> None:
            problems.append(Problem(name, _line, f"{_where}.{key}" if key else _where, msg))

        if not isinstance(raw, dict) or not isinstance(tid, str):
            bad("each term needs an id")
            continue
        unknown = set(raw) - TERM_KEYS
        if unknown:
            bad(f"unknown field(s): {', '.join(sorted(unknown))}")
        if not isinstance(raw.get("preferred"), str) or not raw["preferred"].strip():
            bad("say which form to write", "preferred")
        avoid, exceptions = raw.get("avoid", []), raw.get("except", [])
        pattern = None
        if "pattern" in raw:
            try:
                pattern = re.compile(str(raw["pattern"]))
            except re.error as exc:
                bad(f"not a regular expression: {exc}", "pattern")
                continue
        elif not avoid:
            bad("give the forms to report (`avoid`) or a `pattern`", "avoid")
        for key, value in (("avoid", avoid), ("except", exceptions)):
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                bad("expected a list of words", key)
                avoid, exceptions = [], []
        langs = raw.get("langs", ["lo"])
        if not isinstance(langs, list) or not set(langs) <= {"lo", "en"}:
            bad("expected a list of lo and/or en", "langs")
            langs = ["lo"]
        terms.append(
            Term(
                tid,
                str(raw.get("preferred", "")),
                tuple(avoid),
                tuple(exceptions),
                pattern,
                tuple(langs),
            )
        )
    return terms, problems


def check_text(
    terms: list[Term], text: str, lang: str, file: str, line: int, field: str, block: bool
) -> list[Problem]:
    """Problems for one text. `line` is its key's line; in a block scalar (`|`) the text
    starts on the next line, so each problem gets the line the form is on."""
    out: list[Problem] = []
    for term in terms:
        if lang not in term.langs:
            continue
        for start, _end, form in term.spans(text):
            at = line + 1 + text.count("\n", 0, start) if block else line
            out.append(
                Problem(
                    file, at, field, f"glossary ({term.id}): write {term.preferred!r}, not {form!r}"
                )
            )
    return out


def _texts(node: Any, lines: list[str], field: str):
    """(lang, text, key line, is block scalar, field) for a {lo: ..., en: ...} mapping."""
    if not isinstance(node, LineDict):
        return
    for lang in ("lo", "en"):
        text = node.get(lang)
        if isinstance(text, str):
            kl = node.line_of(lang)
            src = lines[kl - 1] if 0 < kl <= len(lines) else ""
            after = src.split(f"{lang}:", 1)[1].strip() if f"{lang}:" in src else ""
            block = after[:1] in ("|", ">")
            yield lang, text, kl, block, f"{field}.{lang}"


def _label(raw: Any) -> str:
    eid = raw.get("id") if isinstance(raw, dict) else None
    return f"{eid}." if isinstance(eid, str) else ""


# Problems by a digest of the files checked (names and texts): every admin save and /reload
# checks the glossary again over files that did not change (~0.13 s of CPU each time).
_CHECKED: OrderedDict[bytes, tuple[Problem, ...]] = OrderedDict()
_CHECKED_MAX = 4
_CHECKED_LOCK = threading.Lock()


def check_glossary(root: Path | str) -> list[Problem]:
    """Every non-preferred form in the FAQ and the quiz bank under `root` (content/).
    No glossary file: nothing to check."""
    root = Path(root)
    gpath = root / GLOSSARY_FILE
    if not gpath.exists():
        return []
    files = sorted((root / "faq").glob("*.yaml")) + sorted((root / "faq").glob("*.yml"))
    if (root / "quiz.yaml").exists():
        files.append(root / "quiz.yaml")
    texts: dict[Path, str] = {}
    digest = hashlib.blake2b(digest_size=20)
    for path in [gpath, *files]:
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return _check_all(root, gpath, files, None)  # reported by load_yaml
        name = _name(path, root)
        digest.update(f"{len(name)}:{name}{len(texts[path])}:".encode())
        digest.update(texts[path].encode("utf-8", "surrogatepass"))
    key = digest.digest()
    with _CHECKED_LOCK:
        hit = _CHECKED.get(key)
        if hit is not None:
            _CHECKED.move_to_end(key)
            return list(hit)
    problems = _check_all(root, gpath, files, texts)
    with _CHECKED_LOCK:
        _CHECKED[key] = tuple(problems)
        while len(_CHECKED) > _CHECKED_MAX:
            _CHECKED.popitem(last=False)
    return problems


def _check_all(
    root: Path, gpath: Path, files: list[Path], texts: dict[Path, str] | None
) -> list[Problem]:
    """check_glossary's work; `texts`: the files' texts, already read (else read here)."""
    text = None if texts is None else texts[gpath]
    terms, problems = load_glossary(gpath, _name(gpath, root), text)
    for path in files:
        quiz = path == root / "quiz.yaml"
        text = None if texts is None else texts[path]
        fields = QUIZ_FIELDS if quiz else FAQ_FIELDS
        problems += _check_file(terms, path, _name(path, root), fields, quiz, text)
    return problems


def _check_file(
    terms: list[Term],
    path: Path,
    name: str,
    fields: tuple[str, ...],
    quiz: bool,
    text: str | None = None,
) -> list[Problem]:
    try:
        data = load_yaml(path, name) if text is None else parse_yaml(text, name)
    except ContentError:
        return []  # the FAQ or quiz loader reports syntax errors
    if isinstance(data, dict):  # a quiz bank may be {questions: [...]}
        data = data.get("questions", [])
    if not isinstance(data, list):
        return []
    if text is None:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: list[Problem] = []
    for raw in data:
        if not isinstance(raw, LineDict):
            continue
        label = _label(raw)
        nodes = [(f"{label}{f}", raw.get(f)) for f in fields]
        if quiz and isinstance(raw.get("options"), list):
            nodes += [(f"{label}options[{j}]", o) for j, o in enumerate(raw["options"])]
        for field, node in nodes:
            for lang, text, kl, block, where in _texts(node, lines, field):
                out += check_text(terms, text, lang, name, kl, where, block)
    return out


def _name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
