"""Greetings, thanks, goodbye, "who are you", "are you a person": small talk.

A message that is nothing but small talk gets a short friendly reply instead of
"I don't know" (and is not recorded as an unanswered question). A message that
also asks something ("hello, how much is the MOU?") is not small talk: it goes
to the matcher. Phrases are compared on the fold() key, so Thai script, missing
tone marks and old spellings are covered by the Lao forms; romanised Lao and
English are listed as typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bot.core.text import fold
from bot.i18n import N_, translator

# kind -> phrases (Lao script, Thai script, English, romanised Lao). Order of
# kinds matters when one message mixes them: the first kind found wins.
PHRASES: dict[str, tuple[str, ...]] = {
    "human": (
        "are you a person", "are you a human", "are you human", "are you a bot",
        "are you a robot", "are you real", "are you a real person", "is this a bot",
        "is this a real person", "is this a person", "am i talking to a person",
        "am i talking to a bot", "am i talking to a human", "real person", "human or bot",
        "bot or human", "bot or a person", "bot or a real person", "bot or real person",
        "ແມ່ນຄົນຫຼືແມ່ນບອດ", "ເປັນຄົນຫຼືເປັນບອດ", "ບອດຫຼືຄົນ", "เป็นบอทหรือคนจริง", "บอทหรือคน",
        "ເຈົ້າແມ່ນຄົນບໍ່", "ແມ່ນຄົນບໍ່", "ແມ່ນຄົນແທ້ບໍ່", "ເປັນຄົນບໍ່", "ເປັນຄົນແທ້ບໍ່",
        "ແມ່ນຫຸ່ນຍົນບໍ່", "ແມ່ນບອດບໍ່", "ເປັນບອດບໍ່", "ຄົນ ຫຼື ບອດ", "ຄົນຫຼືບອດ",
        "เป็นคนหรือเปล่า", "เป็นคนจริงไหม", "เป็นบอทไหม", "คนหรือบอท",
        "pen khon bo", "maen khon bo", "men khon bo", "pen bot bo", "maen bot bo",
        "men bot bo", "pen khon tae bo",
    ),
    "who": (
        "who are you", "what are you", "what is this bot", "what is this", "what can you do",
        "what do you do", "what is your name", "whats your name", "your name",
        "ເຈົ້າແມ່ນໃຜ", "ແມ່ນໃຜ", "ເຈົ້າຊື່ຫຍັງ", "ຊື່ຫຍັງ", "ເຈົ້າເຮັດຫຍັງໄດ້ແດ່",
        "คุณเป็นใคร", "เป็นใคร", "ชื่ออะไร",
        "jao maen phai", "jao men pai", "chao maen phai", "maen phai", "men phai",
        "jao xue yang", "jao sue nyang", "sue nyang",
    ),
    "bye": (
        "goodbye", "good bye", "bye bye", "bye", "see you", "see you later", "good night",
        "ລາກ່ອນ", "ໄປກ່ອນເດີ", "ພົບກັນໃໝ່", "ແລ້ວພົບກັນໃໝ່", "ລາຕອນ", "ແລ້ວລົມກັນໃໝ່",
        "ลาก่อน", "บ๊ายบาย", "บาย", "แล้วเจอกัน", "ไว้คุยกันใหม่",
        "la kon", "la gon", "pop kan mai",
    ),
    "thanks": (
        "thank you", "thanks", "thank u", "thx", "thanx", "ty", "many thanks", "thank you bot",
        "ຂອບໃຈ", "ຂອບໃຈຫຼາຍ", "ຂອບໃຈຫຼາຍໆ", "ຂອບໃຈເດີ", "ຂອບຄຸນ", "ຂອບໃຈຈ້າ",
        "ขอบคุณ", "ขอบใจ",
        "khop jai", "khob jai", "khop chai", "khob chai", "khopjai", "khobjai", "kop jai",
        "khop khun", "khob khun", "ok", "okay", "ok thanks", "got it", "ໂອເຄ", "โอเค",
    ),
    "hello": (
        "hello", "hi", "hey", "hiya", "helo", "hallo", "good morning", "good afternoon",
        "good evening", "morning", "greetings", "how are you", "how r u",
        "ສະບາຍດີ", "ສະບາຍດີບໍ່", "ຫວັດດີ", "ສະບາຍດີຕອນເຊົ້າ", "ເປັນແນວໃດແດ່",
        "สวัสดี", "หวัดดี", "สบายดีไหม", "สบายดี",
        "sabaidee", "sabaidi", "sabai dee", "sabai di", "sabaidee bo", "sbd", "watdee",
        # "have you eaten?" is how Lao and Thai people greet
        "ກິນເຂົ້າແລ້ວບໍ່", "ກິນເຂົ້າຫຼືຍັງ", "กินข้าวหรือยัง", "kin khao laeo bo", "kin khao leo bo",
    ),
}  # fmt: skip

# words that may come with small talk without making it a question
FILLER = (
    "bot", "you", "u", "a", "so", "much", "very", "lot", "lots", "too", "again", "all",
    "dear", "sir", "madam", "friend", "admin", "oh", "there", "guys", "everyone",
    "na", "ka", "krub", "khrap", "khap", "kha", "jao", "lai", "der", "de", "nong", "phi", "and", "or",
    "ຫຼາຍ", "ເດີ", "ເດ", "ຄັບ", "ເຈົ້າ", "ຂະໜ້ອຍ", "ນ້ອງ", "ພີ່", "ແດ່", "ນະ", "ເນາະ", "ບອດ",
    "ແອັດມິນ", "ແອດມິນ", "ຈ້າ", "ເຈົ້າຂ້ອຍ", "ທ່ານ", "ແລະ",
    "ครับ", "ค่ะ", "คะ", "จ้า", "นะ", "มาก", "และ",
)  # fmt: skip

REPLIES = {
    "hello": N_("Hello! I answer questions about working abroad safely. Ask me anything, or choose a topic."),
    "thanks": N_("You're welcome! Ask again any time. Stay safe."),
    "bye": N_("Goodbye, and stay safe! Come back any time you have a question."),
    "who": N_(
        "I am a bot that answers questions about working abroad safely and legally "
        "(Thailand, South Korea, Japan): costs, documents, rights and fraud. "
        "When I am not sure, I say so and show you who can help."
    ),
    "human": N_(
        "I am a bot, not a person. For a person, call a hotline or visit a service centre "
        "(buttons below)."
    ),
}  # fmt: skip


def _key(text: str) -> str:
    """fold(), then punctuation, symbols (emoji) and digits out; single spaces."""
    kept = (" " if unicodedata.category(ch)[0] in "PSNZC" else ch for ch in fold(text))
    return " ".join("".join(kept).split())


def _alternation(keys: set[str]) -> str:
    """Longest first, so ສະບາຍດີ is taken whole before ບາຍ (Thai "bye") inside it;
    Latin phrases only as whole words."""
    ordered = sorted((k for k in keys if k), key=len, reverse=True)
    return "|".join(rf"(?<![a-z]){re.escape(k)}(?![a-z])" for k in ordered)


@cache
def _phrases() -> tuple[dict[str, str], re.Pattern[str]]:
    kind_of = {}
    for kind in reversed(PHRASES):  # the first kind listed wins a phrase listed twice
        kind_of |= {_key(p): kind for p in PHRASES[kind]}
    return kind_of, re.compile(_alternation(set(kind_of)))


@cache
def _filler() -> re.Pattern[str]:
    return re.compile(_alternation({_key(w) for w in FILLER}))


def small_talk(text: str) -> str | None:
    """The kind of small talk ("hello", "thanks", "bye", "who", "human") when the
    message is nothing else; None when it asks or says something more."""
    key = _key(text[:200])
    kind_of, pattern = _phrases()
    kinds = {kind_of[m] for m in pattern.findall(key)}
    if not kinds or _filler().sub(" ", pattern.sub(" ", key)).strip():
        return None
    return next(k for k in PHRASES if k in kinds)


def reply_text(kind: str, lang: str) -> str:
    """The short friendly answer to a kind of small talk, in `lang`."""
    return translator(lang)(REPLIES[kind])
