"""`python -m bot validate`: every content file checked, every problem listed."""

from __future__ import annotations

from pathlib import Path

from bot.core.content import Content, load_content
from bot.core.errors import ContentError, Problem
from bot.core.glossary import check_glossary


def validate_all(
    root: Path, overlay_text: str | None = None, overlay_path: Path | str | None = None
) -> tuple[list[Problem], str]:
    """Problems in the FAQ (with the admins' overlay at `overlay_path`, default
    content/overlay.yaml), the centre directory and the quiz bank (those present), and
    the Lao glossary (content/glossary.yaml).
    `overlay_text`: check an admin edit before it is written (see load_content)."""
    _content, problems, summary = check_all(root, overlay_text, overlay_path)
    return problems, summary


def check_all(
    root: Path, overlay_text: str | None = None, overlay_path: Path | str | None = None
) -> tuple[Content | None, list[Problem], str]:
    """validate_all, also returning the FAQ content it loaded (None when it has problems),
    so a caller that goes on to serve it need not load it a second time."""
    problems: list[Problem] = []
    parts: list[str] = []
    content = None
    try:
        content = load_content(root, overlay_text=overlay_text, overlay_path=overlay_path)
        n_var = sum(len(e.variants()) for e in content.entries)
        parts.append(f"{len(content.entries)} FAQ entries, {n_var} variants")
    except ContentError as exc:
        problems += exc.problems
    for name, loader in _extra_loaders():
        path = root / name
        if not path.exists():
            continue
        try:
            parts.append(loader(path, content))
        except ContentError as exc:
            problems += exc.problems
    # one Lao vocabulary (content/glossary.yaml): non-preferred forms in what people read
    problems += check_glossary(root)
    return (None if problems else content), problems, "; ".join(parts)


def _extra_loaders():
    """Directory and quiz bank loaders, each returning a one-line summary."""
    out = []
    try:
        from bot.core.centres import load_directory

        def centres(path: Path, _content) -> str:
            d = load_directory(path)
            return f"{len(d.places)} places in the centre directory"

        out.append(("centres.yaml", centres))
    except ImportError:
        pass
    try:
        from bot.core.quiz import load_quiz_bank

        def quiz(path: Path, content) -> str:
            bank = load_quiz_bank(path, content)
            return f"{len(bank.questions)} quiz questions"

        out.append(("quiz.yaml", quiz))
    except ImportError:
        pass
    return out
