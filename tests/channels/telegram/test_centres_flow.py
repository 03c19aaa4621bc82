"""“Where do I go?” through the fake Bot API: location, province, hotlines, abroad."""

from __future__ import annotations

U = 301


def _texts(bot, chat):
    return [m.get("text", "") for m in bot.fake.messages_to(chat)]


async def test_menu_centres_asks_for_location_or_province(bot):
    await bot.say(U, "/menu")
    await bot.press(U, "ctr")
    import json

    calls = bot.fake.sent(U, method="sendMessage")
    markup = calls[-2].params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["keyboard"][0][0]["request_location"] is True
    assert "p:champasak" in bot.button_data(U) and "p:vientiane-capital" in bot.button_data(U)


async def test_location_near_pakse_gives_champasak_first_without_a_false_exact_pin(bot):
    await bot.process(bot.fake.push_location(U, 15.12, 105.80))
    text = bot.fake.last_text(U)
    first = text.split("📍")[1]
    # the office's coordinate is the town centre: no "0.4 km", no map pin that looks exact
    assert "Champasak" in first and "km" not in first and "exact address" in first
    assert text.count("📍") == 3
    assert not [d for d in bot.button_data(U) if d and d.startswith("v:")]
    assert "old or unknown" in await bot.press(U, "v:lsw-champasak", check_buttons=False)
    assert not bot.fake.sent(U, method="sendVenue")


async def test_location_near_thakhek_gives_khammouane_first(bot):
    await bot.process(bot.fake.push_location(U, 17.41, 104.83))
    assert "Khammouane" in bot.fake.last_text(U).split("📍")[1]


async def test_location_in_bangkok_gives_thai_lines_and_embassy(bot):
    await bot.process(bot.fake.push_location(U, 13.75, 100.50))
    text = bot.fake.last_text(U)
    assert "1694" in text and "Embassy of the Lao PDR in Bangkok" in text
    assert "+66 2 539 6667" not in text  # unverified: never shown as a number to call


async def test_location_in_seoul_gives_korean_lines_and_embassy_phone(bot):
    await bot.process(bot.fake.push_location(U, 37.56, 126.97))
    text = bot.fake.last_text(U)
    assert "1577-1366" in text and "Seoul" in text


async def test_location_far_away_gives_lao_hotlines(bot):
    await bot.process(bot.fake.push_location(U, 48.85, 2.35))
    assert "1362" in "\n".join(_texts(bot, U))


async def test_province_button_lists_its_places(bot):
    await bot.say(U, "/menu")
    await bot.press(U, "ctr")
    text = await bot.press(U, "p:luang-prabang")
    assert "Luang Prabang" in text and "Resource Centre" in text


async def test_typed_place_names_find_the_province(bot):
    assert "Savannakhet" in await bot.say(U, "job centre in Savanakhet")
    text = await bot.say(U, "ສູນບໍລິການຈັດຫາງານ ແຂວງຫລວງພະບາງ ຢູ່ໃສ", language_code="lo")
    assert "Luang Prabang" in text or "ຫຼວງພະບາງ" in text


async def test_hotline_command_lists_every_country(bot):
    text = await bot.say(U, "/hotline")
    for number in ("1362", "1191", "1694", "1577-1366", "0570-013904"):
        assert number in text
    # unverified (a closed NGO line; a temporary COVID-19 desk), names included
    assert "1644-0644" not in text and "0120-76-2029" not in text
    assert "+81 3 5411 2291" not in text  # Tokyo embassy number is unverified


async def test_help_answers_link_to_hotlines_and_centres(bot):
    await bot.say(U, "/start")
    await bot.press(U, "f:help-embassy-kr", check_buttons=False)
    assert {"h", "ctr"} <= set(bot.button_data(U))
