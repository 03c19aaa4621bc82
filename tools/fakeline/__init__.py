"""A fake LINE platform for offline tests of the LINE channel (bot/channels/line).

``fake.FakeLine`` checks every Messaging API request against ``data/messaging-api.yml`` and
counts replies and pushes; it builds signed webhook bodies whose events conform to
``data/webhook.yml``. ``server.FakeLineServer`` serves it over HTTP for the real SDK client.
"""

from tools.fakeline.fake import Call, FakeLine, Sent, line_id, sign
from tools.fakeline.server import FakeLineServer, post_webhook

__all__ = ["Call", "FakeLine", "FakeLineServer", "Sent", "line_id", "post_webhook", "sign"]
