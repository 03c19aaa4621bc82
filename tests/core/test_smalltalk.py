"""Small talk: greetings, thanks, goodbye, "who are you", "are you a person"."""

import pytest

from bot.core.smalltalk import REPLIES, reply_text, small_talk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hello", "hello"),
        ("Hi bot 👋", "hello"),
        ("ສະບາຍດີ", "hello"),
        ("ສະບາຍດີເຈົ້າ", "hello"),
        ("ສະບາຍດີບໍ", "hello"),  # no tone mark
        ("สวัสดีครับ", "hello"),  # Thai script
        ("sabaidee", "hello"),  # romanised
        ("thanks", "thanks"),
        ("thank you so much!", "thanks"),
        ("ຂອບໃຈຫຼາຍໆເດີ", "thanks"),
        ("ขอบคุณครับ", "thanks"),
        ("khop jai lai lai", "thanks"),
        ("bye", "bye"),
        ("ລາກ່ອນ", "bye"),
        ("who are you?", "who"),
        ("ເຈົ້າແມ່ນໃຜ", "who"),
        ("hello, who are you", "who"),
        ("are you a bot?", "human"),
        ("ເຈົ້າແມ່ນຄົນບໍ່", "human"),
        ("pen khon bo", "human"),
        ("เป็นคนหรือเปล่า", "human"),
    ],
)
def test_small_talk_is_recognised(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "hello, how much does the MOU cost?",
        "ສະບາຍດີ ໄປເຮັດວຽກເກົາຫຼີເສຍເງິນເທົ່າໃດ",
        "thanks, and what about Japan?",
        "ສະບາຍ",  # a word, not the greeting
        "ລາຍງານ",
        "what is the MOU",
        "",
    ],
)
def test_a_question_is_not_small_talk(text):
    assert small_talk(text) is None


@pytest.mark.parametrize("kind", sorted(REPLIES))
def test_every_kind_has_a_reply_in_both_languages(kind):
    en, lo = reply_text(kind, "en"), reply_text(kind, "lo")
    assert en and lo and en != lo
