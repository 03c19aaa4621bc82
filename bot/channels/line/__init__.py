"""The LINE channel: webhook (signature check) -> the same app as Telegram -> reply API."""
