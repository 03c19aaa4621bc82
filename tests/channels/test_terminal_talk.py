"""/talk in the terminal chat: no counsellors there, so it says so and gives help lines."""

from __future__ import annotations

from tests.channels.test_terminal import _chat


def test_talk_in_the_terminal_says_not_available_with_help_lines(tmp_path, loaded):
    out, _services = _chat(tmp_path, loaded, ["/talk"])
    assert "not available here" in out and "1362" in out and "191" in out
