"""Channels: the adapters that talk to people (Telegram, the terminal). They read input,
call the app and core, and render what comes back; they decide nothing and never touch
storage directly (ruff TID251 keeps it so)."""
