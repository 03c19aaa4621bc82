"""What the fake server *does* for each Bot API method (``_api_<methodName>`` handlers).

Why a separate mixin: ``core.py`` owns transport-independent plumbing (validation, faults,
long polling, bookkeeping); this file owns Telegram's behaviour per method: message ids that
grow per chat, edits that refuse "message is not modified", polls that remember votes,
commands stored per scope and language. Handlers receive parameters already validated and
decoded by type, and raise :class:`ApiError` for the state-dependent errors Telegram returns
during normal operation (those are *not* violations: a correct bot can hit them).

All state lives on :class:`~tools.fakeapi.core.FakeBotAPI` (created in its ``__init__``); the
handlers run with its lock held.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import time
from typing import TYPE_CHECKING, Any

from .formatting import parse_formatted
from .validation import UploadedFile

if TYPE_CHECKING:
    from .core import FakeBotAPI

__all__ = ["ApiError", "MethodsMixin"]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer (status + Telegram description) raised by a method handler."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        violation: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        #: True when the bot did something it never should (counted as a violation).
        self.violation = violation


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _now() -> int:
    return int(time.time())


class MethodsMixin:
    """Method handlers and the message store. Mixed into FakeBotAPI."""

    # --- chats, users, messages -----------------------------------------------------------

    def _resolve_chat_id(self: FakeBotAPI, chat_id: int | str) -> int:
        """Map ``@username`` chat ids to a stable integer id (channels, public groups)."""
        if isinstance(chat_id, int):
            return chat_id
        text = str(chat_id)
        if text.lstrip("-").isdigit():
            return int(text)
        for chat in self._chats.values():
            if chat.get("username") and f"@{chat['username']}".lower() == text.lower():
                return chat["id"]
        digest = int(hashlib.sha1(text.lower().encode()).hexdigest()[:9], 16)
        new_id = -1000000000000 - digest
        self._chats[new_id] = {
            "id": new_id,
            "type": "channel",
            "title": text.lstrip("@"),
            "username": text.lstrip("@"),
        }
        return new_id

    def _chat(self: FakeBotAPI, chat_id: int | str) -> dict:
        """The Chat object for an id; unknown chats are invented unless ``strict``."""
        cid = self._resolve_chat_id(chat_id)
        chat = self._chats.get(cid)
        if chat is None:
            if self.strict:
                raise _bad("chat not found")
            if cid > 0:
                user = self._users.get(cid, {})
                chat = {"id": cid, "type": "private", "first_name": user.get("first_name", "Test")}
            elif str(cid).startswith("-100"):
                chat = {"id": cid, "type": "supergroup", "title": "Test group"}
            else:
                chat = {"id": cid, "type": "group", "title": "Test group"}
            self._chats[cid] = chat
        return chat

    def _next_message_id(self: FakeBotAPI, chat_id: int) -> int:
        """Message ids grow per chat, shared by the user's and the bot's messages."""
        self._message_counters[chat_id] = self._message_counters.get(chat_id, 0) + 1
        return self._message_counters[chat_id]

    def _store_message(self: FakeBotAPI, chat: dict, sender: dict, **content: Any) -> dict:
        """Create, remember and return a message (the stored dict; copy before exposing)."""
        message_id = self._next_message_id(chat["id"])
        message = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "date": _now(),
            "chat": copy.deepcopy(chat),
        }
        message.update({k: v for k, v in content.items() if v is not None})
        self._messages[(chat["id"], message_id)] = message
        if sender.get("id") == self.bot_user["id"]:
            self._bot_message_ids.setdefault(chat["id"], []).append(message_id)
            self._last_touched[chat["id"]] = message_id
        return message

    def _find_message(self: FakeBotAPI, chat_id: int | str, message_id: int) -> dict | None:
        return self._messages.get((self._resolve_chat_id(chat_id), message_id))

    def _bot_message_or_error(self: FakeBotAPI, params: dict, what: str) -> dict:
        """The bot's message addressed by chat_id+message_id (edit/delete/stop targets)."""
        chat = self._chat(params["chat_id"])
        message = self._find_message(chat["id"], params["message_id"])
        if message is None:
            if self.strict or params["message_id"] > self._message_counters.get(chat["id"], 0):
                raise _bad(f"message to {what} not found")
            # Permissive mode: a message sent before the fake existed; invent it.
            message = {
                "message_id": params["message_id"],
                "from": copy.deepcopy(self.bot_user),
                "date": _now(),
                "chat": copy.deepcopy(chat),
                "text": "(message unknown to the fake)",
            }
            self._messages[(chat["id"], params["message_id"])] = message
        if what == "edit" and message.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad("message can't be edited")
        return message

    def _common_send_fields(self: FakeBotAPI, chat: dict, params: dict) -> dict[str, Any]:
        """Fields every sent message gets from common parameters."""
        fields: dict[str, Any] = {}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            # Telegram echoes only inline keyboards in Message.reply_markup.
            fields["reply_markup"] = copy.deepcopy(markup)
        if params.get("protect_content"):
            fields["has_protected_content"] = True
        reply_to = None
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target_chat = reply.get("chat_id", chat["id"])
            reply_to = self._find_message(target_chat, reply.get("message_id", 0))
            if reply_to is None and not reply.get("allow_sending_without_reply") and self.strict:
                raise _bad("message to be replied not found")
        elif params.get("reply_to_message_id") is not None:
            reply_to = self._find_message(chat["id"], params["reply_to_message_id"])
        if reply_to is not None:
            fields["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in reply_to.items() if k != "reply_to_message"
            }
        return fields

    def _formatted(
        self: FakeBotAPI, text: str, parse_mode: str | None, entities: list | None
    ) -> tuple[str, list[dict] | None]:
        """Plain text + entities as Telegram stores them (validation already parsed once)."""
        if entities:
            return text, copy.deepcopy(entities)
        plain, parsed = parse_formatted(text, parse_mode)
        return plain, parsed or None

    # --- files ----------------------------------------------------------------------------

    def _store_file(
        self: FakeBotAPI,
        kind: str,
        content: bytes,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> dict:
        """Keep bytes under a new file_id so getFile + the file URL can serve them."""
        n = next(self._ids)
        file_id = f"FAKE-{kind}-{n:06d}"
        ext = (filename or "").rpartition(".")[2] if filename and "." in filename else "bin"
        record = {
            "file_id": file_id,
            "file_unique_id": f"U{n:06d}",
            "file_size": len(content),
            "file_path": f"{kind}s/file_{n}.{ext}",
            "content": content,
            "file_name": filename,
            "mime_type": mime_type,
        }
        self._files[file_id] = record
        self._file_paths[record["file_path"]] = file_id
        return record

    def _input_file(self: FakeBotAPI, kind: str, value: Any) -> dict:
        """Resolve an InputFile-or-String parameter: upload, known file_id, or URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._current_files.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            return self._store_file(
                kind, value.content, filename=value.filename, mime_type=value.mime_type
            )
        text = str(value)
        if text in self._files:
            return self._files[text]
        if not text.startswith(("http://", "https://")) and self.strict:
            raise _bad("wrong file identifier/HTTP URL specified")
        name = text.rsplit("/", 1)[-1] if "://" in text else None
        return self._store_file(kind, b"fake file contents: " + text.encode(), filename=name)

    @staticmethod
    def _file_fields(record: dict, *extra: str) -> dict:
        out = {
            "file_id": record["file_id"],
            "file_unique_id": record["file_unique_id"],
            "file_size": record["file_size"],
        }
        for key in extra:
            if record.get(key):
                out[key] = record[key]
        return out

    def _photo_sizes(self: FakeBotAPI, record: dict) -> list[dict]:
        thumb = self._store_file("photo", record["content"][:64])
        return [
            {**self._file_fields(thumb), "width": 90, "height": 67},
            {**self._file_fields(record), "width": 800, "height": 600},
        ]

    # --- sending --------------------------------------------------------------------------

    def _send(self: FakeBotAPI, params: dict, **content: Any) -> dict:
        chat = self._chat(params["chat_id"])
        fields = self._common_send_fields(chat, params)
        fields.update(content)
        return self._store_message(chat, self.bot_user, **fields)

    def _caption_fields(self: FakeBotAPI, params: dict) -> dict[str, Any]:
        if params.get("caption") is None:
            return {}
        caption, entities = self._formatted(
            str(params["caption"]), params.get("parse_mode"), params.get("caption_entities")
        )
        return {"caption": caption, "caption_entities": entities}

    def _api_sendMessage(self: FakeBotAPI, params: dict) -> dict:
        text, entities = self._formatted(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        return self._send(params, text=text, entities=entities)

    def _api_sendPhoto(self: FakeBotAPI, params: dict) -> dict:
        record = self._input_file("photo", params["photo"])
        return self._send(params, photo=self._photo_sizes(record), **self._caption_fields(params))

    def _api_sendDocument(self: FakeBotAPI, params: dict) -> dict:
        record = self._input_file("document", params["document"])
        document = self._file_fields(record, "file_name", "mime_type")
        return self._send(params, document=document, **self._caption_fields(params))

    def _media(self: FakeBotAPI, params: dict, kind: str, **shape: Any) -> dict:
        record = self._input_file(kind, params[kind])
        media = {**self._file_fields(record, "mime_type"), **shape}
        return self._send(params, **{kind: media}, **self._caption_fields(params))

    def _api_sendAudio(self: FakeBotAPI, params: dict) -> dict:
        return self._media(params, "audio", duration=params.get("duration", 1))

    def _api_sendVoice(self: FakeBotAPI, params: dict) -> dict:
        return self._media(params, "voice", duration=params.get("duration", 1))

    def _api_sendVideo(self: FakeBotAPI, params: dict) -> dict:
        size = {"width": params.get("width", 640), "height": params.get("height", 360)}
        return self._media(params, "video", duration=params.get("duration", 1), **size)

    def _api_sendAnimation(self: FakeBotAPI, params: dict) -> dict:
        size = {"width": params.get("width", 320), "height": params.get("height", 240)}
        return self._media(params, "animation", duration=params.get("duration", 1), **size)

    def _api_sendSticker(self: FakeBotAPI, params: dict) -> dict:
        record = self._input_file("sticker", params["sticker"])
        sticker = {
            **self._file_fields(record),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": params.get("emoji") or "👍",
        }
        return self._send(params, sticker=sticker)

    def _api_sendLocation(self: FakeBotAPI, params: dict) -> dict:
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if params.get(key) is not None:
                location[key] = params[key]
        return self._send(params, location=location)

    def _api_sendVenue(self: FakeBotAPI, params: dict) -> dict:
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        venue = {"location": location, "title": params["title"], "address": params["address"]}
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key) is not None:
                venue[key] = params[key]
        return self._send(params, venue=venue, location=copy.deepcopy(location))

    def _api_sendContact(self: FakeBotAPI, params: dict) -> dict:
        contact = {
            k: params[k]
            for k in ("phone_number", "first_name", "last_name", "vcard")
            if params.get(k)
        }
        return self._send(params, contact=contact)

    def _api_sendDice(self: FakeBotAPI, params: dict) -> dict:
        emoji = params.get("emoji") or "🎲"
        top = {"🎯": 6, "🎲": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64}.get(emoji, 6)
        return self._send(params, dice={"emoji": emoji, "value": self._rng.randint(1, top)})

    def _api_sendPoll(self: FakeBotAPI, params: dict) -> dict:
        poll_type = params.get("type", "regular")
        options = []
        for idx, option in enumerate(params["options"]):
            text = option.get("text") if isinstance(option, dict) else str(option)
            options.append({"persistent_id": str(idx), "text": text, "voter_count": 0})
        question, q_entities = self._formatted(
            str(params["question"]),
            params.get("question_parse_mode"),
            params.get("question_entities"),
        )
        poll: dict[str, Any] = {
            "id": str(5_000_000_000 + next(self._ids)),
            "question": question,
            "question_entities": q_entities,
            "options": options,
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed", False)),
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": poll_type,
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": bool(params.get("allows_revoting", poll_type != "quiz")),
            "members_only": bool(params.get("members_only", False)),
        }
        if poll_type == "quiz":
            correct = params.get("correct_option_ids")
            if correct is None and params.get("correct_option_id") is not None:
                correct = [params["correct_option_id"]]
            poll["correct_option_ids"] = list(correct or [])
        if params.get("explanation") is not None:
            explanation, e_entities = self._formatted(
                str(params["explanation"]),
                params.get("explanation_parse_mode"),
                params.get("explanation_entities"),
            )
            poll["explanation"] = explanation
            poll["explanation_entities"] = e_entities
        for key in ("open_period", "close_date"):
            if params.get(key) is not None:
                poll[key] = params[key]
        poll = {k: v for k, v in poll.items() if v is not None}
        message = self._send(params, poll=poll)
        self._polls[poll["id"]] = {
            "poll": message["poll"],  # shared with the stored message: votes show in both
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "votes": {},
        }
        return message

    def _api_sendChatAction(self: FakeBotAPI, params: dict) -> bool:
        self._chat(params["chat_id"])
        return True

    # --- editing --------------------------------------------------------------------------

    def _edit(self: FakeBotAPI, params: dict, changes: dict[str, Any]) -> dict | bool:
        """Apply an edit; Telegram refuses edits that change nothing."""
        if params.get("inline_message_id") is not None:
            return True
        message = self._bot_message_or_error(params, "edit")
        markup = params.get("reply_markup")
        changes["reply_markup"] = copy.deepcopy(markup) if markup else None
        if all(message.get(k) == v for k, v in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = _now()
        self._last_touched[message["chat"]["id"]] = message["message_id"]
        return message

    def _api_editMessageText(self: FakeBotAPI, params: dict) -> dict | bool:
        if params.get("text") is None:
            raise ApiError(
                400,
                "Bad Request: the fake Bot API supports editMessageText only with text",
                violation=True,
            )
        if params.get("inline_message_id") is None:
            target = self._bot_message_or_error(params, "edit")
            if "text" not in target:
                raise _bad("there is no text in the message to edit")
        text, entities = self._formatted(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        return self._edit(params, {"text": text, "entities": entities})

    def _api_editMessageCaption(self: FakeBotAPI, params: dict) -> dict | bool:
        fields = self._caption_fields(params) or {"caption": None, "caption_entities": None}
        return self._edit(params, fields)

    def _api_editMessageReplyMarkup(self: FakeBotAPI, params: dict) -> dict | bool:
        return self._edit(params, {})

    def _api_deleteMessage(self: FakeBotAPI, params: dict) -> bool:
        chat_id = self._resolve_chat_id(params["chat_id"])
        message = self._messages.pop((chat_id, params["message_id"]), None)
        if message is None and self.strict:
            raise _bad("message to delete not found")
        ids = self._bot_message_ids.get(chat_id, [])
        if params["message_id"] in ids:
            ids.remove(params["message_id"])
        if self._last_touched.get(chat_id) == params["message_id"]:
            self._last_touched[chat_id] = ids[-1] if ids else None
        return True

    def _api_deleteMessages(self: FakeBotAPI, params: dict) -> bool:
        for message_id in params["message_ids"]:
            # deleteMessages skips messages that can't be found
            with contextlib.suppress(ApiError):
                self._api_deleteMessage({"chat_id": params["chat_id"], "message_id": message_id})
        return True

    def _api_stopPoll(self: FakeBotAPI, params: dict) -> dict:
        chat_id = self._resolve_chat_id(params["chat_id"])
        message = self._find_message(chat_id, params["message_id"])
        if message is None or "poll" not in message:
            raise _bad("message with poll to stop not found")
        poll = message["poll"]
        if poll["is_closed"]:
            raise _bad("poll has already been closed")
        poll["is_closed"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = copy.deepcopy(params["reply_markup"])
        else:
            message.pop("reply_markup", None)
        return poll

    # --- queries ---------------------------------------------------------------------------

    def _answer_query(self: FakeBotAPI, registry: dict, query_id: str, params: dict) -> bool:
        entry = registry.get(query_id)
        if entry is None and self.strict:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if entry is not None:
            if entry.get("answer") is not None and self.strict:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            entry["answer"] = copy.deepcopy(params)
        return True

    def _api_answerCallbackQuery(self: FakeBotAPI, params: dict) -> bool:
        return self._answer_query(self._callback_queries, params["callback_query_id"], params)

    def _api_answerInlineQuery(self: FakeBotAPI, params: dict) -> bool:
        return self._answer_query(self._inline_queries, params["inline_query_id"], params)

    # --- bot settings ----------------------------------------------------------------------

    def _scope_key(self: FakeBotAPI, params: dict) -> tuple[str, str]:
        scope = dict(params.get("scope") or {"type": "default"})
        if "chat_id" in scope:
            scope["chat_id"] = self._resolve_chat_id(scope["chat_id"])
        key = ",".join(f"{k}={scope[k]}" for k in sorted(scope))
        return key, params.get("language_code") or ""

    def _api_setMyCommands(self: FakeBotAPI, params: dict) -> bool:
        self._commands[self._scope_key(params)] = copy.deepcopy(params["commands"])
        return True

    def _api_getMyCommands(self: FakeBotAPI, params: dict) -> list:
        return copy.deepcopy(self._commands.get(self._scope_key(params), []))

    def _api_deleteMyCommands(self: FakeBotAPI, params: dict) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _bot_text(self: FakeBotAPI, kind: str, params: dict, *, setting: bool) -> Any:
        key = (kind, params.get("language_code") or "")
        if setting:
            self._bot_texts[key] = params.get(kind) or ""
            return True
        return {kind: self._bot_texts.get(key, "")}

    def _api_setMyName(self: FakeBotAPI, params: dict) -> bool:
        return self._bot_text("name", params, setting=True)

    def _api_getMyName(self: FakeBotAPI, params: dict) -> dict:
        key = ("name", params.get("language_code") or "")
        return {"name": self._bot_texts.get(key, self.bot_user["first_name"])}

    def _api_setMyDescription(self: FakeBotAPI, params: dict) -> bool:
        return self._bot_text("description", params, setting=True)

    def _api_getMyDescription(self: FakeBotAPI, params: dict) -> dict:
        return self._bot_text("description", params, setting=False)

    def _api_setMyShortDescription(self: FakeBotAPI, params: dict) -> bool:
        return self._bot_text("short_description", params, setting=True)

    def _api_getMyShortDescription(self: FakeBotAPI, params: dict) -> dict:
        return self._bot_text("short_description", params, setting=False)

    def _api_setChatMenuButton(self: FakeBotAPI, params: dict) -> bool:
        chat_id = params.get("chat_id")
        self._menu_buttons[chat_id] = copy.deepcopy(
            params.get("menu_button") or {"type": "default"}
        )
        return True

    def _api_getChatMenuButton(self: FakeBotAPI, params: dict) -> dict:
        chat_id = params.get("chat_id")
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "commands"})

    # --- misc -----------------------------------------------------------------------------

    def _api_getMe(self: FakeBotAPI, params: dict) -> dict:
        return copy.deepcopy(self.bot_user)

    def _api_getChat(self: FakeBotAPI, params: dict) -> dict:
        chat = copy.deepcopy(self._chat(params["chat_id"]))
        chat.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return chat

    def _api_getChatMember(self: FakeBotAPI, params: dict) -> dict:
        self._chat(params["chat_id"])
        user_id = params["user_id"]
        if user_id == self.bot_user["id"]:
            user = self.bot_user
        else:
            user = self._users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": "Test",
            }
        return {"status": "member", "user": copy.deepcopy(user)}

    def _api_getFile(self: FakeBotAPI, params: dict) -> dict:
        record = self._files.get(params["file_id"])
        if record is None:
            if self.strict:
                raise _bad("invalid file_id")
            record = self._store_file("document", b"fake file contents")
        return {**self._file_fields(record), "file_path": record["file_path"]}

    def _api_setWebhook(self: FakeBotAPI, params: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {
            "url": params["url"],
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections", 40),
            "secret_token": params.get("secret_token"),
        }
        return True

    def _api_deleteWebhook(self: FakeBotAPI, params: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {"url": ""}
        return True

    def _api_getWebhookInfo(self: FakeBotAPI, params: dict) -> dict:
        info = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if info["url"]:
            info["max_connections"] = self._webhook.get("max_connections", 40)
            if self._webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _api_close(self: FakeBotAPI, params: dict) -> bool:
        return True

    def _api_logOut(self: FakeBotAPI, params: dict) -> bool:
        return True
