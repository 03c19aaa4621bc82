"""Talk to a person: the case flow of the anonymous relay to counsellors (docs/COUNSELLORS.md).

Pure rules, no I/O: the counsellors' hours, urgent words, what the user and the counsellors
are told, and which case a counsellor's message belongs to. bot/app/handoff.py combines
them with storage; a channel (Telegram) only sends what it is given.

Privacy: nothing here ever puts the user's name, username, phone number or id into a text
meant for the counsellors; a case is a number, a language and (if the user chose) a country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.callbacks import Talk, TalkConsent, TalkDecline, TalkStop
from bot.core.centres import Directory, hotlines
from bot.core.centres.replies import COUNTRY_NAMES as LOCAL_NAMES
from bot.core.dialogue_types import Button, Reply, Turn
from bot.core.text import fold, phonetic
from bot.i18n import N_, translator

DEFAULT_TZ = "Asia/Vientiane"
KEEP_DAYS = 30  # a closed case's routing data is deleted after this (BOT_COUNSELLOR_KEEP_DAYS)
COARSE_S = 3600  # open/close times are stored rounded down to the hour
COUNTRIES = ("LA", "TH", "KR", "JP")
COUNTRY_LABELS = {
    "LA": N_("🇱🇦 Yes, I am in Laos"),
    "TH": N_("🇹🇭 Yes, I am in Thailand"),
    "KR": N_("🇰🇷 Yes, I am in South Korea"),
    "JP": N_("🇯🇵 Yes, I am in Japan"),
    "XX": N_("🌏 Yes, I am somewhere else"),
}
COUNTRY_NAMES = {"LA": "Laos", "TH": "Thailand", "KR": "South Korea", "JP": "Japan"}
LANG_NAMES = {"lo": "Lao (ລາວ)", "en": "English"}

# buttons: Talk, TalkConsent(country) (XX: elsewhere / not said), TalkDecline, TalkStop
# (bot/core/callbacks.py)

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


# --- hours --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hours:
    """When counsellors read messages: (weekday, start minute, end minute) spans, local time."""

    spans: tuple[tuple[int, int, int], ...]
    tz: str = DEFAULT_TZ
    text: str = ""

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(ZoneInfo(self.tz))
        minute = local.hour * 60 + local.minute
        return any(d == local.weekday() and a <= minute < b for d, a, b in self.spans)

    def next_open(self, when: datetime) -> datetime | None:
        """The next moment (local time) counsellors read messages; None if never."""
        local = when.astimezone(ZoneInfo(self.tz)).replace(second=0, microsecond=0)
        midnight = local.replace(hour=0, minute=0)
        starts = []
        for days_ahead in range(8):
            day = midnight + timedelta(days=days_ahead)
            for d, a, _b in self.spans:
                if d == day.weekday():
                    start = day + timedelta(minutes=a)
                    if start > local:
                        starts.append(start)
        return min(starts) if starts else None


def describe_hours(hours: Hours, lang: str) -> str:
    """The hours in the user's language: “Monday–Friday 08:00–17:00; Saturday 08:00–12:00”."""
    _ = translator(lang)
    if hours.text == "24/7":
        return _("every day, at any time")
    groups: list[list] = []  # [first day, last day, start, end]
    for d, a, b in sorted(hours.spans):
        if groups and groups[-1][1] == d - 1 and groups[-1][2:] == [a, b]:
            groups[-1][1] = d
        else:
            groups.append([d, d, a, b])
    parts = []
    for first, last, a, b in groups:
        days = (
            _(DAY_NAMES[first]) if first == last else f"{_(DAY_NAMES[first])}–{_(DAY_NAMES[last])}"
        )
        parts.append(f"{days} {a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}")
    return "; ".join(parts)


def describe_moment(when: datetime, lang: str) -> str:
    """“Monday 07/12 08:00” in the user's language (local time of the hours' zone)."""
    _ = translator(lang)
    return f"{_(DAY_NAMES[when.weekday()])} {when:%d/%m %H:%M}"


def parse_hours(text: str, tz: str = DEFAULT_TZ) -> Hours:
    """`Mon-Fri 08:00-17:00`, several with commas (`Mon-Fri 08:00-17:00, Sat 08:00-12:00`),
    `24/7`; a time zone name may end it (`... Asia/Bangkok`). ValueError says what is wrong."""
    raw = " ".join(text.split())
    parts = raw.split(" ")
    if parts and "/" in parts[-1] and parts[-1] != "24/7":
        tz = parts[-1]
        raw = " ".join(parts[:-1])
    try:
        ZoneInfo(tz)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r} (e.g. Asia/Vientiane)") from exc
    if raw.lower() in ("24/7", "always"):
        return Hours(tuple((d, 0, 24 * 60) for d in range(7)), tz, "24/7")
    spans: list[tuple[int, int, int]] = []
    for chunk in raw.split(","):
        m = re.fullmatch(
            r"\s*([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\d{1,2}):(\d\d)\s*-\s*(\d{1,2}):(\d\d)\s*",
            chunk,
        )
        if not m:
            raise ValueError(f"{chunk.strip()!r}: expected e.g. Mon-Fri 08:00-17:00")
        first, last = m.group(1).lower(), (m.group(2) or m.group(1)).lower()
        if first not in _DAYS or last not in _DAYS:
            raise ValueError(f"{chunk.strip()!r}: days are Mon Tue Wed Thu Fri Sat Sun")
        start = int(m.group(3)) * 60 + int(m.group(4))
        end = int(m.group(5)) * 60 + int(m.group(6))
        if not 0 <= start < end <= 24 * 60 or int(m.group(4)) > 59 or int(m.group(6)) > 59:
            raise ValueError(f"{chunk.strip()!r}: the start must be before the end (00:00-24:00)")
        d = _DAYS[first]
        while True:
            spans.append((d, start, end))
            if d == _DAYS[last]:
                break
            d = (d + 1) % 7
    return Hours(tuple(spans), tz, raw)


def coarse(ts: float) -> float:
    """Open and close times are kept to the hour: enough for the retention purge."""
    return float(int(ts) // COARSE_S * COARSE_S)


# --- urgent words -----------------------------------------------------------------------------
# Matched on fold()ed text (tone marks dropped, ຫນ->ໜ, Thai script turned into Lao), so each
# Lao/Thai entry is written once as its folded form.
_URGENT_LAO = (
    "ຂັງ",  # ຖືກຂັງ, ກັກຂັງ: locked in, detained (Thai ขัง)
    "ຖຶກກັກ",  # ຖືກກັກ: held
    "ຖຶກຕິ",  # ຖືກຕີ: beaten
    "ຖຸກຕິ",  # ถูกตี (Thai)
    "ຕິຂອຍ",  # ຕີຂ້ອຍ: (they) beat me
    "ທຳຮາຍ",  # ທຳຮ້າຍ / ทำร้าย: assaulted
    "ອອກບໍໄດ",  # ອອກບໍ່ໄດ້ / ออกไม่ได้: cannot get out
    "ໜິບໍໄດ",  # ໜີບໍ່ໄດ້ / หนีไม่ได้: cannot escape
    "ກັບບານບໍໄດ",  # ກັບບ້ານບໍ່ໄດ້: cannot go home
    "ຄາມະນຸດ",  # ຄ້າມະນຸດ / ค้ามนุษย์: trafficking
    "ຍຶດໜັງສຶຜານແດນ",  # ຍຶດໜັງສືຜ່ານແດນ / ยึดหนังสือเดินทาง: passport seized
    "ຍຶດພາສປອດ",
    "ຍຶດພາດສະປອດ",
    "ເອົາໜັງສຶຜານແດນຂອຍ",  # ເອົາໜັງສືຜ່ານແດນຂ້ອຍ(ໄປ): took my passport
)
_URGENT_EN = re.compile(
    r"\b(?:locked (?:in|up|me)|lock(?:s|ed)? me|beat(?:en|s)?(?: me)?|hit me|hits me|"
    r"can(?:no|')?t (?:leave|go out|escape|get out|go home)|not allowed to (?:leave|go out)|"
    r"trafficked|trafficking|traffickers?|"
    r"(?:took|taken|take|kept|keeps?|holds?|held|seized?) (?:away )?my passport|"
    r"passport (?:was |is |has been )?(?:taken|kept|seized|held)|"
    r"help me please|please help me|rape[ds]?)\b"
)
# romanised Lao, compared after the same phonetic folding as the matcher uses
_URGENT_ROMAN = tuple(
    " ".join(phonetic(w) for w in phrase.split())
    for phrase in (
        "thuk khang",
        "thuek khang",
        "took khang",
        "thuk kak",
        "thuk ti",
        "thuek ti",
        "ti khoy",
        "ti khoi",
        "ork bo dai",
        "ok bo dai",
        "ork bor dai",
        "ok bor dai",
        "ni bo dai",
        "nee bo dai",
        "kha manut",
        "kha manud",
        "ka manut",
        "nyud passport",
        "nyeud passport",
        "yud passport",
        "yued passport",
        "nyud nangsue phan daen",
    )
)


def is_urgent(text: str | None) -> bool:
    """Words about danger (locked in, beaten, cannot leave, trafficked, passport taken) in
    Lao, English, Thai script or romanised Lao. A false alarm only shows emergency numbers
    and flags the case; a miss leaves a person waiting, so the list leans wide."""
    if not text:
        return False
    key = fold(text)
    if any(w in key for w in _URGENT_LAO):
        return True
    if _URGENT_EN.search(key):
        return True
    latin = " ".join(phonetic(w) for w in re.findall(r"[a-z]+", key))
    return any(f" {p} " in f" {latin} " for p in _URGENT_ROMAN)


# --- the case -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A case as stored: a number and routing ids, never a name or a message."""

    number: int
    user_chat: int
    lang: str
    country: str | None
    thread_id: int | None  # the forum topic (groups with topics)
    header_id: int | None  # the case header message in the group
    urgent: bool
    opened_at: float
    closed_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def route_counsellor(
    thread_case: Case | None, reply_case: Case | None
) -> tuple[Case | None, str | None]:
    """Which case a counsellors' group message is for: its topic first, else the relayed
    message it replies to. (case, None) to relay; (case, "closed") when that case is closed;
    (None, None) when it is no case's message (counsellors talking among themselves)."""
    case = thread_case or reply_case
    if case is None:
        return None, None
    return (case, None) if case.is_open else (case, "closed")


# --- what counsellors see ---------------------------------------------------------------------
URGENT_MARK = "🚨 URGENT"


def topic_name(case: Case) -> str:
    """The forum topic's title (at most 128 characters): number, language, urgent mark."""
    name = f"Case {case.number} · {case.lang}"
    return f"{URGENT_MARK} · {name}" if case.urgent else name


def header_text(case: Case) -> str:
    """The first message of a case in the counsellors' group (English: the staff's working
    language; the user's language is named). No name, username, phone or user id."""
    lines = []
    if case.urgent:
        lines.append(f"{URGENT_MARK}: the person wrote words about danger (locked in, "
                     "beaten, cannot leave, trafficked or passport taken). They were shown "
                     "the emergency numbers.")  # fmt: skip
    lines.append(f"Case {case.number} · language: {LANG_NAMES.get(case.lang, case.lang)}")
    where = COUNTRY_NAMES.get(case.country or "", "not said")
    lines.append(f"Says they are in: {where}")
    lines.append(
        "Their messages follow as copies, without their name or profile. Reply to any of "
        "them (or write in this topic) to answer as “Counsellor”; /close ends the case."
    )
    return "\n".join(lines)


def after_hours_notice(case: Case, hours: Hours) -> str:
    return (
        f"Case {case.number} was opened outside counselling hours ({hours.text}). The person "
        "was told when someone will read it and given the help-line numbers."
    )


def urgent_notice(case: Case) -> str:
    return (
        f"{URGENT_MARK}: case {case.number} now contains words about danger. The person "
        "was shown the emergency numbers. Please answer first."
    )


def closed_notice(case: Case, by: str) -> str:
    """`by`: counsellor | user | forget."""
    why = {
        "counsellor": "closed by a counsellor; the person was told.",
        "user": "the person ended the conversation (/stop).",
        "forget": "the person asked the bot to forget them (/forget); their messages above "
        "stay here, the bot no longer knows whose they were.",
    }[by]
    return f"Case {case.number} closed: {why}"


def not_delivered_notice(case: Case, reason: str) -> str:
    """Said in the group when a counsellor's message cannot reach the person."""
    if reason == "closed":
        return f"Case {case.number} is closed: this message was not sent to the person."
    return (
        f"Case {case.number}: the person can no longer be reached (they blocked the bot "
        "or deleted their account). The message was not delivered."
    )


# --- what the user sees -------------------------------------------------------------------------
def talk_button(lang: str) -> Button:
    _ = translator(lang)
    return Button(_("👤 Talk to a person"), Talk())


def _not_emergency(place) -> bool:
    return not any(p.short_code and len(p.dial) <= 3 for p in place.callable_phones)


def help_lines(directory: Directory | None, country: str | None, lang: str) -> str:
    """Verified help-line numbers of the country the user is in (all four when unknown).
    A number marked unverified in the directory is never shown as one to call."""
    _ = translator(lang)
    if directory is None:
        return ""
    countries = (country,) if country in COUNTRIES else COUNTRIES
    parts = []
    for c in countries:
        lines = []
        # emergency services (three-digit short codes: 191, 112, 110) first
        places = sorted(hotlines(directory, c, verified_only=True), key=_not_emergency)
        for place in places:
            numbers = ", ".join(
                f"{p.number} ({p.note[lang]})" if p.note else p.number
                for p in place.callable_phones
            )
            lines.append(f"☎ {numbers} – {place.name[lang]}")
        if lines:
            parts.append(_(LOCAL_NAMES[c]) + ":\n" + "\n".join(lines))
    return "\n\n".join(parts)


def consent_turn(lang: str) -> Turn:
    _ = translator(lang)
    text = _(
        "You can write to a counsellor of the organisation that runs this bot: trained "
        "staff who help migrants and their families.\n\n"
        "• They read only what you write or send here (text, photos, voice messages, "
        "documents).\n"
        "• They do NOT see your name, username, phone number or profile, unless you write "
        "them yourself.\n"
        "• The bot does not keep your messages; it keeps only a case number to pass the "
        "answers back to you.\n"
        "• You can stop at any time with /stop.\n\n"
        "Do you want to start? Tell us where you are now, so we can give you the right "
        "emergency numbers."
    )
    rows = tuple((Button(_(COUNTRY_LABELS[c]), TalkConsent(c)),) for c in (*COUNTRIES, "XX"))
    return Turn(
        [
            Reply(
                text,
                title=_("Talk to a person"),
                buttons=(*rows, (Button(_("✖️ No, thanks"), TalkDecline()),)),
            )
        ]
    )


def declined_turn(lang: str) -> Turn:
    _ = translator(lang)
    return Turn([Reply(_("All right. You can ask me again at any time with /talk."))])


def off_turn(lang: str, lines: str) -> Turn:
    """/talk when no counsellors' group is set up."""
    _ = translator(lang)
    text = _("Talking to a person through this bot is not available here. For help now:")
    return Turn([Reply(f"{text}\n\n{lines}" if lines else text)])


def opened_turn(
    case: Case, lang: str, hours: Hours, open_now: bool, next_open: datetime | None, lines: str
) -> Turn:
    _ = translator(lang)
    text = _(
        "You are connected (case {number}). Write your message now: each message, photo, "
        "voice message or document you send goes to the counsellors. Their answers come "
        "here, marked “Counsellor”. Send /stop to end.",
        number=case.number,
    )
    replies = [Reply(text, buttons=((Button(_("⏹ Stop"), TalkStop()),),))]
    if not open_now:
        when = describe_moment(next_open, lang) if next_open else ""
        later = _(
            "Counsellors read messages {hours} (time in Laos). It is outside these hours now: "
            "someone will read your message from {when}.",
            hours=describe_hours(hours, lang),
            when=when,
        )
        replies.append(Reply(f"{later}\n\n" + _("If you need help now:") + f"\n\n{lines}"))
    return Turn(replies)


def already_open_turn(case: Case, lang: str) -> Turn:
    _ = translator(lang)
    return Turn(
        [
            Reply(
                _(
                    "You are already connected to a counsellor (case {number}). Just write "
                    "your message. Send /stop to end.",
                    number=case.number,
                )
            )
        ]
    )


def urgent_turn(lang: str, lines: str) -> Turn:
    _ = translator(lang)
    text = _(
        "If you are in danger now, call for help straight away. Your message is going to "
        "the counsellors and is marked urgent."
    )
    return Turn([Reply(f"{text}\n\n{lines}", title=_("Emergency numbers"))])


def closed_turn(case: Case, lang: str, by: str) -> Turn:
    _ = translator(lang)
    if by == "counsellor":
        text = _(
            "The counsellor closed this conversation (case {number}). Your messages are no "
            "longer sent. To talk again, send /talk.",
            number=case.number,
        )
    else:
        text = _(
            "You ended the conversation (case {number}). Your messages are no longer sent "
            "to the counsellors. To talk again, send /talk.",
            number=case.number,
        )
    return Turn([Reply(text)])


def nothing_open_turn(lang: str) -> Turn:
    _ = translator(lang)
    return Turn([Reply(_("You are not talking to a counsellor now. To start, send /talk."))])


def forget_note(lang: str) -> Reply:
    _ = translator(lang)
    return Reply(
        _(
            "Your conversation with the counsellors is closed and the bot no longer knows "
            "which case was yours. Messages you already sent stay in the counsellors' group."
        )
    )


def unreachable_turn(lang: str, lines: str) -> Turn:
    """The counsellors' group cannot be reached: never silence."""
    _ = translator(lang)
    text = _(
        "Sorry, your message could not reach the counsellors right now. Please try again "
        "later. If you need help now:"
    )
    return Turn([Reply(f"{text}\n\n{lines}" if lines else text)])


def counsellor_label(lang: str) -> str:
    _ = translator(lang)
    return _("👤 Counsellor")
