"""Update factories: what a *user* does, turned into the Update JSON Telegram would deliver.

Why factories instead of hand-written dicts in tests: Telegram's updates carry details that
PTB relies on (the ``bot_command`` entity for CommandHandler, ``chat_instance`` on callback
queries, per-chat message ids, the bot's own message inside a callback query). Building
them in one place keeps every test realistic and short.

Every ``push_*`` enqueues the update for getUpdates *and* returns a copy of it, so a test
can either run the bot with polling or feed the dict straight to
``app.process_update(Update.de_json(update, app.bot))``.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

from .formatting import detect_entities

if TYPE_CHECKING:
    from .core import FakeBotAPI

__all__ = ["UpdatesMixin"]

DEFAULT_GROUP_ID = -1001234567890


class UpdatesMixin:
    """``push_*`` helpers. Mixed into FakeBotAPI; state lives there."""

    # --- people and places ----------------------------------------------------------------

    def _user(
        self: FakeBotAPI,
        user_id: int,
        *,
        first_name: str = "Test",
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> dict:
        """Create or refresh a user; the latest push wins, like a user renaming themselves."""
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _user_chat(
        self: FakeBotAPI,
        user: dict,
        chat_id: int | None,
        chat_type: str,
        title: str | None,
    ) -> dict:
        if chat_type == "private":
            cid = chat_id if chat_id is not None else user["id"]
            chat = {"id": cid, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        else:
            cid = chat_id if chat_id is not None else DEFAULT_GROUP_ID
            chat = {"id": cid, "type": chat_type, "title": title or "Test group"}
        self._chats[cid] = chat
        return chat

    def register_chat(self: FakeBotAPI, chat: dict) -> None:
        """Make a chat known (needed for sends to it when ``strict`` is on)."""
        with self._lock:
            self._chats[chat["id"]] = copy.deepcopy(chat)

    # --- messages -------------------------------------------------------------------------

    def push_message(
        self: FakeBotAPI,
        user_id: int,
        text: str | None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
        language_code: str | None = "en",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        entities: list[dict] | None = None,
        reply_to_message: int | dict | None = None,
        **content: Any,
    ) -> dict:
        """A user sends ``text``; entities for /commands, @mentions, URLs are auto-detected.

        ``reply_to_message`` may be a message id in that chat or a full message dict.
        Extra keyword arguments become Message fields (e.g. ``location=...``).
        """
        with self._lock:
            user = self._user(
                user_id,
                first_name=first_name,
                language_code=language_code,
                username=username,
                last_name=last_name,
            )
            chat = self._user_chat(user, chat_id, chat_type, title)
            fields: dict[str, Any] = dict(content)
            if text is not None:
                fields["text"] = text
                found = detect_entities(text) if entities is None else entities
                if found:
                    fields["entities"] = found
            if reply_to_message is not None:
                if isinstance(reply_to_message, int):
                    target = self._find_message(chat["id"], reply_to_message)
                    if target is None:
                        raise ValueError(f"no message {reply_to_message} in chat {chat['id']}")
                else:
                    target = reply_to_message
                fields["reply_to_message"] = {
                    k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"
                }
            message = self._store_message(chat, user, **fields)
            self._user_message_ids.setdefault(chat["id"], []).append(
                (user_id, message["message_id"])
            )
            return self._enqueue({"message": message})

    def push_command(
        self: FakeBotAPI, user_id: int, command: str, *args: str, **kwargs: Any
    ) -> dict:
        """``push_command(1, "start", "ref123")`` sends "/start ref123" (slash optional)."""
        text = command if command.startswith("/") else f"/{command}"
        return self.push_message(user_id, " ".join([text, *args]), **kwargs)

    def push_group_message(
        self: FakeBotAPI,
        user_id: int,
        text: str,
        *,
        chat_id: int = DEFAULT_GROUP_ID,
        chat_type: str = "supergroup",
        title: str = "Test group",
        **kwargs: Any,
    ) -> dict:
        """A user writes in a group; by default a supergroup with id -1001234567890."""
        return self.push_message(
            user_id, text, chat_id=chat_id, chat_type=chat_type, title=title, **kwargs
        )

    def push_location(
        self: FakeBotAPI, user_id: int, latitude: float, longitude: float, **kwargs: Any
    ) -> dict:
        """A user shares a location (e.g. from a request_location keyboard button)."""
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self.push_message(user_id, None, location=location, **kwargs)

    def push_sticker(self: FakeBotAPI, user_id: int, *, emoji: str = "👍", **kwargs: Any) -> dict:
        """A user sends a sticker (bots must cope with non-text messages)."""
        with self._lock:
            record = self._store_file("sticker", b"RIFF-fake-webp", filename="sticker.webp")
            sticker = {
                **self._file_fields(record),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
            }
        return self.push_message(user_id, None, sticker=sticker, **kwargs)

    def push_photo(
        self: FakeBotAPI, user_id: int, *, caption: str | None = None, **kwargs: Any
    ) -> dict:
        """A user sends a photo (two PhotoSize entries, downloadable via getFile)."""
        with self._lock:
            record = self._store_file("photo", b"\xff\xd8\xff fake jpeg", filename="photo.jpg")
            sizes = self._photo_sizes(record)
        extra: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
            found = detect_entities(caption)
            if found:
                extra["caption_entities"] = found
        return self.push_message(user_id, None, **extra, **kwargs)

    def push_document(
        self: FakeBotAPI,
        user_id: int,
        *,
        filename: str = "document.pdf",
        content: bytes = b"%PDF-1.4 fake",
        mime_type: str = "application/pdf",
        **kwargs: Any,
    ) -> dict:
        """A user sends a file."""
        with self._lock:
            record = self._store_file("document", content, filename=filename, mime_type=mime_type)
            document = self._file_fields(record, "file_name", "mime_type")
        return self.push_message(user_id, None, document=document, **kwargs)

    def push_edited_message(
        self: FakeBotAPI,
        user_id: int,
        text: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict:
        """The user edits one of their messages (default: their latest in that chat)."""
        with self._lock:
            cid = chat_id if chat_id is not None else user_id
            if message_id is None:
                own = [m for u, m in self._user_message_ids.get(cid, []) if u == user_id]
                if not own:
                    raise ValueError(f"user {user_id} has no message in chat {cid} to edit")
                message_id = own[-1]
            message = self._find_message(cid, message_id)
            if message is None:
                raise ValueError(f"no message {message_id} in chat {cid}")
            message["text"] = text
            entities = detect_entities(text)
            if entities:
                message["entities"] = entities
            else:
                message.pop("entities", None)
            message["edit_date"] = int(time.time())
            return self._enqueue({"edited_message": message})

    # --- buttons, queries, polls -----------------------------------------------------------

    def push_callback(
        self: FakeBotAPI,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        check_buttons: bool = True,
        first_name: str = "Test",
        language_code: str | None = "en",
    ) -> dict:
        """A user presses an inline button carrying ``data`` on a bot message.

        Default message: the newest bot message in the chat whose keyboard has ``data``,
        else the newest bot message. With ``check_buttons`` the data must be on that
        message's keyboard, because Telegram can only deliver data the bot put there.
        """
        with self._lock:
            user = self._user(user_id, first_name=first_name, language_code=language_code)
            cid = chat_id if chat_id is not None else user_id
            message = None
            if message_id is not None:
                message = self._find_message(cid, message_id)
            else:
                ids = self._bot_message_ids.get(cid, [])
                for mid in reversed(ids):
                    candidate = self._messages.get((cid, mid))
                    if candidate and data in _callback_datas(candidate):
                        message = candidate
                        break
                if message is None and ids:
                    message = self._messages.get((cid, ids[-1]))
            if message is None:
                chat = self._chats.get(cid) or self._user_chat(user, cid, "private", None)
                message = self._store_message(chat, self.bot_user, text="(synthetic message)")
            datas = _callback_datas(message)
            if check_buttons and datas and data not in datas:
                raise ValueError(
                    f"callback data {data!r} is not on message {message['message_id']}'s "
                    f"keyboard {sorted(datas)}; pass check_buttons=False to force it"
                )
            query_id = str(4_000_000_000 + next(self._ids))
            self._callback_queries[query_id] = {"user_id": user_id, "answer": None}
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(abs(cid) * 7919 % 10**12 + 10**12),
                "data": data,
            }
            return self._enqueue({"callback_query": query})

    def click(
        self: FakeBotAPI, user_id: int, button_text: str, *, chat_id: int | None = None
    ) -> dict:
        """Press the inline button labelled ``button_text`` on the newest bot message having it."""
        with self._lock:
            cid = chat_id if chat_id is not None else user_id
            for mid in reversed(self._bot_message_ids.get(cid, [])):
                message = self._messages.get((cid, mid)) or {}
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        if button.get("text") == button_text:
                            if "callback_data" not in button:
                                raise ValueError(f"button {button_text!r} has no callback_data")
                            return self.push_callback(
                                user_id, button["callback_data"], message_id=mid, chat_id=cid
                            )
        raise ValueError(f"no inline button {button_text!r} in chat {cid}")

    def push_inline_query(
        self: FakeBotAPI,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str = "private",
        first_name: str = "Test",
        language_code: str | None = "en",
    ) -> dict:
        """A user types ``@bot query`` in some chat."""
        with self._lock:
            user = self._user(user_id, first_name=first_name, language_code=language_code)
            query_id = str(3_000_000_000 + next(self._ids))
            self._inline_queries[query_id] = {"user_id": user_id, "answer": None}
            inline = {
                "id": query_id,
                "from": user,
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            return self._enqueue({"inline_query": inline})

    def push_poll_answer(
        self: FakeBotAPI,
        user_id: int,
        poll_id: str,
        option_ids: list[int],
        *,
        first_name: str = "Test",
    ) -> dict:
        """A user votes in a poll the bot sent (Telegram only reports non-anonymous votes)."""
        with self._lock:
            entry = self._polls.get(poll_id)
            if entry is None:
                raise ValueError(f"unknown poll {poll_id!r}; polls: {sorted(self._polls)}")
            poll = entry["poll"]
            if poll["is_anonymous"]:
                raise ValueError(
                    f"poll {poll_id} is anonymous: Telegram sends no poll_answer updates for "
                    "it (send it with is_anonymous=False)"
                )
            if poll["is_closed"]:
                raise ValueError(f"poll {poll_id} is closed")
            if any(not 0 <= i < len(poll["options"]) for i in option_ids):
                raise ValueError(f"option ids {option_ids} out of range")
            if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
                raise ValueError("this poll allows a single answer")
            previous = entry["votes"].get(user_id, [])
            if previous and not poll.get("allows_revoting", True):
                raise ValueError(f"user {user_id} already voted and the poll disallows revoting")
            for i in previous:
                poll["options"][i]["voter_count"] -= 1
            for i in option_ids:
                poll["options"][i]["voter_count"] += 1
            if option_ids:
                entry["votes"][user_id] = list(option_ids)
            else:
                entry["votes"].pop(user_id, None)
            poll["total_voter_count"] = len(entry["votes"])
            user = self._user(user_id, first_name=first_name)
            answer = {
                "poll_id": poll_id,
                "user": user,
                "option_ids": list(option_ids),
                "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in option_ids],
            }
            return self._enqueue({"poll_answer": answer})

    def push_my_chat_member(
        self: FakeBotAPI,
        user_id: int,
        status: str = "kicked",
        *,
        chat_id: int | None = None,
    ) -> dict:
        """The bot's membership changed: ``kicked`` in a private chat = the user blocked it."""
        with self._lock:
            user = self._users.get(user_id) or self._user(user_id)
            cid = chat_id if chat_id is not None else user_id
            chat = self._chats.get(cid) or self._user_chat(user, cid, "private", None)
            old = "kicked" if status == "member" else "member"

            def member(state: str) -> dict:
                out = {"status": state, "user": copy.deepcopy(self.bot_user)}
                if state == "kicked":
                    out["until_date"] = 0
                return out

            update = {
                "chat": chat,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(status),
            }
            return self._enqueue({"my_chat_member": update})

    def push_raw(self: FakeBotAPI, update: dict) -> dict:
        """Enqueue a hand-made update; ``update_id`` is assigned when missing."""
        with self._lock:
            query = update.get("callback_query")
            if isinstance(query, dict) and "id" in query:
                self._callback_queries.setdefault(str(query["id"]), {"answer": None})
            inline = update.get("inline_query")
            if isinstance(inline, dict) and "id" in inline:
                self._inline_queries.setdefault(str(inline["id"]), {"answer": None})
            return self._enqueue(update)


def _callback_datas(message: dict) -> set[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row if "callback_data" in b}
