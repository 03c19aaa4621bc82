"""build_application(): every Telegram handler registered here, in order.

The only place that wires python-telegram-bot to the core. Order matters:
python-telegram-bot runs the first matching handler of a group.
"""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.app.runtime import Runtime
from bot.channels.telegram.handlers import admin as admin_handlers
from bot.channels.telegram.handlers import conversation, errors, guard, inline
from bot.channels.telegram.handlers import handoff as handoff_handlers
from bot.channels.telegram.handlers import quiz as quiz_handlers
from bot.channels.telegram.handlers.common import AddressedToBot, command_handler
from bot.channels.telegram.updates import ArrivalFlood, PerChatUpdateProcessor
from bot.config import Settings
from bot.i18n import N_, translator

RETENTION_EVERY_S = 24 * 3600  # the retention purge runs daily
CONCURRENT_UPDATES = 32  # across chats; one chat's updates stay in order

# Feature modules that add handlers: register(app) functions, in order.
FEATURES: list = [
    # first: the counsellors' group, and a user in a case (their messages are relayed,
    # not answered from the FAQ); /talk /stop /close, /forget closing a case
    handoff_handlers.register,
    quiz_handlers.register,  # /quiz, /join, /event, polls
    admin_handlers.register,  # /reload /edit /newentry /missed /stats /changes /undo
]

USER_COMMANDS = [
    ("start", N_("Start")),
    ("menu", N_("Topics")),
    ("help", N_("How to use this bot")),
    ("language", N_("ພາສາລາວ / English")),
    ("hotline", N_("Help lines")),
    ("quiz", N_("Test yourself")),
    ("privacy", N_("What the bot stores")),
    ("forget", N_("Delete what the bot holds about me")),
]
TALK_COMMAND = ("talk", N_("Talk to a person"))
SIMPLE_COMMANDS = ["menu", "help", "language", "hotline", "privacy", "forget"]


def build_application(
    settings: Settings,
    services: Runtime,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Application:
    # the flood limit is checked as updates arrive, before they wait for a slot (updates.py)
    flood = ArrivalFlood(staff_chat=settings.counsellor_chat)
    builder = (
        ApplicationBuilder()
        .token(settings.token or "0:offline")
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .post_init(_post_init)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES, flood))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    app = builder.build()
    app.bot_data["services"] = services
    app.bot_data["flood"] = flood
    app.bot_data["retention_days"] = settings.retention_days
    if settings.counsellor_chat is not None:
        services.enable_handoff(
            settings.counsellor_chat, settings.counsellor_hours, settings.counsellor_keep_days
        )
    register_handlers(app)
    if app.job_queue is not None:
        app.job_queue.run_repeating(guard.purge_old_records, interval=RETENTION_EVERY_S, first=60)
    return app


def register_handlers(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    # in groups, only messages that mention this bot or reply to one of its messages
    addressed = AddressedToBot(app)

    # -1. before everything: log line, flood limit, blocked chats coming back
    app.add_handler(TypeHandler(Update, guard.guard), group=-1)
    app.add_handler(ChatMemberHandler(guard.chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    # 0. feature handlers that must see their updates first (quiz polls and buttons,
    #    admin commands); each feature registers itself here
    for register in FEATURES:
        register(app)
    # 1. commands (in any chat; /cmd@otherbot is filtered out by CommandHandler; an edited
    #    message never runs a command: command_handler)
    app.add_handler(command_handler("start", conversation.start))
    app.add_handler(command_handler(SIMPLE_COMMANDS, conversation.command))
    # 2. buttons and inline mode
    app.add_handler(CallbackQueryHandler(conversation.button))
    app.add_handler(InlineQueryHandler(inline.inline_query))
    # 3. free text: all of it in private chats, addressed text in groups;
    #    edited messages are ignored (UpdateType.MESSAGE only)
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(text & (private | addressed), conversation.text))
    # 4. a shared location (private chats) -> nearest places / help abroad
    app.add_handler(
        MessageHandler(
            filters.LOCATION & private & filters.UpdateType.MESSAGE, conversation.location
        )
    )
    # 5. unknown commands in private chats, and /cmd@otherbot -> help
    app.add_handler(
        MessageHandler(filters.COMMAND & private & filters.UpdateType.MESSAGE, conversation.command)
    )
    # 6. anything else sent privately (stickers, photos, voice) -> "I read text"
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            conversation.not_text,
        )
    )
    app.add_error_handler(errors.on_error)


async def _post_init(app: Application) -> None:
    """Localised command menus (Telegram shows the one matching the app language)."""
    for lang in ("lo", "en"):
        _ = translator(lang)
        commands = [BotCommand(c, _(d)) for c, d in _user_commands(app)]
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=lang)
    en = translator("en")
    await app.bot.set_my_commands([BotCommand(c, en(d)) for c, d in _user_commands(app)])
    # admins see their commands too, in their own chats only
    await admin_handlers.set_admin_commands(app, USER_COMMANDS)


def _user_commands(app: Application) -> list[tuple[str, str]]:
    """The command menu; /talk only where counsellors are set up."""
    if app.bot_data["services"].handoff.enabled:
        return [*USER_COMMANDS[:5], TALK_COMMAND, *USER_COMMANDS[5:]]
    return USER_COMMANDS


ALLOWED_UPDATES = Update.ALL_TYPES
