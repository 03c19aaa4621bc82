"""Admins keep the content right, through the real Application and the fake Bot API:
refusals, /reload safety, edits with preview and confirm, crash safety, undo, /missed, /stats."""

from __future__ import annotations

import re
import time

import pytest

from bot.app.runtime import load_live
from bot.core.content import load_content
from bot.storage import admin as db
from tests.channels.telegram.conftest import ADMIN_ID, make_harness
from tests.core.test_content import _break

USER, OTHER = 201, 202
ODD = "zebra crossing permit for korea work"  # a question the bot cannot answer


@pytest.fixture
async def admin_bot(fake_api, content_copy, tmp_path, loaded):
    h = await make_harness(
        fake_api, load_live(content_copy, previous=loaded), tmp_path / "bot.sqlite3"
    )
    h.root = content_copy
    yield h
    await h.app.shutdown()


def _changes(h) -> list[dict]:
    return db.recent_changes(h.services.store)


async def _confirm(h) -> str:
    data = [d for d in h.button_data(ADMIN_ID) if d and d.startswith("ad:ok:")]
    assert data, h.button_labels(ADMIN_ID)
    return await h.press(ADMIN_ID, data[0])


# --- who is an admin -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["/reload", "/edit kr-eps", "/newentry", "/missed", "/stats", "/changes", "/undo", "/undo 1"],
)
async def test_non_admin_is_refused_every_admin_command(admin_bot, command):
    text = await admin_bot.say(USER, command)
    assert "only for the bot's content admins" in text
    assert not (admin_bot.root / "overlay.yaml").exists() and _changes(admin_bot) == []
    assert not admin_bot.fake.sent(USER, "sendPhoto")


@pytest.mark.parametrize(
    "data", ["ad:e:kr-eps", "ad:q:en:kr-eps", "ad:a:en:kr-eps", "ad:r:kr-eps", "ad:ok:1",
             "ad:ma:0123456789:kr-eps", "ad:mu:0123456789:kr-eps", "ad:mn:0123456789"],
)  # fmt: skip
async def test_non_admin_pressing_an_admin_button_changes_nothing(admin_bot, data):
    update = admin_bot.fake.push_callback(USER, data, check_buttons=False)
    await admin_bot.process(update)
    answer = admin_bot.fake.callback_answer(update["callback_query"]["id"])
    assert "only for the bot's content admins" in answer["text"]
    assert not (admin_bot.root / "overlay.yaml").exists() and _changes(admin_bot) == []


async def test_a_user_typing_after_an_admin_button_is_not_taken_as_an_edit(admin_bot):
    await admin_bot.process(
        admin_bot.fake.push_callback(USER, "ad:q:en:kr-eps", check_buttons=False)
    )
    text = await admin_bot.say(USER, "how much does it cost to work in korea")
    assert "Korea" in text and "Save this change?" not in text


async def test_admin_commands_only_in_admins_command_menu(admin_bot):
    fake = admin_bot.fake
    default = [c["command"] for c in fake.commands(None, "en")]
    mine = [c["command"] for c in fake.commands({"type": "chat", "chat_id": ADMIN_ID}, "en")]
    lao = [c["command"] for c in fake.commands({"type": "chat", "chat_id": ADMIN_ID}, "lo")]
    assert "reload" not in default and "stats" not in default
    assert {"reload", "edit", "newentry", "missed", "stats", "undo"} <= set(mine)
    assert set(default) <= set(mine) and set(mine) == set(lao)


# --- /reload ---------------------------------------------------------------------------------

TH = "faq/thailand.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  category: thailand\n", "  category: [thailand\n", "YAML syntax error"),
        ("  reviewed: 2026-", "  reviewd: 2026-", "missing field"),
        ("- id: th-mou-steps\n", "- id: th-costs\n", "duplicate id"),
        ("  related: [", "  related: [no-such-entry, ", "unknown entry id"),
        ("    en: ", "    xx: ", "unknown language"),
    ],
)
async def test_reload_with_broken_content_keeps_serving_and_names_file_and_line(
    admin_bot, old, new, expected
):
    before = await admin_bot.say(USER, "how much does it cost to work in thailand")
    assert "Checked: " in before
    _break(admin_bot.root, TH, old, new)
    text = await admin_bot.say(ADMIN_ID, "/reload")
    assert "NOT reloaded" in text and expected in text
    assert re.search(r"content/faq/thailand\.yaml:\d+", text)  # file and line
    assert await admin_bot.say(USER, "how much does it cost to work in thailand") == before


async def test_reload_with_a_broken_overlay_keeps_serving(admin_bot):
    (admin_bot.root / "overlay.yaml").write_text("changes:\n  kr-nope: {}\n", encoding="utf-8")
    text = await admin_bot.say(ADMIN_ID, "/reload")
    assert "NOT reloaded" in text and "content/overlay.yaml:2" in text
    assert "Checked: " in await admin_bot.say(USER, "what is EPS")


async def test_reload_picks_up_a_hand_edit(admin_bot):
    entry = admin_bot.services.loaded.content.by_id["th-costs"]
    first_line = entry.answer["en"].splitlines()[0]
    _break(admin_bot.root, TH, first_line, "Hand-edited cost line. " + first_line)
    text = await admin_bot.say(ADMIN_ID, "/reload")
    assert "Reloaded: " in text and "th-costs" in text
    answer = await admin_bot.press(USER, "fa:th-costs", check_buttons=False)
    assert "Hand-edited cost line." in answer
    assert _changes(admin_bot)[0]["kind"] == "reload"


# --- edits ---------------------------------------------------------------------------------------


async def test_added_question_is_previewed_saved_answered_and_survives_restart(admin_bot, tmp_path):
    assert "don't know" in await admin_bot.say(USER, ODD)
    await admin_bot.say(ADMIN_ID, "/edit kr-eps")
    assert "ad:q:en:kr-eps" in admin_bot.button_data(ADMIN_ID)
    asked = await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps")
    assert "Send the new question" in asked
    preview = await admin_bot.say(ADMIN_ID, ODD)
    assert "Preview" in preview and "Save this change?" in preview
    assert not (admin_bot.root / "overlay.yaml").exists()  # nothing written before confirm
    assert "Saved as change #1" in await _confirm(admin_bot)
    answer = await admin_bot.say(USER, ODD)
    assert "EPS" in answer and "Checked: " in answer
    # the preview showed exactly what the user got
    shown = preview.split("\n---\n")[1]
    assert shown == answer
    # a restart reads it from disk
    restarted = load_live(admin_bot.root)
    assert restarted.dialogue.on_text(ODD, "en").events[0].data["entry"] == "kr-eps"
    assert restarted.dialogue.matcher.match(ODD).decision == "answer"
    row = _changes(admin_bot)[0]
    assert (row["admin_id"], row["kind"], row["entry_id"]) == (ADMIN_ID, "add_variant", "kr-eps")
    assert row["new_value"] == ODD and row["old_value"] is None


async def test_replaced_answer_and_review_date_are_what_users_see(admin_bot):
    await admin_bot.say(ADMIN_ID, "/edit kr-eps")
    prompt = await admin_bot.press(ADMIN_ID, "ad:a:en:kr-eps")
    old = admin_bot.services.loaded.content.by_id["kr-eps"].answer["en"]
    assert old in prompt  # the current answer, to copy and change
    new = "EPS is run by the Employment Service Centre.\n\nAsk the ESC in Vientiane."
    preview = await admin_bot.say(ADMIN_ID, new)
    assert "Ask the ESC in Vientiane." in preview
    await _confirm(admin_bot)
    answer = await admin_bot.press(USER, "f:kr-eps", check_buttons=False)
    # the old short answer may contradict the new one: the new answer's opening replaces it
    assert "EPS is run by the Employment Service Centre." in answer
    assert old.splitlines()[0] not in answer and "Ask the ESC" not in answer
    full = await admin_bot.press(USER, "fa:kr-eps", check_buttons=False)
    assert "Ask the ESC in Vientiane." in full and old.splitlines()[0] not in full
    assert load_content(admin_bot.root).by_id["kr-eps"].answer["en"] == new
    row = _changes(admin_bot)[0]
    assert row["old_value"] == old and row["new_value"] == new

    editor = admin_bot.app.bot_data["editor"]
    editor.clock = lambda: time.time() + 40 * 86400  # the entries were reviewed today
    today = editor.today().isoformat()
    await admin_bot.say(ADMIN_ID, "/edit kr-eps")
    preview = await admin_bot.press(ADMIN_ID, "ad:r:kr-eps")
    assert f"Checked: {today}" in preview
    await _confirm(admin_bot)
    assert f"Checked: {today}" in await admin_bot.press(USER, "f:kr-eps", check_buttons=False)


async def test_edit_by_question_offers_entries(admin_bot):
    await admin_bot.say(ADMIN_ID, "/edit cost of going to korea")
    assert "ad:e:kr-costs" in admin_bot.button_data(ADMIN_ID)
    text = await admin_bot.press(ADMIN_ID, "ad:e:kr-costs")
    assert "kr-costs" in text and "ad:a:lo:kr-costs" in admin_bot.button_data(ADMIN_ID)


NEW_ENTRY = """\
id: kr-insurance-new
category: korea
title:
  lo: ປະກັນໄພ ຢູ່ເກົາຫຼີ
  en: Insurance in Korea
questions:
  lo: ["ປະກັນໄພ ເກົາຫຼີ", "ປະກັນສຸຂະພາບ ເກົາຫຼີ", "ເຈັບປ່ວຍ ຢູ່ເກົາຫຼີ ໃຜຈ່າຍ"]
  en: ["insurance korea workers", "health insurance in korea", "who pays if I am sick in korea"]
summary:
  lo: ຖາມສູນບໍລິການຈັດຫາງານ ກ່ຽວກັບປະກັນໄພ.
  en: Ask the Employment Service Centre about insurance.
answer:
  lo: |
    ຖາມສູນບໍລິການຈັດຫາງານ ກ່ຽວກັບປະກັນໄພ.
  en: |
    Ask the Employment Service Centre about insurance before you go.
related: [kr-eps]
sources:
  - {title: "EPS", url: "https://www.eps.go.kr/eo/SlcinPrcdr.eo?langCD=lo", date: 2026-01-01}
reviewed: 2026-11-29
needs_native_review: true
"""


async def test_new_entry_from_yaml_is_created_and_listed(admin_bot):
    text = await admin_bot.say(ADMIN_ID, "/newentry")
    assert "id: new-topic-id" in text and "Copy the template" in text
    assert "“...”" in await admin_bot.say(ADMIN_ID, text.split("\n---\n")[-1])  # unfilled
    bad = await admin_bot.say(ADMIN_ID, NEW_ENTRY.replace("reviewed: 2026-11-29", "reviewed: x"))
    assert "Not saved" in bad and "[kr-insurance-new.reviewed]" in bad and "message" in bad
    preview = await admin_bot.say(ADMIN_ID, NEW_ENTRY)
    assert "Insurance in Korea" in preview and "ປະກັນໄພ ຢູ່ເກົາຫຼີ" in preview
    await _confirm(admin_bot)
    assert "Employment Service Centre about insurance" in await admin_bot.say(
        USER, "health insurance in korea"
    )
    await admin_bot.press(USER, "c:korea", check_buttons=False)
    assert "f:kr-insurance-new" in admin_bot.button_data(USER)
    assert "kr-insurance-new" in load_content(admin_bot.root).by_id


async def test_new_entry_from_a_yaml_file(admin_bot):
    await admin_bot.say(ADMIN_ID, "/newentry")
    update = admin_bot.fake.push_document(
        ADMIN_ID, filename="entry.yaml", content=NEW_ENTRY.encode(), mime_type="text/yaml"
    )
    await admin_bot.process(update)
    assert "Save this change?" in admin_bot.fake.last_text(ADMIN_ID)


async def test_cancel_and_an_out_of_date_preview_save_nothing(admin_bot):
    await admin_bot.say(ADMIN_ID, "/edit kr-eps")
    await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps")
    await admin_bot.say(ADMIN_ID, ODD)
    assert "Nothing was changed" in await admin_bot.press(ADMIN_ID, "ad:no")
    stale = await admin_bot.press(ADMIN_ID, "ad:ok:1", check_buttons=False)
    assert "out of date" in stale
    await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
    assert "Stopped" in await admin_bot.say(ADMIN_ID, "/cancel")
    assert "don't know" in await admin_bot.say(ADMIN_ID, ODD)  # plain question again
    assert not (admin_bot.root / "overlay.yaml").exists() and _changes(admin_bot) == []


async def test_a_duplicate_question_is_refused_before_preview(admin_bot):
    await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
    text = await admin_bot.say(ADMIN_ID, "What is EPS?")
    assert "already a question of kr-eps" in text and "Save this change?" not in text


@pytest.mark.parametrize("fail", ["replace", "fsync"])
async def test_a_crash_while_writing_leaves_content_valid_and_unchanged(
    admin_bot, monkeypatch, fail
):
    # a first change, so a file is there to be overwritten
    await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
    await admin_bot.say(ADMIN_ID, ODD)
    await _confirm(admin_bot)
    overlay = admin_bot.root / "overlay.yaml"
    before = overlay.read_bytes()
    served = admin_bot.services.loaded

    def boom(*args, **kwargs):
        raise OSError("power cut")

    monkeypatch.setattr(db.os, fail, boom)
    await admin_bot.press(ADMIN_ID, "ad:a:en:kr-eps", check_buttons=False)
    await admin_bot.say(ADMIN_ID, "A new answer that never lands.")
    text = await _confirm(admin_bot)
    assert "could not be written" in text and "nothing was changed" in text
    monkeypatch.undo()
    assert overlay.read_bytes() == before
    assert sorted(p.name for p in admin_bot.root.iterdir() if p.name.startswith(".")) == []
    assert (
        load_content(admin_bot.root).by_id["kr-eps"].answer["en"]
        != "A new answer that never lands."
    )
    assert admin_bot.services.loaded is served
    assert [r["kind"] for r in _changes(admin_bot)] == ["add_variant"]


# --- undo ----------------------------------------------------------------------------------


async def test_undo_restores_the_previous_content_exactly(admin_bot):
    overlay = admin_bot.root / "overlay.yaml"
    await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
    await admin_bot.say(ADMIN_ID, ODD)
    await _confirm(admin_bot)
    content1, bytes1 = load_content(admin_bot.root), overlay.read_bytes()
    await admin_bot.press(ADMIN_ID, "ad:a:lo:th-costs", check_buttons=False)
    await admin_bot.say(ADMIN_ID, "ຄຳຕອບໃໝ່ ກ່ຽວກັບຄ່າໃຊ້ຈ່າຍ. ໂທ 1362.")
    await _confirm(admin_bot)
    lao = {"check_buttons": False, "language_code": "lo"}
    assert "ຄຳຕອບໃໝ່" in await admin_bot.press(USER, "f:th-costs", **lao)

    assert "Undone" in await admin_bot.say(ADMIN_ID, "/undo")
    assert overlay.read_bytes() == bytes1 and load_content(admin_bot.root) == content1
    assert admin_bot.services.loaded.content == content1
    assert "ຄຳຕອບໃໝ່" not in await admin_bot.press(USER, "f:th-costs", **lao)

    assert "Undone" in await admin_bot.say(ADMIN_ID, "/undo 1")
    assert not overlay.exists()
    assert load_content(admin_bot.root) == load_content(admin_bot.root.parent / "content")
    assert "don't know" in await admin_bot.say(USER, ODD)
    assert "Nothing to undo" in await admin_bot.say(ADMIN_ID, "/undo")
    assert "already undone" in await admin_bot.say(ADMIN_ID, "/undo 1")
    history = await admin_bot.say(ADMIN_ID, "/changes")
    assert "#4" in history and "(undone by #4)" in history


async def test_undo_of_an_older_change_waits_for_later_ones(admin_bot):
    for text in (ODD, "another korea question nobody asks"):
        await admin_bot.press(ADMIN_ID, "ad:q:en:kr-eps", check_buttons=False)
        await admin_bot.say(ADMIN_ID, text)
        await _confirm(admin_bot)
    text = await admin_bot.say(ADMIN_ID, "/undo 1")
    assert "undo the later changes first" in text and "#2" in text
    assert "Checked: " in await admin_bot.say(USER, ODD)  # nothing undone


# --- learning from users ------------------------------------------------------------------------


async def test_missed_questions_are_grouped_counted_and_added_in_one_tap(admin_bot):
    for q in ("how to get a job in dubai", "How to get a job in Dubai?", "how to get job in dubai"):
        await admin_bot.say(USER, q)
    await admin_bot.say(OTHER, "blorp zzz")
    text = await admin_bot.say(ADMIN_ID, "/missed")
    assert "Questions not answered in the last 30 days: 4, in 2 different wordings" in text
    assert "×3 · en" in text and "×1 · en" in text
    assert text.index("×3") < text.index("×1")
    data = admin_bot.button_data(ADMIN_ID)  # the last group's message: "blorp zzz"
    assert all(len(d.encode()) <= 64 for d in data)
    dubai = next(m for m in admin_bot.fake.messages_to(ADMIN_ID) if "×3" in m.get("text", ""))
    buttons = [b["callback_data"] for row in dubai["reply_markup"]["inline_keyboard"] for b in row]
    add = next(d for d in buttons if d.startswith("ad:ma:"))
    target = add.rsplit(":", 1)[1]
    asked = await admin_bot.press(ADMIN_ID, add, message_id=dubai["message_id"])
    assert "Send the question as it should be added" in asked
    preview = await admin_bot.click(ADMIN_ID, "Use as is")
    assert "Save this change?" in preview
    await _confirm(admin_bot)
    assert admin_bot.services.dialogue.matcher.match("how to get a job in dubai").id == target
    again = await admin_bot.say(ADMIN_ID, "/missed")
    assert "×3" not in again and "blorp zzz" in again


async def test_missed_question_with_a_phone_number_is_added_as_the_admin_rewrote_it(admin_bot):
    """Issue 13: a /missed question went into the overlay and the audit log as typed."""
    await admin_bot.say(USER, "somchai from savannakhet job in dubai call 020 5555 1234")
    await admin_bot.say(ADMIN_ID, "/missed")
    add = next(d for d in admin_bot.button_data(ADMIN_ID) if d.startswith("ad:ma:"))
    asked = await admin_bot.press(ADMIN_ID, add)
    assert "Send the question as it should be added" in asked and "phone number" in asked
    assert "Save this change?" not in asked
    preview = await admin_bot.say(ADMIN_ID, "my passport is kept by someone")
    assert "Add the question “my passport is kept by someone”" in preview
    assert "Saved as change #1" in await _confirm(admin_bot)
    overlay = (admin_bot.root / "overlay.yaml").read_text(encoding="utf-8")
    audit = " ".join(f"{c['summary']} {c['new_value']}" for c in _changes(admin_bot))
    for kept in (overlay, audit):
        assert "my passport is kept by someone" in kept
        assert "5555" not in kept and "somchai" not in kept.lower()
        assert "savannakhet" not in kept.lower()


async def test_missed_new_entry_starts_from_the_question(admin_bot):
    await admin_bot.say(USER, "blorp zzz")
    await admin_bot.say(ADMIN_ID, "/missed")
    new = next(d for d in admin_bot.button_data(ADMIN_ID) if d.startswith("ad:mn:"))
    text = await admin_bot.press(ADMIN_ID, new)
    assert "- blorp zzz" in text and "Copy the template" in text
    assert "take out names, phone numbers" in text


async def test_stats_match_the_recorded_events(admin_bot):
    # "cost" first: after the Korea question it would be a follow-up, answered for Korea
    for q in ("cost", "what is EPS", "how much does it cost to work in korea", "blorp zzz"):
        await admin_bot.say(USER, q)
    update = admin_bot.fake.push_callback(USER, "fb:kr-eps:1", check_buttons=False)
    await admin_bot.process(update)
    update = admin_bot.fake.push_callback(USER, "fb:kr-eps:0", check_buttons=False)
    await admin_bot.process(update)
    text = await admin_bot.say(ADMIN_ID, "/stats")
    assert "Questions: 4 | 4" in text
    assert "• answered: 2 | 2" in text and "• suggested: 1 | 1" in text
    assert "• not matched: 1 | 1" in text and "Quiz plays: 0 | 0" in text
    assert "• kr-eps: 👍 1 / 👎 1" in text and "Languages: en 4 | 4" in text
    photo = admin_bot.fake.sent(ADMIN_ID, "sendPhoto")
    assert len(photo) == 1 and "last 30 days" in photo[0].params["caption"]
