"""Guards for YAML the bot parses: content files, the overlay, and entries admins send.

PyYAML's SafeLoader still lets a document crash or freeze the process:
- a complex key (`? [a, b]`) is a list, which cannot be a dict key (TypeError);
- deep nesting (`[[[[...]]]]`) recurses in the composer until RecursionError;
- an alias bomb ("billion laughs": anchors that repeat each other nine times over)
  is a few hundred characters that expand to millions of items when copied;
- an impossible date (`2026-02-30`) raises ValueError in the constructor.
`GuardedComposer` stops the first three while composing, with the line in the
error; `bot.core.yamlsrc.parse_yaml` turns them into file:line problems. Admins'
input is parsed `strict`: no anchors or aliases at all, and at most
MAX_ADMIN_YAML_CHARS characters.
"""

from __future__ import annotations

import yaml
from yaml.composer import ComposerError

MAX_DEPTH = 40  # FAQ entries nest 3-4 levels; 40 is far beyond any real file
MAX_ADMIN_YAML_CHARS = 64_000  # an entry sent by an admin (a file is refused above this too)


class GuardedComposer:
    """Mixin for a yaml Loader: bounded depth, plain keys, and (strict) no aliases."""

    allow_aliases = True
    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()  # type: ignore[attr-defined]
        if not self.allow_aliases and (
            isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
        ):
            raise ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed here",
                event.start_mark,
            )  # fmt: skip
        if (
            isinstance(parent, yaml.MappingNode)
            and index is None  # PyYAML composes a mapping's keys with index None
            and isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        ):
            raise ComposerError(None, None, "a key must be plain text, not a list or mapping",
                                event.start_mark)  # fmt: skip
        if self._depth >= MAX_DEPTH:
            raise ComposerError(None, None, f"nested too deep (more than {MAX_DEPTH} levels)",
                                event.start_mark)  # fmt: skip
        self._depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


def check_tree(node: yaml.Node) -> None:
    """The depth and plain-key guards for a tree libyaml composed in C (CSafeLoader does not
    call `compose_node` in Python). Iterative; a node shared by aliases is checked once."""
    seen: set[int] = set()
    stack = [(node, 1)]
    while stack:
        n, depth = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nested too deep (more than {MAX_DEPTH} levels)",
                                n.start_mark)  # fmt: skip
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                if isinstance(key, (yaml.MappingNode, yaml.SequenceNode)):
                    raise ComposerError(None, None, "a key must be plain text, not a list or mapping",
                                        key.start_mark)  # fmt: skip
                stack.append((value, depth + 1))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in n.value)


def too_long(text: str) -> str | None:
    """Why admin input is refused before parsing, or None."""
    if len(text) > MAX_ADMIN_YAML_CHARS:
        return f"too long ({len(text)} characters; at most {MAX_ADMIN_YAML_CHARS})"
    return None
