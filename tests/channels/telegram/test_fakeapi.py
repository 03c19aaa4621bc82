"""Tests of the fake Telegram Bot API, driven through the real python-telegram-bot stack.

They prove two things the rest of the suite relies on: the fake refuses what Telegram would
refuse (so bot tests catch those bugs offline), and PTB works against it both in-process
(FakeRequest) and over HTTP (HTTPXRequest -> local server), including Updater polling.
Fixtures ``fake_api``/``fake_bot``/``fake_http`` come from tools.fakeapi.pytest_plugin,
registered in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
)

from tools.fakeapi import FakeBotAPI, build_app, load_spec, make_bot
from tools.fakeapi.formatting import NotModelled, UnsupportedParseMode, parse_formatted
from tools.fakeapi.http import FakeHTTPServer, serve_http
from tools.fakeapi.spec import ENV_VAR, spec_path

USER = 4242


def seconds(value: int | dtm.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# --- spec -------------------------------------------------------------------------------------


def test_spec_is_the_copy_in_the_repository_and_parsed() -> None:
    spec = load_spec()
    assert spec_path().parts[-3:] == ("fakeapi", "data", "bot-api.json")
    assert (spec_path().parent / "LICENSE").is_file()
    assert spec.method("sendmessage") is spec.methods["sendMessage"]  # case-insensitive
    text = spec.methods["sendMessage"].fields["text"]
    assert (text.limit.low, text.limit.high, text.limit.unit) == (1, 4096, "characters")
    assert text.limit.after_entities
    data = spec.types["InlineKeyboardButton"].fields["callback_data"].limit
    assert (data.low, data.high, data.unit) == (1, 64, "bytes")
    assert "callback_data" in spec.types["InlineKeyboardButton"].exactly_one_of


def test_spec_path_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    target = tmp_path / "api.json"
    monkeypatch.setenv(ENV_VAR, str(target))
    assert spec_path() == target
    with pytest.raises(FileNotFoundError, match=ENV_VAR):
        load_spec()


# --- sending through the real Bot (in-process) -------------------------------------------------


async def test_send_message_ok(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    first = await fake_bot.send_message(USER, "<b>Hello</b> &amp; welcome", parse_mode="HTML")
    second = await fake_bot.send_message(USER, "again")
    assert isinstance(first, Message)
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "Hello & welcome"
    assert first.entities[0].type == "bold"
    assert first.from_user.username == "lao_migration_test_bot"
    assert fake_api.last_text(USER) == "again"
    assert [m["text"] for m in fake_api.messages_to(USER)] == ["Hello & welcome", "again"]
    assert [c.method for c in fake_api.sent(USER)] == ["sendMessage", "sendMessage"]
    assert fake_api.sent(USER)[0].params["parse_mode"] == "HTML"


async def test_get_me_describes_the_test_bot(fake_bot: ExtBot) -> None:
    me = await fake_bot.get_me()
    assert me.is_bot and me.username == "lao_migration_test_bot"
    assert me.supports_inline_queries and me.can_join_groups


async def test_text_over_4096_characters_is_refused_and_recorded(
    fake_api: FakeBotAPI, fake_bot: ExtBot
) -> None:
    with (
        fake_api.expect_violations("message is too long") as caught,
        pytest.raises(BadRequest, match=r"(?i)message is too long"),
    ):
        await fake_bot.send_message(USER, "x" * 4097)
    assert caught[0].method == "sendMessage"
    assert fake_api.sent(USER) == []


async def test_length_is_measured_after_entity_parsing(fake_bot: ExtBot) -> None:
    message = await fake_bot.send_message(USER, "<b>" + "ສ" * 4096 + "</b>", parse_mode="HTML")
    assert len(message.text) == 4096


@pytest.mark.parametrize(
    ("text", "mode", "match"),
    [
        ("<b>unclosed", ParseMode.HTML, "can't parse entities"),
        ("<div>no</div>", ParseMode.HTML, 'Unsupported start tag "div"'),
        ("line<br>break", ParseMode.HTML, 'Unsupported start tag "br"'),
        ("*Price*: 5.00!", ParseMode.MARKDOWN_V2, "not modelled by the fake"),
        ("*Price*", ParseMode.MARKDOWN, "not modelled by the fake"),
        ("   ", None, "message text is empty"),
    ],
)
async def test_malformed_text_is_refused(
    fake_api: FakeBotAPI, fake_bot: ExtBot, text: str, mode: str | None, match: str
) -> None:
    with fake_api.expect_violations(match), pytest.raises(BadRequest, match=f"(?i){match}"):
        await fake_bot.send_message(USER, text, parse_mode=mode)


def test_html_parser_follows_telegram_rules() -> None:
    plain, entities = parse_formatted(
        '<a href="https://example.org">link</a> <tg-spoiler>s</tg-spoiler> 😀<i>x</i>', "HTML"
    )
    assert plain == "link s 😀x"
    assert entities[0] == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://example.org",
    }
    assert entities[-1] == {"type": "italic", "offset": 9, "length": 1}  # emoji = 2 UTF-16 units


async def test_callback_data_over_64_bytes_is_refused(
    fake_api: FakeBotAPI, fake_bot: ExtBot
) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="a" * 64)]])
    await fake_bot.send_message(USER, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="a" * 65)]])
    with fake_api.expect_violations("BUTTON_DATA_INVALID"), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "too long", reply_markup=too_long)
    # 22 Lao letters are 22 characters but 66 UTF-8 bytes.
    lao = InlineKeyboardMarkup([[InlineKeyboardButton("ລາວ", callback_data="ລ" * 22)]])
    with fake_api.expect_violations("BUTTON_DATA_INVALID"), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "bytes, not characters", reply_markup=lao)


async def test_inline_button_needs_exactly_one_action(
    fake_api: FakeBotAPI, fake_bot: ExtBot
) -> None:
    bare = InlineKeyboardMarkup([[InlineKeyboardButton("nothing")]])
    with fake_api.expect_violations("text buttons are unallowed"), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "x", reply_markup=bare)
    both = InlineKeyboardMarkup(
        [[InlineKeyboardButton("two", url="https://example.org", callback_data="x")]]
    )
    with fake_api.expect_violations("only one of"), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "x", reply_markup=both)


async def test_reply_keyboards(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    keyboard = ReplyKeyboardMarkup([["ໄທ", "한국"], ["日本"]], resize_keyboard=True)
    message = await fake_bot.send_message(USER, "Where to?", reply_markup=keyboard)
    assert message.reply_markup is None  # Telegram echoes only inline keyboards
    assert fake_api.sent(USER)[0].params["reply_markup"]["keyboard"][0][0]["text"] == "ໄທ"
    with fake_api.expect_violations("at least one button"), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "empty", reply_markup=ReplyKeyboardMarkup([[]]))


async def test_unknown_parameter_is_refused(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    with fake_api.expect_violations('unknown parameter "colour"'), pytest.raises(BadRequest):
        await fake_bot.send_message(USER, "hi", api_kwargs={"colour": "red"})


async def test_missing_parameter_and_unknown_method(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    with fake_api.expect_violations("chat_id is empty"), pytest.raises(BadRequest):
        await fake_bot.do_api_request("sendMessage", api_kwargs={"text": "hi"})
    with fake_api.expect_violations("not a Bot API method"), pytest.raises(EndPointNotFound):
        await fake_bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})


async def test_poll_limits(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    cases = [
        ({"question": "q" * 301, "options": ["a", "b"]}, "question"),
        ({"question": "q", "options": [str(i) for i in range(13)]}, "options must have"),
        ({"question": "q", "options": ["a", "b" * 101]}, "POLL_OPTION_INVALID"),
        ({"question": "q", "options": ["a", "a"]}, "POLL_OPTION_DUPLICATE"),
        ({"question": "q", "options": ["a", "b"], "type": "quiz"}, "correct_option_ids"),
        (
            {"question": "q", "options": ["a", "b"], "type": "quiz", "correct_option_ids": [2]},
            "out of range",
        ),
        (
            {
                "question": "q",
                "options": ["a", "b"],
                "type": "quiz",
                "correct_option_ids": [0],
                "explanation": "e" * 201,
            },
            "explanation",
        ),
    ]
    for kwargs, match in cases:
        with fake_api.expect_violations(match), pytest.raises(BadRequest):
            await fake_bot.send_poll(USER, **kwargs)


async def test_quiz_poll_roundtrip(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    message = await fake_bot.send_poll(
        USER,
        "Which visa lets you work in Korea?",
        ["E-9", "C-3"],
        type="quiz",
        correct_option_ids=[0],
        explanation="<b>E-9</b> is the EPS work visa",
        explanation_parse_mode="HTML",
        is_anonymous=False,
    )
    poll = message.poll
    assert poll.type == "quiz" and poll.explanation == "E-9 is the EPS work visa"
    update = fake_api.push_poll_answer(USER, poll.id, [0])
    parsed = Update.de_json(update, fake_bot)
    assert parsed.poll_answer.option_ids == (0,)
    assert fake_api.poll(poll.id)["options"][0]["voter_count"] == 1
    stopped = await fake_bot.stop_poll(USER, message.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1
    anonymous = await fake_bot.send_poll(USER, "Anonymous?", ["yes", "no"])
    with pytest.raises(ValueError, match="anonymous"):
        fake_api.push_poll_answer(USER, anonymous.poll.id, [0])


async def test_commands_are_stored_per_scope_and_language(
    fake_api: FakeBotAPI, fake_bot: ExtBot
) -> None:
    await fake_bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await fake_bot.set_my_commands(
        [BotCommand("start", "ເລີ່ມ")], scope=BotCommandScopeAllPrivateChats(), language_code="lo"
    )
    assert [c.command for c in await fake_bot.get_my_commands()] == ["start", "help"]
    lao = await fake_bot.get_my_commands(BotCommandScopeAllPrivateChats(), language_code="lo")
    assert [c.description for c in lao] == ["ເລີ່ມ"]
    assert await fake_bot.get_my_commands(BotCommandScopeChat(USER)) == ()
    await fake_bot.delete_my_commands()
    assert fake_api.commands() == []
    with fake_api.expect_violations("BOT_COMMAND_INVALID"), pytest.raises(BadRequest):
        await fake_bot.set_my_commands([BotCommand("Start", "uppercase is not allowed")])
    with fake_api.expect_violations("at most 100 commands"), pytest.raises(BadRequest):
        await fake_bot.set_my_commands([BotCommand(f"c{i}", "d") for i in range(101)])


async def test_inline_query_answers(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    query = fake_api.push_inline_query(USER, "visa")["inline_query"]

    def article(result_id: str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(result_id, "t", InputTextMessageContent("body"))

    await fake_bot.answer_inline_query(query["id"], [article("1"), article("2")])
    assert len(fake_api.inline_answer(query["id"])["results"]) == 2
    with fake_api.expect_violations("RESULTS_TOO_MUCH"), pytest.raises(BadRequest):
        await fake_bot.answer_inline_query(query["id"], [article(str(i)) for i in range(51)])
    with fake_api.expect_violations("RESULT_ID_DUPLICATE"), pytest.raises(BadRequest):
        await fake_bot.answer_inline_query(query["id"], [article("1"), article("1")])
    with fake_api.expect_violations("RESULT_ID_INVALID"), pytest.raises(BadRequest):
        await fake_bot.answer_inline_query(query["id"], [article("x" * 65)])


async def test_answer_callback_text_limit(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    query_id = fake_api.push_callback(USER, "menu")["callback_query"]["id"]
    with fake_api.expect_violations("text must be 0-200"), pytest.raises(BadRequest):
        await fake_bot.answer_callback_query(query_id, "x" * 201)
    assert await fake_bot.answer_callback_query(query_id, "Saved", show_alert=True)
    assert fake_api.callback_answer(query_id)["text"] == "Saved"


async def test_media_venue_location_and_files(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    photo = await fake_bot.send_photo(
        USER, b"\x89PNG fake", caption="<i>map</i>", parse_mode="HTML"
    )
    assert photo.caption == "map" and len(photo.photo) == 2
    document = await fake_bot.send_document(USER, b"hello", filename="guide.txt")
    assert document.document.file_name == "guide.txt"
    file = await fake_bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"hello"
    venue = await fake_bot.send_venue(USER, 17.97, 102.6, "Labour office", "Vientiane")
    assert venue.venue.title == "Labour office" and venue.location.latitude == 17.97
    location = await fake_bot.send_location(USER, 13.75, 100.5)
    assert location.location.longitude == 100.5
    with fake_api.expect_violations("message caption is too long"), pytest.raises(BadRequest):
        await fake_bot.send_photo(USER, b"img", caption="c" * 1025)


async def test_edit_and_delete(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="next")]])
    sent = await fake_bot.send_message(USER, "Page 1", reply_markup=keyboard)
    edited = await fake_bot.edit_message_text(
        "Page 2", USER, sent.message_id, reply_markup=keyboard
    )
    assert edited.text == "Page 2" and edited.edit_date is not None
    assert fake_api.last_text(USER) == "Page 2"
    # Editing to the same content is a normal runtime error, not a violation.
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await fake_bot.edit_message_text("Page 2", USER, sent.message_id, reply_markup=keyboard)
    await fake_bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
    assert fake_api.buttons(USER) == []
    assert await fake_bot.delete_message(USER, sent.message_id)
    assert fake_api.messages_to(USER) == []


# --- fault injection ---------------------------------------------------------------------------


async def test_429_becomes_retry_after(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    fake_api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await fake_bot.send_message(USER, "hi")
    assert seconds(info.value.retry_after) == 7
    await fake_bot.send_message(USER, "second try works")
    assert fake_api.last_text(USER) == "second try works"
    assert fake_api.errors[-1].status == 429


async def test_blocked_chat_is_forbidden(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    fake_api.block_chat(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await fake_bot.send_message(USER, "hi")
    await fake_bot.send_message(USER + 1, "other chats still work")
    fake_api.unblock_chat(USER)
    fake_api.fail_next("*", status=403, chat_id=USER)
    with pytest.raises(Forbidden):
        await fake_bot.send_chat_action(USER, "typing")


async def test_slow_method_times_out(fake_api: FakeBotAPI) -> None:
    fake_api.delay("sendMessage", 0.5)
    bot = make_bot(fake_api)
    async with bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "hi", read_timeout=0.1)
        fake_api.delay("sendMessage", 0)
        await bot.send_message(USER, "fast again", read_timeout=0.1)


async def test_rate_limiter_avoids_flood_control(fake_api: FakeBotAPI) -> None:
    # slack: a loaded 2-core CI box delays and bunches requests; 45 unlimited sends
    # still exceed 30 + 5 tokens, so a missing limiter fails here
    fake_api.enforce_rate_limit(per_second=30, slack=5)
    app = build_app(fake_api, lambda b: b.rate_limiter(AIORateLimiter(max_retries=0)))
    async with app:
        await asyncio.gather(*(app.bot.send_message(USER + i, f"n{i}") for i in range(45)))
    assert fake_api.rate_limit_hits == []
    assert len(fake_api.sent(method="sendMessage")) == 45


async def test_flood_without_rate_limiter_gets_429(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    fake_api.enforce_rate_limit(per_second=30)
    with fake_api.expect_violations("flood control"):
        results = await asyncio.gather(
            *(fake_bot.send_message(USER + i, "spam") for i in range(45)), return_exceptions=True
        )
    assert any(isinstance(r, RetryAfter) for r in results)


# --- updates -----------------------------------------------------------------------------------


async def test_get_updates_respects_offset(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    first = fake_api.push_message(USER, "one")
    second = fake_api.push_command(USER, "start", "ref")
    updates = await fake_bot.get_updates()
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert updates[1].message.text == "/start ref"
    assert updates[1].message.entities[0].type == "bot_command"
    again = await fake_bot.get_updates(offset=second["update_id"])
    assert [u.update_id for u in again] == [second["update_id"]]
    assert await fake_bot.get_updates(offset=second["update_id"] + 1) == ()
    assert fake_api.pending_updates == []


async def test_long_poll_wakes_up_on_push(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(fake_bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    fake_api.push_message(USER, "wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message.text == "wake up"
    assert time.monotonic() - started < 2


async def test_long_poll_times_out_empty(fake_bot: ExtBot) -> None:
    started = time.monotonic()
    assert await fake_bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_pushed_updates_parse_in_ptb(fake_api: FakeBotAPI, fake_bot: ExtBot) -> None:
    await fake_bot.send_message(
        USER,
        "menu",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("TH", callback_data="c:th")]]),
    )
    updates = [
        fake_api.push_message(USER, "hi @someone https://example.org", language_code="lo"),
        fake_api.push_group_message(USER, "/help@lao_migration_test_bot"),
        fake_api.push_location(USER, 17.97, 102.6),
        fake_api.push_sticker(USER),
        fake_api.push_photo(USER, caption="passport"),
        fake_api.push_document(USER),
        fake_api.push_edited_message(USER, "hi, edited"),
        fake_api.click(USER, "TH"),
        fake_api.push_inline_query(USER, "korea"),
        fake_api.push_my_chat_member(USER, "kicked"),
    ]
    parsed = [Update.de_json(u, fake_bot) for u in updates]
    assert parsed[0].effective_user.language_code == "lo"
    assert [e.type for e in parsed[0].message.entities] == ["mention", "url"]
    assert parsed[1].effective_chat.type == "supergroup"
    assert parsed[2].message.location.latitude == 17.97
    assert parsed[3].message.sticker.emoji == "👍"
    assert parsed[4].message.caption == "passport"
    assert parsed[5].message.document.file_name == "document.pdf"
    assert parsed[6].edited_message.text == "hi, edited"
    assert parsed[7].callback_query.data == "c:th"
    assert parsed[7].callback_query.message.text == "menu"
    assert parsed[8].inline_query.query == "korea"
    assert parsed[9].my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(ValueError, match="not on message"):
        fake_api.push_callback(USER, "c:unknown")


# --- a real Application ------------------------------------------------------------------------


async def echo_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = " ".join(context.args or [])
    await update.message.reply_text(f"Hello {update.effective_user.first_name}! {args}".strip())


async def test_application_processes_pushed_command(fake_api: FakeBotAPI) -> None:
    app = build_app(fake_api)
    app.add_handler(CommandHandler("start", echo_start))
    async with app:
        update = fake_api.push_command(USER, "start", "from-test", first_name="Noy")
        await app.process_update(Update.de_json(update, app.bot))
    assert fake_api.last_text(USER) == "Hello Noy! from-test"
    assert [c.method for c in fake_api.sent(USER)] == ["sendMessage"]


async def test_application_handles_button_press(fake_api: FakeBotAPI) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Korea", callback_data="kr")]])
        await update.message.reply_text("Choose", reply_markup=keyboard)

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"You chose {update.callback_query.data}")

    app = build_app(fake_api)
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(chosen))
    async with app:
        await app.process_update(Update.de_json(fake_api.push_command(USER, "menu"), app.bot))
        press = fake_api.click(USER, "Korea")
        await app.process_update(Update.de_json(press, app.bot))
    assert fake_api.last_text(USER) == "You chose kr"
    assert fake_api.callback_answer(press["callback_query"]["id"]) is not None


async def test_application_polls_over_http(fake_api: FakeBotAPI, fake_http: FakeHTTPServer) -> None:
    app = fake_http.app_builder().build()
    app.add_handler(CommandHandler("start", echo_start))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5, poll_interval=0)
        fake_api.push_command(USER, "start", first_name="Kham")
        reply = await fake_api.wait_until(lambda: fake_api.last_text(USER), timeout=10)
        await app.updater.stop()
        await app.stop()
    assert reply == "Hello Kham!"
    assert fake_api.pending_updates == []  # Updater confirmed the offset on stop
    assert any(c.method == "deleteWebhook" for c in fake_api.calls)


# --- HTTP transport ----------------------------------------------------------------------------


async def test_http_bot_sends_and_gets_refusals(
    fake_api: FakeBotAPI, fake_http: FakeHTTPServer
) -> None:
    async with fake_http.bot() as bot:
        message = await bot.send_message(USER, "over http", parse_mode="HTML")
        assert message.text == "over http"
        with fake_api.expect_violations("message is too long"), pytest.raises(BadRequest):
            await bot.send_message(USER, "x" * 4097)
        doc = await bot.send_document(USER, "ເອກະສານ".encode(), filename="doc.txt")
        file = await bot.get_file(doc.document.file_id)
        assert bytes(await file.download_as_bytearray()) == "ເອກະສານ".encode()
        fake_api.fail_next("sendMessage", retry_after=3)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(USER, "hi")
        assert seconds(info.value.retry_after) == 3


async def test_http_wrong_token_and_raw_requests(fake_http: FakeHTTPServer) -> None:
    bot = Bot("999:WRONG", base_url=fake_http.base_url)
    with pytest.raises(InvalidToken):
        async with bot:
            pass
    async with httpx.AsyncClient(base_url=fake_http.url) as client:
        as_json = await client.post("/bot123:TEST/sendMessage", json={"chat_id": USER, "text": "j"})
        assert as_json.json()["result"]["text"] == "j"
        as_query = await client.get("/bot123:TEST/getMe")
        assert as_query.json()["result"]["username"] == "lao_migration_test_bot"
        wrong = await client.post("/bot1:BAD/getMe")
        assert wrong.status_code == 401 and wrong.json()["description"] == "Unauthorized"


def test_server_context_manager_releases_long_polls() -> None:
    fake = FakeBotAPI()
    with serve_http(fake) as server:
        started = time.monotonic()
        answer = httpx.post(f"{server.url}/bot{fake.token}/getUpdates", data={"timeout": "0"})
        assert answer.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 5
    fake.assert_no_violations()


def test_assert_no_violations_lists_them() -> None:
    fake = FakeBotAPI()
    fake.handle("sendMessage", {"chat_id": 1, "text": ""})
    with pytest.raises(AssertionError, match="message text is empty"):
        fake.assert_no_violations()
    assert len(fake.take_violations()) == 1
    fake.assert_no_violations()


# --- server behaviour details ------------------------------------------------------------------


def test_markdown_is_not_modelled_and_unknown_modes_are_refused() -> None:
    with pytest.raises(NotModelled):
        parse_formatted("*bold*", "MarkdownV2")
    with pytest.raises(UnsupportedParseMode):
        parse_formatted("x", "RTF")
    assert parse_formatted("<b>Fee</b>", "html") == (
        "Fee",
        [{"type": "bold", "offset": 0, "length": 3}],
    )


def test_deprecated_parameters_are_accepted_with_a_warning() -> None:
    fake = FakeBotAPI()
    status, body = fake.handle(
        "sendPoll",
        {
            "chat_id": "1",
            "question": "q",
            "options": '[{"text": "a"}, {"text": "b"}]',
            "type": "quiz",
            "correct_option_id": "1",
        },
    )
    assert status == 200 and body["result"]["poll"]["correct_option_ids"] == [1]
    assert any("correct_option_id" in w for w in fake.warnings)
    fake.assert_no_violations()


def test_strict_mode_knows_chats_and_queries() -> None:
    fake = FakeBotAPI(strict=True)
    status, body = fake.handle("sendMessage", {"chat_id": 77, "text": "hi"})
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    fake.push_message(77, "hello")
    assert fake.handle("sendMessage", {"chat_id": 77, "text": "hi"})[0] == 200
    status, body = fake.handle("answerCallbackQuery", {"callback_query_id": "nope"})
    assert status == 400 and "query is too old" in body["description"]
    fake.assert_no_violations()  # state errors are not violations


def test_webhook_and_get_updates_conflict() -> None:
    fake = FakeBotAPI()
    fake.push_message(1, "queued")
    assert fake.handle("setWebhook", {"url": "https://example.org/hook"})[0] == 200
    info = fake.handle("getWebhookInfo", {})[1]["result"]
    assert info["url"] == "https://example.org/hook" and info["pending_update_count"] == 1
    status, body = fake.handle("getUpdates", {})
    assert status == 409 and "webhook is active" in body["description"]
    fake.handle("deleteWebhook", {"drop_pending_updates": "true"})
    assert fake.handle("getUpdates", {})[1]["result"] == []
