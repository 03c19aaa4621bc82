"""A fake Telegram Bot API for offline tests of the real python-telegram-bot stack.

Modules: ``spec`` (the API as data), ``validation`` (what Telegram refuses), ``formatting``
(HTML parse_mode parsing), ``core`` (FakeBotAPI: state, faults, long polling), ``methods`` and
``updates`` (its behaviour and update factories), ``inprocess`` (PTB request backend),
``http`` (local HTTP server), ``pytest_plugin`` (fixtures).
"""

from .core import Call, CallError, FakeBotAPI, Violation
from .inprocess import FakeRequest, app_builder, build_app, make_bot
from .spec import load_spec
from .validation import UploadedFile

__all__ = [
    "Call",
    "CallError",
    "FakeBotAPI",
    "FakeRequest",
    "UploadedFile",
    "Violation",
    "app_builder",
    "build_app",
    "load_spec",
    "make_bot",
]
