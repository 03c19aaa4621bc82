"""Supergroups with topics (forums), copyMessage, and the updates a topic produces.

Why: the bot relays messages between users and a counsellors' group, as copies (never
forwards) and, where the group has topics, one topic per case. The fake refuses what
Telegram refuses here: a topic in a chat that is not a forum, a message_thread_id that does
not exist ("message thread not found"), copying a message that does not exist or a service
message, closing a topic twice.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .methods import ApiError

if TYPE_CHECKING:
    from .core import FakeBotAPI

__all__ = ["ForumMixin"]

# message fields copyMessage carries over (content, never the sender or forward origin)
COPYABLE = (
    "text",
    "entities",
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "sticker",
    "location",
    "venue",
    "contact",
    "dice",
    "caption",
    "caption_entities",
)
SERVICE = ("forum_topic_created", "new_chat_members", "left_chat_member", "pinned_message")
ICON_COLOR = 7322096


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class ForumMixin:
    """Mixed into FakeBotAPI before MethodsMixin (it extends _common_send_fields)."""

    def _topics(self: FakeBotAPI) -> dict[tuple[int, int], dict]:
        if not hasattr(self, "_forum_topics"):
            self._forum_topics = {}
        return self._forum_topics

    def make_group(
        self: FakeBotAPI, chat_id: int, *, forum: bool = False, title: str = "Counsellors"
    ) -> dict:
        """Register a supergroup, with topics (``forum=True``) or without."""
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True
        with self._lock:
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def topic(self: FakeBotAPI, chat_id: int, thread_id: int) -> dict | None:
        """A topic's state: {"name", "closed"} (None: no such topic)."""
        with self._lock:
            found = self._topics().get((chat_id, thread_id))
            return copy.deepcopy(found) if found else None

    # --- sending into topics ----------------------------------------------------------------
    def _common_send_fields(self: FakeBotAPI, chat: dict, params: dict) -> dict[str, Any]:
        fields = super()._common_send_fields(chat, params)  # type: ignore[misc]
        thread = params.get("message_thread_id")
        if thread:
            if not chat.get("is_forum") or (chat["id"], thread) not in self._topics():
                raise _bad("message thread not found")
            fields["message_thread_id"] = thread
            fields["is_topic_message"] = True
        return fields

    def _user_chat(
        self: FakeBotAPI, user: dict, chat_id: int | None, chat_type: str, title: str | None
    ) -> dict:
        """Keep a registered forum a forum when a user writes in it."""
        known = self._chats.get(chat_id) if chat_id is not None else None
        chat = super()._user_chat(user, chat_id, chat_type, title)  # type: ignore[misc]
        if known and known.get("is_forum"):
            chat["is_forum"] = True
            chat["title"] = known.get("title", chat.get("title"))
        return chat

    # --- methods ----------------------------------------------------------------------------
    def _api_copyMessage(self: FakeBotAPI, params: dict) -> dict:
        source = self._find_message(params["from_chat_id"], params["message_id"])
        if source is None:
            raise _bad("message to copy not found")
        if any(k in source for k in SERVICE):
            raise _bad("message can't be copied")
        content = {k: copy.deepcopy(source[k]) for k in COPYABLE if k in source}
        if params.get("caption") is not None and "text" not in content:
            content.pop("caption_entities", None)
            content.update(self._caption_fields(params))
        chat = self._chat(params["chat_id"])
        fields = self._common_send_fields(chat, params)
        fields.update(content)
        message = self._store_message(chat, self.bot_user, **fields)
        return {"message_id": message["message_id"]}

    def _api_createForumTopic(self: FakeBotAPI, params: dict) -> dict:
        chat = self._chat(params["chat_id"])
        if not chat.get("is_forum"):
            raise _bad("the chat is not a forum")
        name = str(params["name"])
        color = params.get("icon_color", ICON_COLOR)
        created = {"name": name, "icon_color": color}
        message = self._store_message(chat, self.bot_user, forum_topic_created=created)
        thread = message["message_id"]
        message["message_thread_id"] = thread
        message["is_topic_message"] = True
        self._topics()[(chat["id"], thread)] = {"name": name, "closed": False}
        return {"message_thread_id": thread, "name": name, "icon_color": color}

    def _topic_or_error(self: FakeBotAPI, params: dict) -> dict:
        chat = self._chat(params["chat_id"])
        found = self._topics().get((chat["id"], params["message_thread_id"]))
        if found is None:
            raise _bad("TOPIC_ID_INVALID")
        return found

    def _api_editForumTopic(self: FakeBotAPI, params: dict) -> bool:
        found = self._topic_or_error(params)
        if params.get("name") in (None, found["name"]):
            raise _bad("TOPIC_NOT_MODIFIED")
        found["name"] = params["name"]
        return True

    def _api_closeForumTopic(self: FakeBotAPI, params: dict) -> bool:
        found = self._topic_or_error(params)
        if found["closed"]:
            raise _bad("TOPIC_NOT_MODIFIED")
        found["closed"] = True
        return True

    def _api_reopenForumTopic(self: FakeBotAPI, params: dict) -> bool:
        found = self._topic_or_error(params)
        if not found["closed"]:
            raise _bad("TOPIC_NOT_MODIFIED")
        found["closed"] = False
        return True

    # --- what people do -------------------------------------------------------------------------
    def push_topic_message(
        self: FakeBotAPI,
        user_id: int,
        text: str | None,
        *,
        chat_id: int,
        thread_id: int,
        reply_to_message: int | None = None,
        **kwargs: Any,
    ) -> dict:
        """A member writes in a topic; not replying to anything, Telegram sets the reply to
        the topic's first (service) message."""
        return self.push_message(
            user_id,
            text,
            chat_id=chat_id,
            chat_type="supergroup",
            reply_to_message=reply_to_message or thread_id,
            message_thread_id=thread_id,
            is_topic_message=True,
            **kwargs,
        )

    def push_voice(self: FakeBotAPI, user_id: int, *, duration: int = 3, **kwargs: Any) -> dict:
        """A user sends a voice message."""
        with self._lock:
            record = self._store_file("voice", b"OggS fake voice", filename="voice.ogg")
            voice = {**self._file_fields(record), "duration": duration, "mime_type": "audio/ogg"}
        return self.push_message(user_id, None, voice=voice, **kwargs)
