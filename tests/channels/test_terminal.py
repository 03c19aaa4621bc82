"""The terminal chat: same dialogue as Telegram, buttons as numbers."""

import io

from bot.app.runtime import Services
from bot.channels.terminal import run_chat
from tests.conftest import CONTENT


def _chat(tmp_path, lines, lang="en"):
    services = Services.open(CONTENT, tmp_path / "chat.sqlite3")
    out = io.StringIO()
    run_chat(services, lang, inp=io.StringIO("\n".join(lines) + "\n"), out=out)
    return out.getvalue(), services


def test_chat_start_menu_button_and_question(tmp_path):
    out, _ = _chat(tmp_path, ["3", "How much does it cost to go to Korea?", "/quit"])
    assert "Hello!" in out
    assert "[3]" in out  # buttons are numbered
    assert "Sources:" in out


def test_chat_language_switch_is_stored(tmp_path):
    out, services = _chat(tmp_path, ["1"])  # [1] = ພາສາລາວ
    assert "ຕັ້ງເປັນພາສາລາວແລ້ວ" in out
    assert services.user_lang(0) == "lo"


def test_chat_unknown_question_is_recorded_without_user(tmp_path):
    _out, services = _chat(tmp_path, ["recipe for sticky rice cake please"])
    assert services.store.count("unanswered") == 1
