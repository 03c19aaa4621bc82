"""YAML loading that remembers line numbers, so every problem names its line.

Mappings load as `LineDict`: a plain dict plus `.line` (1-based line of the
mapping) and `.key_lines` (key -> 1-based line of that key). Lists load as
`LineList` with `.line` and `.item_lines`.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ContentError, Problem
from bot.core.safeyaml import MAX_DEPTH, GuardedComposer, check_tree, too_long


class LineDict(dict):
    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _PyLoader(GuardedComposer, yaml.SafeLoader):
    """Pure-Python loader: the guards run while composing (bot/core/safeyaml.py)."""


# libyaml's parser (CSafeLoader) when PyYAML was built with it: about 10x faster, and every
# admin save and /reload parses all of content/. The constructors below run in Python either
# way, so line numbers and the duplicate-key check are the same with both. libyaml composes
# in C, so the same guards (depth, plain keys) run on the composed tree before constructing.
_Fast: type | None = getattr(yaml, "CSafeLoader", None)

if _Fast is not None:

    class _Loader(_Fast):  # type: ignore[valid-type,misc]
        def construct_document(self, node):  # type: ignore[no-untyped-def]
            check_tree(node)
            return super().construct_document(node)

else:  # pragma: no cover - PyYAML without libyaml
    _Loader = _PyLoader  # type: ignore[misc]


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):  # e.g. an alias to a list used as a key
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text, not a list or mapping", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


for _cls in {_Loader, _PyLoader}:
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _StrictLoader(_PyLoader):
    """Admins' input (small, bounded): the Python composer, which can refuse aliases."""

    allow_aliases = False


# Parsed files by a digest of their text. An admin save checks every content file, and
# /reload, the glossary check and the quiz bank read the same unchanged files again: each
# parse of content/ costs ~0.3 s of CPU, a copy of the cached tree ~0.03 s. Callers get a
# fresh copy (the overlay is applied to parsed entries in place). Only clean parses are
# kept, so every problem is found by a real parse; a changed file is a new text, a miss.
_PARSED: OrderedDict[bytes, Any] = OrderedDict()
_PARSED_MAX = 64  # files; content/ has ~16 (a few MB of parsed trees)
_PARSED_LOCK = threading.Lock()
_ATOMS = (str, int, float, type(None), dt.date, bytes)  # bool is an int, datetime a date


def _fresh(value: Any, memo: dict[int, Any]) -> Any:
    """A copy of a parsed tree: new LineDicts and LineLists (lines kept), shared scalars.
    A node that aliases repeat is copied once (`memo`), so an alias bomb stays small."""
    if isinstance(value, _ATOMS):
        return value
    done = memo.get(id(value))
    if done is not None:
        return done
    if isinstance(value, LineDict):
        out: Any = LineDict((k, _fresh(v, memo)) for k, v in value.items())
        out.line, out.key_lines = value.line, dict(value.key_lines)
    elif isinstance(value, LineList):
        out = LineList(_fresh(v, memo) for v in value)
        out.line, out.item_lines = value.line, list(value.item_lines)
    else:  # e.g. a !!set: rare, copied the slow way
        out = copy.deepcopy(value)
    memo[id(value)] = out
    return out


def parse_yaml(text: str, name: str, *, strict: bool = False) -> Any:
    """Parse YAML text; a syntax error becomes a ContentError naming file and line.
    `strict` for what admins send: no anchors or aliases, bounded size (bot/core/safeyaml.py)."""
    if strict and (why := too_long(text)):
        raise ContentError([Problem(name, None, "", why)])
    if strict:
        return _parse(text, name, _StrictLoader)
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
    with _PARSED_LOCK:
        tree = _PARSED.get(key, _PARSED)
        if tree is not _PARSED:
            _PARSED.move_to_end(key)
    if tree is _PARSED:
        tree = _parse(text, name, _Loader)
        with _PARSED_LOCK:
            _PARSED[key] = tree
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
    return _fresh(tree, {})


def _parse(text: str, name: str, loader: type) -> Any:
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"YAML syntax error: {exc.problem or exc}"
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit (1,000 levels)
            msg = f"YAML syntax error: nested too deep (more than {MAX_DEPTH} levels)"
        if exc.context:
            msg += f" ({exc.context})"
        raise ContentError([Problem(name, line, "", msg)]) from exc
    except yaml.YAMLError as exc:
        raise ContentError([Problem(name, None, "", f"YAML error: {exc}")]) from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. 2026-02-30
        raise ContentError([Problem(name, None, "", f"YAML value error: {exc}")]) from exc


def load_yaml(path: Path, name: str | None = None) -> Any:
    """Read and parse one file; unreadable or non-UTF-8 files are reported, not raised raw."""
    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(name, None, "", f"cannot read file: {exc}")]) from exc
    return parse_yaml(text, name)
