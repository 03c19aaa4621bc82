"""Conversations through the real Application and the fake Bot API, read like dialogues."""

from __future__ import annotations

import sqlite3

from tests.channels.telegram.conftest import make_harness

EN, LO = 101, 102


async def test_start_in_english_offers_language_and_menu(bot):
    text = await bot.say(EN, "/start", language_code="en")
    assert "Hello!" in text and "Thailand, South Korea and Japan" in text
    msgs = bot.fake.messages_to(EN)
    first_buttons = [
        b["callback_data"] for row in msgs[0]["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert first_buttons == ["l:lo", "l:en"]
    assert {"c:thailand", "c:korea", "c:japan", "c:fraud", "ctr", "h", "q", "lang"} <= set(
        bot.button_data(EN)
    )


async def test_start_defaults_to_lao_when_language_unknown(bot):
    text = await bot.say(LO, "/start", language_code=None)
    assert "ສະບາຍດີ" in text
    assert "🇹🇭 ໄທ" in bot.button_labels(LO)


async def test_menu_category_answer_related_and_feedback(bot):
    await bot.say(EN, "/menu")
    text = await bot.press(EN, "c:korea")
    assert "South Korea" in text
    assert "f:kr-eps" in bot.button_data(EN)
    text = await bot.press(EN, "f:kr-eps")
    assert "Checked: 2026-" in text and "Sources:" in text
    data = bot.button_data(EN)
    assert "fb:kr-eps:1" in data and "fb:kr-eps:0" in data and "m" in data
    update = bot.fake.push_callback(EN, "fb:kr-eps:1")
    await bot.process(update)
    answer = bot.fake.callback_answer(update["callback_query"]["id"])
    assert answer and "Thank you" in answer["text"]
    rows = bot.services.store.conn.execute("SELECT entry_id, helpful FROM feedback").fetchall()
    assert [tuple(r) for r in rows] == [("kr-eps", 1)]


async def test_each_menu_category_lists_its_topics(bot, loaded):
    await bot.say(EN, "/menu")
    for category in ("thailand", "korea", "japan", "fraud", "preparing"):
        await bot.press(EN, f"c:{category}", check_buttons=False)
        ids = {e.id for e in loaded.content.in_category(category)}
        assert {f"f:{i}" for i in ids} <= set(bot.button_data(EN))


async def test_hotlines_and_centres_buttons(bot):
    await bot.say(EN, "/menu")
    assert "1362" in await bot.press(EN, "h")
    await bot.say(EN, "/menu")
    assert await bot.press(EN, "ctr")


async def test_free_text_answer(bot):
    text = await bot.say(EN, "how much does it cost to go to work in Korea?")
    assert "Korea" in text and "Sources:" in text


async def test_free_text_suggest(bot):
    text = await bot.say(EN, "cost")
    assert "Did you mean" in text
    assert {"f:th-costs", "f:kr-costs", "f:jp-costs"} & set(bot.button_data(EN))


async def test_free_text_none_records_question_without_user(bot):
    text = await bot.say(EN, "who won the football match yesterday")
    assert "don't know" in text and "1362" in text
    db = bot.services.store.conn
    rows = db.execute("SELECT * FROM unanswered").fetchall()
    assert [r["text"] for r in rows] == ["who won the football match yesterday"]
    assert "user" not in " ".join(rows[0].keys())


async def test_lao_user_asking_in_english_is_answered_in_lao_and_told(bot):
    await bot.say(LO, "/start", language_code="lo")
    await bot.press(LO, "l:lo")
    text = await bot.say(LO, "Lao embassy in Seoul address", language_code="lo")
    assert "ທ່ານຂຽນເປັນພາສາອັງກິດ" in text


async def test_deep_link_opens_answer(bot):
    text = await bot.say(EN, "/start faq_fraud-passport")
    assert "passport" in text.lower() and "Sources:" in text


async def test_other_start_payload_is_accepted_quietly(bot):
    text = await bot.say(EN, "/start from_poster_2026")
    assert "Hello!" in text


async def test_inline_query_offers_answers_to_share(bot):
    update = bot.fake.push_inline_query(EN, "broker kept my passport")
    await bot.process(update)
    answer = bot.fake.inline_answer(update["inline_query"]["id"])
    assert answer is not None
    import json

    results = answer["results"]
    results = json.loads(results) if isinstance(results, str) else results
    assert results and results[0]["id"] == "fraud-passport"
    assert "start=faq_fraud-passport" in json.dumps(results[0])


async def test_group_chat_only_when_addressed(bot):
    group = -1001
    await bot.say(
        EN, "how much does Korea cost", chat_id=group, chat_type="supergroup", silent=True
    )
    name = bot.app.bot.username
    text = await bot.say(
        EN, f"@{name} how much does Korea cost", chat_id=group, chat_type="supergroup"
    )
    assert text and "Korea" in text
    bot_msg = bot.fake.messages_to(group)[-1]["message_id"]
    text = await bot.say(
        EN, "and Japan?", chat_id=group, chat_type="supergroup", reply_to_message=bot_msg
    )
    assert text


async def test_language_choice_persists_across_restart(fake_api, loaded, tmp_path):
    db = tmp_path / "bot.sqlite3"
    first = await make_harness(fake_api, loaded, db)
    await first.say(EN, "/start", language_code="en")
    text = await first.press(EN, "l:lo")
    assert "ຕັ້ງເປັນພາສາລາວແລ້ວ" in text
    await first.app.shutdown()
    second = await make_harness(fake_api, loaded, db)
    text = await second.say(EN, "/menu", language_code="en")
    assert "ເລືອກຫົວຂໍ້" in text
    await second.app.shutdown()


async def test_forget_deletes_the_user(bot):
    await bot.say(EN, "/start")
    await bot.press(EN, "l:en")
    db = bot.services.store.conn
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1
    text = await bot.say(EN, "/forget")
    assert "deleted" in text
    assert db.execute("SELECT COUNT(*) FROM users WHERE user_id = ?", (EN,)).fetchone()[0] == 0


async def test_commands_are_localised(bot):
    lo = bot.fake.commands(scope={"type": "default"}, language_code="lo")
    en = bot.fake.commands(scope={"type": "default"}, language_code="en")
    assert {c["command"] for c in lo} == {c["command"] for c in en} >= {"start", "menu", "help"}
    assert lo != en


async def test_help_language_hotline_privacy(bot):
    assert "/menu" in await bot.say(EN, "/help")
    assert "Choose your language" in await bot.say(EN, "/language")
    assert "1362" in await bot.say(EN, "/hotline")
    assert "180 days" in await bot.say(EN, "/privacy")


def test_db_is_wal(tmp_path):
    from bot.storage.db import connect

    conn = connect(tmp_path / "x.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert isinstance(conn, sqlite3.Connection)
