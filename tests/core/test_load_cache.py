"""Loading unchanged content again reuses what was parsed and built (docs/ARCHITECTURE.md,
"Load caches"); a changed file is always read anew, however small or quick the change."""

from __future__ import annotations

import os

from bot.app.runtime import Services, load_live, matcher_for
from bot.core.content import load_content
from bot.core.glossary import check_glossary
from bot.core.yamlsrc import parse_yaml
from bot.storage.db import Store, connect

TH = "faq/thailand.yaml"


def _same_size_edit(path, old: str, new: str) -> None:
    """Replace `old` by `new` (same length) and put the old modification time back: a cache
    keyed by size and mtime would miss this edit."""
    assert len(old) == len(new)
    st = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size


def test_an_edit_of_the_same_size_and_time_is_loaded(content_copy):
    first = load_content(content_copy)
    title = first.by_id["th-costs"].title["en"]
    changed = "X" + title[1:]
    _same_size_edit(content_copy / TH, f"en: {title}", f"en: {changed}")
    assert load_content(content_copy).by_id["th-costs"].title["en"] == changed


def test_a_caller_changing_what_it_parsed_does_not_change_the_next_parse():
    text = "a:\n  b: [1, 2]\n"
    first = parse_yaml(text, "x.yaml")
    first["a"]["b"].append(3)
    first["a"]["c"] = "new"
    again = parse_yaml(text, "x.yaml")
    assert again == {"a": {"b": [1, 2]}}
    assert again["a"].line_of("b") == 2 and again["a"]["b"].line == 2


def test_reload_after_a_hand_edit_serves_it_and_unchanged_content_keeps_the_index(
    content_copy, tmp_path
):
    services = Services(load_live(content_copy), Store(connect(tmp_path / "db.sqlite3")))
    before = services.loaded.dialogue.matcher
    assert services.reload() == []
    assert services.loaded.dialogue.matcher is before  # nothing changed: not rebuilt
    # a question variant rewritten by hand, same file size and modification time
    question = "How do I go to work in Korea through EPS?"
    asked = ("zorblat quindle fennorix " * 3)[: len(question) - 1] + "s"
    assert before.match(asked).best != "kr-eps"
    _same_size_edit(content_copy / "faq/korea.yaml", question, asked)
    assert services.reload() == []
    assert services.loaded.dialogue.matcher is not before
    assert asked in services.loaded.content.by_id["kr-eps"].questions["en"]
    assert services.loaded.dialogue.matcher.match(asked).id == "kr-eps"
    # content with the same entries shares the index that is in use
    assert matcher_for(load_content(content_copy)) is services.loaded.dialogue.matcher


def test_the_glossary_check_sees_an_edit_of_the_same_size(content_copy):
    assert check_glossary(content_copy) == []
    title = load_content(content_copy).by_id["th-costs"].title["lo"]
    # ສອບ is the Thai-influenced "exam" (content/glossary.yaml): 3 letters for 3 letters
    _same_size_edit(content_copy / TH, f"lo: {title}", f"lo: ສອບ{title[3:]}")
    assert any("glossary (exam)" in str(p) for p in check_glossary(content_copy))
