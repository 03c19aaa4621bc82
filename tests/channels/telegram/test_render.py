"""Rendering: escaping, splitting at paragraph boundaries, keyboard limits."""

import pytest

from bot.channels.telegram.render import MAX_MESSAGE, inline_button, keyboard, to_html_messages
from bot.core.callbacks import Answer
from bot.core.dialogue import Button, Reply


def test_content_is_escaped():
    html = to_html_messages(Reply("a < b & <i>c</i>", title="T<1>", footer="f&g"))[0]
    assert "<b>T&lt;1&gt;</b>" in html and "a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;" in html
    assert html.endswith("<i>f&amp;g</i>")


def test_long_answer_split_at_paragraphs():
    paras = [f"Paragraph {i}: " + "x" * 900 for i in range(12)]
    msgs = to_html_messages(Reply("\n\n".join(paras), title="Title", footer="Sources"))
    assert len(msgs) > 1
    assert all(len(m) <= MAX_MESSAGE for m in msgs)
    assert msgs[0].startswith("<b>Title</b>") and msgs[-1].endswith("<i>Sources</i>")
    # no paragraph is cut in two
    body = "\n\n".join(msgs).replace("<b>Title</b>\n\n", "").replace("\n\n<i>Sources</i>", "")
    assert all(p in body for p in paras)


def test_one_huge_paragraph_is_cut_hard():
    msgs = to_html_messages(Reply("y" * 20000))
    assert len(msgs) >= 5 and all(len(m) <= MAX_MESSAGE for m in msgs)


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError):
        inline_button(Button("x", Answer("ລ" * 30)))
    assert inline_button(Button("x", Answer("a" * 62))).callback_data


def test_every_callback_of_real_content_fits(content):
    for e in content.entries:
        for data in (f"f:{e.id}", f"fb:{e.id}:1", f"fb:{e.id}:0", f"c:{e.category}"):
            assert len(data.encode()) <= 64


def test_location_request_keyboard():
    kb = keyboard(Reply("where are you?", request_location=True))
    assert kb.keyboard[0][0].request_location is True
