"""What the bot says: input + user state -> Turn (replies to send + events to record).

The same Dialogue serves Telegram (bot/channels/telegram), the terminal chat and any future
channel, so every decision about a conversation lives here. It never does I/O:
events (an unanswered question, feedback, a language choice) are values the
adapter hands to storage.

Buttons carry values (bot/core/callbacks.py: Answer, FullAnswer, Sources, Feedback,
Hotlines, ...); each channel encodes them on the wire and decodes a pressed one for
`on_button`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from bot.core.callbacks import (
    Answer,
    Callback,
    Category,
    Centres,
    ChooseLanguage,
    Feedback,
    FullAnswer,
    HelpAbroad,
    Hotlines,
    InProvince,
    Menu,
    PlaceOnMap,
    Quiz,
    SetLanguage,
    Sources,
)
from bot.core.centres import find_province
from bot.core.centres.replies import WhereToGo
from bot.core.content import Content, Entry, stage_order
from bot.core.context import Context, follow_up_country, next_country
from bot.core.dialogue_types import Button, Event, Reply, Turn, Venue
from bot.core.handoff import talk_button
from bot.core.matching import SUGGEST_MIN, Match, Matcher
from bot.core.smalltalk import reply_text, small_talk
from bot.core.text import clean, countries_in, is_romanised, language_of
from bot.core.untrusted import finite_coords
from bot.i18n import LANGS, N_, translator

__all__ = ["Button", "Dialogue", "Event", "Reply", "Turn", "Venue"]

CENTRE_ENTRIES = ("centres-nearest", "centres-services")
# answers that offer “👤 Talk to a person” (when counsellors are set up): fraud, trafficking,
# help lines, and the “my rights were broken abroad” entries of each country
TROUBLE_CATEGORIES = ("fraud", "help")
TROUBLE_ENTRIES = ("th-wages-rights", "th-undocumented-risks", "kr-rights-help", "jp-rights-help")
MAX_TEXT_CHARS = 4000  # longer input is cut before matching (and never echoed back whole)

# Main menu: (callback data, label msgid). Order is the order on screen.
CATEGORY_LABELS = {
    "thailand": N_("🇹🇭 Thailand"),
    "korea": N_("🇰🇷 South Korea"),
    "japan": N_("🇯🇵 Japan"),
    "fraud": N_("⚠️ Fraud and safety"),
    "preparing": N_("🎒 Before you go"),
    "centres": N_("📍 Service centres"),
    "help": N_("☎️ Hotlines"),
}


class Dialogue:
    def __init__(
        self,
        content: Content,
        matcher: Matcher | None = None,
        directory: Any = None,
        context: Context | None = None,
    ):
        self.content = content
        self.context = (
            context if context is not None else Context()
        )  # per chat: country of the last answer, minutes
        self.matcher = matcher or Matcher(content)
        self.directory = directory
        self.where = WhereToGo(directory) if directory is not None else None
        self.talk = False  # counsellors set up: offer “👤 Talk to a person” (core/handoff.py)
        self.talk_keep_days = 30  # BOT_COUNSELLOR_KEEP_DAYS, for /privacy

    # --- commands ---------------------------------------------------------------
    def start(self, lang: str, payload: str | None = None) -> Turn:
        """/start: greeting, language choice, menu; `faq_<id>` deep links open an answer."""
        if payload and payload.startswith("faq_"):
            entry = self.content.by_id.get(payload[4:])
            if entry:
                return Turn([self.answer_reply(entry, lang)])
        _ = translator(lang)
        welcome = Reply(
            _(
                "Hello! I answer questions about working abroad safely and legally: "
                "Thailand, South Korea and Japan, costs, documents, your rights and fraud.\n"
                "Type your question in Lao or English, or choose a topic below."
            ),
            title=_("Safe work abroad"),
            buttons=((Button("ພາສາລາວ", SetLanguage("lo")), Button("English", SetLanguage("en"))),),
        )
        return Turn([welcome, self.menu_reply(lang)])

    def menu(self, lang: str) -> Turn:
        return Turn([self.menu_reply(lang)])

    def help(self, lang: str) -> Turn:
        _ = translator(lang)
        text = _(
            "Ask me a question in your own words, for example: "
            "“How much does it cost to work in Korea?”\n"
            "/menu – topics\n/hotline – help lines\n/language – ພາສາລາວ / English\n"
            "/quiz – test yourself\n/privacy – what I store\n/forget – delete what I hold about you\n\n"
            "If I am not sure, I say so and show you who can help."
        )
        rows = self._menu_row(lang)
        if self.talk:
            text += "\n" + _("/talk – write to a counsellor (a person)")
            rows = ((talk_button(lang),), *rows)
        return Turn([Reply(text, title=_("How to use this bot"), buttons=rows)])

    def not_text(self, lang: str) -> Turn:
        """Stickers, photos, voice messages: say what the bot can read."""
        _ = translator(lang)
        text = _("I can only read text. Please type your question, or choose a topic.")
        return Turn([Reply(text, buttons=self._menu_row(lang))])

    def choose_language(self, lang: str) -> Turn:
        _ = translator(lang)
        return Turn(
            [
                Reply(
                    _("Choose your language:"),
                    buttons=(
                        (
                            Button("ພາສາລາວ", SetLanguage("lo")),
                            Button("English", SetLanguage("en")),
                        ),
                    ),
                )
            ]
        )

    def set_language(self, new_lang: str) -> Turn:
        if new_lang not in LANGS:
            return self.unknown_button("lo")
        _ = translator(new_lang)
        turn = Turn([Reply(_("Language set: English."))], [Event("set_lang", {"lang": new_lang})])
        turn.replies.append(self.menu_reply(new_lang))
        turn.toast = _("Language set: English.")
        return turn

    def hotlines(self, lang: str) -> Turn:
        if self.where:
            return Turn([self.where.hotlines_reply(lang)])
        entry = self.content.by_id.get("help-hotlines")
        if entry is None:
            return self.menu(lang)
        return Turn([self.answer_reply(entry, lang)])

    def centres(self, lang: str) -> Turn:
        if self.where:
            return self.where.ask_location(lang)
        entry = self.content.by_id.get("centres-nearest")
        if entry is None:
            return self.menu(lang)
        return Turn([self.answer_reply(entry, lang)])

    def privacy(self, lang: str) -> Turn:
        _ = translator(lang)
        text = _(
            "What this bot keeps:\n"
            "• your language choice, linked to your Telegram or LINE id, so I reply in it;\n"
            "• questions I could not answer, WITHOUT who asked, so staff can add answers;\n"
            "• counts of questions and “did this help” taps, without who tapped;\n"
            "• your quiz answers if you play, until you delete them.\n\n"
            "Records without a user are deleted after 180 days. "
            "Send /forget to delete everything linked to you at once."
        )
        if self.talk:
            text += "\n\n" + _(
                "If you talk to a counsellor (/talk): a case number linked to your chat, your "
                "language, the country you chose, when the case opened and closed (to the "
                "hour) and whether it was urgent. Your messages are NOT kept by the bot: "
                "copies go to the counsellors' group, without your name. The case link is "
                "deleted {days} days after the case closes, or at once with /forget.",
                days=self.talk_keep_days,
            )
        return Turn([Reply(text, title=_("Privacy"))])

    def forget(self, lang: str) -> Turn:
        _ = translator(lang)
        text = _(
            "Done: I deleted your language choice and everything else linked to your account. "
            "Questions you asked were never stored with your name or id."
        )
        return Turn([Reply(text)], [Event("forget")])

    # --- free text ----------------------------------------------------------------
    def on_text(self, text: str, lang: str | None = None, chat: Hashable | None = None) -> Turn:
        """A question in any language; `lang` is the user's chosen language, if any;
        `chat` identifies the conversation, so a follow-up keeps the last answer's country."""
        text = clean((text or "")[:MAX_TEXT_CHARS]).strip()  # storable: no lone surrogates
        asked_lang = language_of(text)
        lang = lang if lang in LANGS else asked_lang
        if not any(ch.isalnum() for ch in text):
            return self.help(lang)
        talk = small_talk(text)  # hello / thanks / bye / who are you: not a question
        if talk:
            return Turn([Reply(reply_text(talk, lang), buttons=self.menu_reply(lang).buttons)])
        topic, named = self.context.get(chat), countries_in(text)
        assumed = follow_up_country(topic, named)  # "and how much?" after a Korea answer
        match = self.matcher.match(text, country=assumed)
        answered = self.content.by_id[match.id].country if match.id else None
        if named or answered:  # naming another country resets the conversation's country
            self.context.remember(chat, next_country(topic, named, answered), match.id)
        event = Event(
            "asked",
            {
                "entry": match.best,
                "decision": match.decision,
                "lang": asked_lang,
                "score": match.score,
            },
        )
        where = self._where_to_go(text, match, lang)
        if where is not None:
            where.events.append(event)
            return where
        if match.decision == "answer":
            entry = self.content.by_id[match.id]
            if is_romanised(text):  # romanised Lao: the answer in Lao and in English
                replies = [self.answer_reply(entry, lang, bilingual=True)]
            else:
                replies = [self.answer_reply(entry, lang, asked_lang=asked_lang)]
            if assumed and entry.country == assumed:  # show the assumption: "About Korea: ..."
                replies[0] = replace(
                    replies[0], text=f"{self._about(assumed, lang)}\n\n{replies[0].text}"
                )
            return Turn(replies, [event])
        if match.decision == "suggest":
            return Turn([self.suggest_reply(match, lang)], [event])
        unanswered = Event("unanswered", {"text": text[:1000], "lang": asked_lang})
        return Turn([self.none_reply(lang)], [event, unanswered])

    def _about(self, country: str, lang: str) -> str:
        _ = translator(lang)
        name = {"TH": N_("Thailand"), "KR": N_("South Korea"), "JP": N_("Japan")}[country]
        return _("About {country} (your previous question):", country=_(name))

    def _where_to_go(self, text: str, match: Match, lang: str) -> Turn | None:
        """“job centre in Savannakhet” -> that province's places; “nearest centre” -> ask where."""
        if not self.where or match.best not in CENTRE_ENTRIES:
            return None
        province = find_province(self.where.directory, text)
        if province is not None:
            return self.where.province(province.id, lang)
        if match.decision == "answer" and match.id == "centres-nearest":
            turn = self.where.ask_location(lang)
            turn.replies.insert(0, self.answer_reply(self.content.by_id[match.id], lang))
            return turn
        return None

    def on_location(self, lat: float, lon: float, lang: str) -> Turn:
        """A shared location: the nearest places in Laos, or help in the country the user is in."""
        if not self.where or not finite_coords(lat, lon):
            return self.hotlines(lang)
        return self.where.at_location(lat, lon, lang)

    # --- buttons ------------------------------------------------------------------
    def on_button(self, pressed: Callback | None, lang: str, chat: Hashable | None = None) -> Turn:
        """A pressed button, decoded by the channel (bot/core/callbacks.py); None (data we
        did not make) or a button for another part of the bot gets a polite answer. `chat`:
        the conversation, so an entry picked from suggestions sets its country."""
        by_id, where = self.content.by_id, self.where
        turn: Turn | None = None
        match pressed:
            case Menu():
                turn = self.menu(lang)
            case Category(category) if category in self.content.categories:
                turn = Turn([self.category_reply(category, lang)])
            case Answer(eid) if eid in by_id:
                entry = by_id[eid]
                if entry.country:  # "and how much?" after picking a Korea entry means Korea
                    self.context.remember(chat, entry.country, entry.id)
                turn = Turn([self.answer_reply(entry, lang)])
            case FullAnswer(eid) if eid in by_id:
                turn = Turn([self.answer_reply(by_id[eid], lang, full=True)])
            case Sources(eid) if eid in by_id:
                turn = Turn([self.sources_reply(by_id[eid], lang)])
            case Feedback(eid, helpful) if eid in by_id:
                turn = self.feedback(eid, helpful, lang)
            case SetLanguage(new_lang):
                turn = self.set_language(new_lang)
            case ChooseLanguage():
                turn = self.choose_language(lang)
            case Hotlines():
                turn = self.hotlines(lang)
            case Centres():
                turn = self.centres(lang)
            case InProvince(province_id) if where:
                turn = where.province(province_id, lang)
            case PlaceOnMap(place_id) if where:
                turn = where.venue(place_id, lang)
            case HelpAbroad(country) if where:
                turn = where.abroad(country, lang)
        return turn if turn is not None else self.unknown_button(lang)

    def feedback(self, entry_id: str, helpful: bool, lang: str) -> Turn:
        _ = translator(lang)
        if helpful:
            msg = _("Thank you! Glad it helped.")
            return Turn([], [Event("feedback", {"entry": entry_id, "helpful": True})], toast=msg)
        msg = _(
            "Thank you. Staff will see this and improve the answer. "
            "For help now, call a hotline or visit a service centre."
        )
        turn = Turn(
            [
                Reply(
                    msg,
                    buttons=((Button(_("☎️ Hotlines"), Hotlines()), Button(_("☰ Menu"), Menu())),),
                )
            ],
            [Event("feedback", {"entry": entry_id, "helpful": False})],
        )
        turn.toast = _("Thank you!")
        return turn

    def unknown_button(self, lang: str) -> Turn:
        _ = translator(lang)
        turn = Turn([Reply(_("That button is old or unknown. Here is the menu."))])
        turn.replies.append(self.menu_reply(lang))
        turn.toast = _("That button is old or unknown.")
        return turn

    # --- replies ------------------------------------------------------------------
    def _menu_row(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        _ = translator(lang)
        return ((Button(_("☰ Menu"), Menu()),),)

    def menu_reply(self, lang: str) -> Reply:
        _ = translator(lang)
        cats = [c for c in CATEGORY_LABELS if c in self.content.categories]
        btn = {c: Button(_(CATEGORY_LABELS[c]), Category(c)) for c in cats}
        btn["centres"] = Button(_(CATEGORY_LABELS["centres"]), Centres())
        btn["help"] = Button(_(CATEGORY_LABELS["help"]), Hotlines())
        order = ["thailand", "korea", "japan", "fraud", "preparing", "centres", "help"]
        flat = [btn[c] for c in order if c in btn]
        flat += [Button(_("🎯 Quiz"), Quiz()), Button(_("🌐 Language"), ChooseLanguage())]
        rows = tuple(tuple(flat[i : i + 2]) for i in range(0, len(flat), 2))
        return Reply(_("Choose a topic, or type your question:"), title=_("Menu"), buttons=rows)

    def category_reply(self, category: str, lang: str) -> Reply:
        _ = translator(lang)
        # the journey's order: before going, while working, coming back, trouble
        entries = sorted(self.content.in_category(category), key=stage_order)
        rows = tuple((Button(e.title[lang], Answer(e.id)),) for e in entries)
        label = _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category
        return Reply(_("Choose a topic:"), title=label, buttons=(*rows, *self._menu_row(lang)))

    def answer_reply(
        self,
        entry: Entry,
        lang: str,
        asked_lang: str | None = None,
        full: bool = False,
        bilingual: bool = False,
    ) -> Reply:
        """The short answer first (it fits a phone screen), "More" for the full answer and
        "Sources" for where the facts come from; entries without a summary send the full text.
        `bilingual` (a question in romanised Lao): Lao first, then English."""
        _ = translator(lang)
        short = not full and lang in entry.summary
        texts = entry.summary if short else entry.answer
        text = texts[lang]
        if bilingual and "lo" in texts and "en" in texts:
            text = f"{texts['lo']}\n\n— English —\n\n{texts['en']}"
        if asked_lang and asked_lang != lang:
            note = (
                _("You wrote in English; here is the answer in Lao, your chosen language.")
                if asked_lang == "en"
                else _("You wrote in Lao; here is the answer in English, your chosen language.")
            )
            text = f"{note}\n\n{text}"
        footer = _("Checked: {date}", date=entry.reviewed.isoformat())
        first: list[Button] = []
        if short:
            first.append(Button(_("📖 More"), FullAnswer(entry.id)))
        first.append(Button(_("📚 Sources"), Sources(entry.id)))
        related = [
            Button(self.content.by_id[r].title[lang], Answer(r))
            for r in entry.related
            if r in self.content.by_id
        ][:3]
        rows: list[tuple[Button, ...]] = [tuple(first), *((b,) for b in related)]
        if self.where and (entry.category in ("help", "fraud") or entry.stage == "trouble"):
            # people in trouble are often abroad: the help lines where they are, one tap away
            rows.append(self._abroad_row(lang, entry.country))
        if entry.category in ("help", "centres"):
            rows.append(
                (Button(_("☎️ Hotlines"), Hotlines()), Button(_("📍 Service centres"), Centres()))
            )
        if self.talk and (
            entry.category in TROUBLE_CATEGORIES
            or entry.stage == "trouble"
            or entry.id in TROUBLE_ENTRIES
        ):
            rows.append((talk_button(lang),))
        rows.append(
            (
                Button(_("👍 Helpful"), Feedback(entry.id, True)),
                Button(_("👎 Not helpful"), Feedback(entry.id, False)),
            )
        )
        rows.append(
            (Button(_("↗️ Share"), switch_inline=entry.title[lang]), Button(_("☰ Menu"), Menu()))
        )
        return Reply(
            text, title=entry.title[lang], footer=footer, buttons=tuple(rows), entry_id=entry.id
        )

    def sources_reply(self, entry: Entry, lang: str) -> Reply:
        """Where an answer's facts come from: each source with its date and address."""
        _ = translator(lang)
        lines = []
        for s in entry.sources:
            where = s.url or s.document or ""
            when = f" ({s.date.isoformat()})" if s.date else ""
            lines.append(f"• {s.title}{when}\n  {where}".rstrip())
        text = _("Sources:") + "\n" + "\n".join(lines)
        footer = _("Checked: {date}", date=entry.reviewed.isoformat())
        rows = ((Button(_("📖 More"), FullAnswer(entry.id)), Button(_("☰ Menu"), Menu())),)
        return Reply(text, title=entry.title[lang], footer=footer, buttons=rows)

    def suggest_reply(self, match: Match, lang: str) -> Reply:
        _ = translator(lang)
        rows = tuple(
            (Button(self.content.by_id[i].title[lang], Answer(i)),) for i in match.suggestions
        )
        return Reply(
            _("I am not sure I understood. Did you mean:"),
            # not sure: a person is one tap away too
            buttons=(*rows, (Button(_("☎️ Hotlines"), Hotlines()), Button(_("☰ Menu"), Menu()))),
        )

    def none_reply(self, lang: str) -> Reply:
        _ = translator(lang)
        text = _(
            "Sorry, I don't know the answer to that yet. I have noted the question so staff can add it.\n\n"
            "For help now:\n"
            "• 1362 – Lao Women's Union hotline (women and children, trafficking)\n"
            "• 1191 – police hotline (command centre of Vientiane Capital)\n"
            "• your provincial Labour and Social Welfare office or the Employment Service Centre"
        )
        rows: list[tuple[Button, ...]] = []
        if self.where:
            text += "\n\n" + _("Abroad? Choose the country you are in for its help lines.")
            rows.append(self._abroad_row(lang))
        rows += [
            (Button(_("☎️ Hotlines"), Hotlines()), Button(_("📍 Service centres"), Centres())),
            *self._menu_row(lang),
        ]
        if self.talk:
            rows.insert(0, (talk_button(lang),))
        return Reply(text, buttons=tuple(rows))

    def _abroad_row(self, lang: str, country: str | None = None) -> tuple[Button, ...]:
        """Buttons to the help lines of the country a person is in (all three, or one)."""
        _ = translator(lang)
        labels = {"TH": _("🆘 In Thailand"), "KR": _("🆘 In Korea"), "JP": _("🆘 In Japan")}
        countries = (country,) if country in labels else tuple(labels)
        return tuple(Button(labels[c], HelpAbroad(c)) for c in countries)

    # --- inline mode ----------------------------------------------------------------
    def inline_results(self, query: str, lang: str, limit: int = 5) -> list[Entry]:
        """Entries to offer for `@bot <query>`: the best few, whatever the decision."""
        if not query.strip():
            return [
                e
                for e in (self.content.by_id.get(i) for i in ("fraud-signs", "help-hotlines"))
                if e
            ]
        ranked = self.matcher.index.entry_scores(query)
        return [self.content.by_id[i] for i, s in ranked[:limit] if s >= SUGGEST_MIN]
