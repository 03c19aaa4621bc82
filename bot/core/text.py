"""All text folding in one place: Lao encodings, Thai script, romanised Lao, English.

Content indexing and question reading both go through `fold()` and `tokens()`,
so a variant and a question that differ only in encoding meet in the same key.
Findings behind each rule: ../shared/LAO_TEXT.md. rapidfuzz's default_process is
never used: it turns Lao vowel and tone marks into spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- Lao character classes -------------------------------------------------------
LAO_RANGE = "\u0e80-\u0eff"
THAI_RANGE = "\u0e00-\u0e7f"
TONES = "\u0ec8\u0ec9\u0eca\u0ecb"
LEADING_VOWELS = "\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4"  # ເ ແ ໂ ໃ ໄ
UPPER_VOWELS = "\u0eb1\u0eb4\u0eb5\u0eb6\u0eb7\u0ebb\u0ecd"  # ັ ິ ີ ຶ ື ົ ໍ
LOWER_VOWELS = "\u0eb8\u0eb9"  # ຸ ູ
FOLLOW_VOWELS = "\u0eb2\u0eb3\u0ebd"  # າ ຳ ຽ
SHORT_A = "\u0eb0"  # ະ closes a syllable
SUBSCRIPT_L = "\u0ebc"  # ຼ
VOWEL_MARKS = UPPER_VOWELS + LOWER_VOWELS + FOLLOW_VOWELS + SHORT_A + TONES
LAO_CONSONANTS = set("ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮ\u0e8d\u0ea3\u0ea7\u0edc\u0edd\u0ede\u0edf")
FINALS = set("ກງດນບມຍວ")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

_RE_TONE_BEFORE_VOWEL = re.compile(f"([{TONES}])([{UPPER_VOWELS}{LOWER_VOWELS}])")
_RE_DOUBLE_TONE = re.compile(f"([{TONES}])[{TONES}]+")
_RE_LAO_SPACE = re.compile(f"(?<=[{LAO_RANGE}])\\s+(?=[{LAO_RANGE}])")
_RE_THAI = re.compile(f"[{THAI_RANGE}]")
_RE_LAO_LETTER = re.compile("[\u0e81-\u0eae\u0edc-\u0edf]")
_RE_LATIN = re.compile("[a-z]")

_DIGITS = {0x0ED0 + i: str(i) for i in range(10)} | {0x0E50 + i: str(i) for i in range(10)}

# ຳ / ำ typed as two characters (ໍ + າ, ํ + า; NFKC's decomposition, produced by
# some keyboards and web pages), with or without a tone mark in between or before.
_RE_LAO_AM = re.compile(f"([{TONES}]?)\u0ecd([{TONES}]?)\u0eb2")
_RE_THAI_AM = re.compile("([\u0e48-\u0e4b]?)\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# a combining mark typed twice in a row (ີີ, ້້, ัั): once is what was meant
_RE_DOUBLE_MARK = re.compile(
    "([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd])\\1+"
)
_RE_SURROGATE = re.compile("[\ud800-\udfff]")

# Spelling variants folded to one form (display keeps the user's text).
_SPELLING = [
    ("\u0ecd\u0eb2", "\u0eb3"),  # ໍ + າ -> ຳ
    ("\u0eab\u0e99", "\u0edc"),  # ຫນ -> ໜ
    ("\u0eab\u0ea1", "\u0edd"),  # ຫມ -> ໝ
    ("\u0eab\u0ea5", "\u0eab\u0ebc"),  # ຫລ -> ຫຼ
]

# Only in the matching key: differences people make while typing on a phone.
_KEY_FOLD = str.maketrans(
    {
        "\u0eb5": "\u0eb4",  # ີ -> ິ (long/short i)
        "\u0eb7": "\u0eb6",  # ື -> ຶ
        "\u0eb9": "\u0eb8",  # ູ -> ຸ
        "\u0ec3": "\u0ec4",  # ໃ -> ໄ
        "\u0ea3": "\u0ea5",  # ຣ -> ລ (old spelling, Thai ร)
        "\u0ec6": "",  # ໆ repetition mark
        **dict.fromkeys(map(ord, TONES), None),
    }
)


def normalize(text: str) -> str:
    """Canonical spelling for display and storage: one encoding per Lao word.

    Keeps tone marks and spaces; converts Thai script to Lao; ASCII digits.
    """
    text = unicodedata.normalize("NFC", clean(text)).translate(ZERO_WIDTH)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text)
    text = text.translate(_DIGITS)
    text = _RE_DOUBLE_MARK.sub(r"\1", text)
    if _RE_THAI.search(text):
        text = thai_to_lao(_RE_THAI_AM.sub("\\1\\2\u0e33", text))
    text = _RE_LAO_AM.sub("\\1\\2\u0eb3", text)
    for old, new in _SPELLING:
        text = text.replace(old, new)
    text = _RE_TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    text = _RE_DOUBLE_TONE.sub(r"\1", text)
    return " ".join(text.casefold().split())


def clean(text: str) -> str:
    """Text safe to store and send: lone surrogates (invalid UTF-8, they crash
    sqlite and the Telegram API) become U+FFFD. Everything else is kept as typed."""
    return _RE_SURROGATE.sub("\ufffd", text)


def fold(text: str) -> str:
    """The matching key: normalize(), then drop tone marks, fold vowel-length and
    ໃ/ໄ confusions, and remove spaces inside Lao (Lao has no word spaces)."""
    key = normalize(text).translate(_KEY_FOLD)
    return _RE_LAO_SPACE.sub("", key)


# fold() of content texts only (FAQ variants), never of people's questions, which are
# not kept in memory: every load checks ~4,500 variants and every index build reads
# them, mostly the same texts each time (a reload, an admin's preview)
fold_content = lru_cache(maxsize=1 << 16)(fold)


# --- Segmentation ----------------------------------------------------------------
def lao_syllables(run: str) -> list[str]:
    """Split a run of Lao letters (spaces removed) into syllables.

    Dictionary-free, so it copes with typos: optional leading vowel, initial
    consonant (+ cluster), vowel marks, optional final consonant.
    """
    out: list[str] = []
    i, n = 0, len(run)

    def is_mark(k: int) -> bool:
        return k < n and (run[k] in VOWEL_MARKS or run[k] == SUBSCRIPT_L)

    while i < n:
        start = i
        if run[i] in LEADING_VOWELS:
            i += 1
        if i < n and run[i] in LAO_CONSONANTS:
            i += 1
            # clusters: ຼ, ຫ + sonorant, consonant + ວ/ລ before a vowel
            if (
                (i < n and run[i] == SUBSCRIPT_L)
                or (i < n and run[i] in "ງຍນມລວ" and run[i - 1] == "ຫ" and is_mark(i + 1))
                or (i < n and run[i] in "ວລ" and is_mark(i + 1) and run[i + 1] != SHORT_A)
            ):
                i += 1
            had_vowel = False
            while i < n and run[i] in VOWEL_MARKS and run[i] != SHORT_A:
                i += 1
                had_vowel = True
            if i < n and run[i] == SHORT_A:
                out.append(run[start : i + 1])
                i += 1
                continue
            # ອ / ວ as vowel letters (ສອບ, ເມືອງ, ກວດ)
            if i < n and run[i] in "ອວ" and not is_mark(i + 1):
                i += 1
                had_vowel = True
            if i < n and run[i] in FINALS and not is_mark(i + 1):
                # a bare consonant followed by a consonant+vowel: implicit vowel + final
                i += 1
            elif not had_vowel and i < n and run[i] in LAO_CONSONANTS and not is_mark(i + 1):
                i += 1
        else:
            i = max(i, start + 1)
        out.append(run[start:i])
    return [s for s in out if s]


_RE_TOKEN = re.compile(f"[{LAO_RANGE}]+|[a-z]+|[0-9]+")
# "won't" is "will not", "can't" "can not", any other "n't" "not" (' ’ ‘), and typed
# without the apostrophe too ("didnt")
_RE_NOT = re.compile(r"\b(?:(won)|(can)|([a-z]+))['’‘]t\b")
_NOT_WORDS = frozenset(
    ["dont", "didnt", "doesnt", "isnt", "cant", "wont", "hasnt", "havent", "hadnt", "wasnt",
     "werent", "arent", "couldnt", "wouldnt", "shouldnt"]
)  # fmt: skip

EN_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "their",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "and",
        "or",
        "but",
        "if",
        "so",
        "than",
        "then",
        "too",
        "very",
        "just",
        "please",
        "tell",
        "know",
        "want",
        "need",
        "get",
        "got",
        "have",
        "has",
        "had",
        "any",
        "some",
        "much",
        "many",
        "there",
        "s",
        "t",
        "don",
        "doesn",
        "isn",
        "im",
        "id",
        "ive",
        # the rest of contractions, typed with or without the apostrophe ("didn't",
        # "dont", "I'm"): left over they were words no entry uses, and weighed most
        "m",
        "ll",
        "re",
        "ve",
        "d",
        "didn",
        "wasn",
        "weren",
        "aren",
        "couldn",
        "wouldn",
        "shouldn",
        "hasn",
        "haven",
        "hadn",
        "youre",
        "doing",
    ]
)


def stem_en(word: str) -> str:
    """A crude suffix stripper: works/working/worked -> work. Enough for fuzzy matching."""
    for suf in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            base = word[: -len(suf)]
            if suf in ("ies", "ied"):
                return base + "y"
            if suf == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
                return base + "e"
            if suf in ("ing", "ed", "ings") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]
            return base
    return word


_ROM_RULES = [
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("ch", "s"),
    ("x", "s"),
    ("j", "s"),
    ("z", "s"),
    ("v", "w"),
    ("ue", "u"),
    ("eu", "u"),
    ("ou", "u"),
    ("oo", "o"),
    ("ee", "i"),
    ("y", "i"),
    ("r", "l"),
    ("h", ""),
]


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """Rough phonetic key for Latin words, so romanised Lao spelt many ways meets
    ("viak"/"wiak", "ngeun"/"ngoen", "thao"/"tao"). Applied to English too, on both sides."""
    w = word
    for old, new in _ROM_RULES:
        w = w.replace(old, new)
    w = re.sub(r"(.)\1+", r"\1", w)
    return w or word


@lru_cache(maxsize=65536)
def _latin_token(word: str) -> str:
    return stem_en(word)


def _not(m: re.Match[str]) -> str:
    if m.group(1):
        return "will not"
    if m.group(2):
        return "can not"
    word = m.group(3)
    return (word[:-1] if word.endswith("n") else word) + " not"


def tokens(text: str, *, folded: bool = False) -> list[str]:
    """Matching tokens: Lao syllables, Latin words (stop words out, stemmed)
    and numbers (the matcher adds phonetic keys of Latin words as features). `folded=True` when text is already fold()ed."""
    key = text if folded else fold(text)
    if "t" in key:
        key = _RE_NOT.sub(_not, key)
    out: list[str] = []
    for m in _RE_TOKEN.finditer(key):
        tok = m.group()
        if tok[0] in "0123456789":
            out.append(tok)
        elif "a" <= tok[0] <= "z":
            if tok in _NOT_WORDS:
                out.append("not")
            elif tok not in EN_STOP:
                out.append(_latin_token(tok))
        else:
            out.extend(lao_syllables(tok))
    return out


def segment(text: str) -> list[str]:
    """Syllables of normalised text, tone marks kept (for display and tests)."""
    out: list[str] = []
    for m in re.finditer(f"[{LAO_RANGE}]+|[^\\s{LAO_RANGE}]+", normalize(text)):
        tok = m.group()
        out.extend(lao_syllables(tok) if re.match(f"[{LAO_RANGE}]", tok) else [tok])
    return out


# --- Destination countries named in a question ------------------------------------
# the countries' names (also left out of the matching tokens, see without_countries) ...
_COUNTRY_NAMES = {
    "TH": {"thailand", "thai", "tailand", "thailan"},
    "KR": {"korea", "korean", "kaoli", "kaoly", "kaolee", "gaoli", "kauli", "koera", "korae",
           "kolea"},
    "JP": {"japan", "japanese", "yipun", "nyipun", "yipoun", "jipun", "yeepoon", "japn", "nihon"},
}  # fmt: skip
# ... and words that name the country too: cities (_CITIES_*), schemes; these stay
# matching tokens (a city says where, so coverage leaves it out: without_cities)
_CITIES_LATIN = {
    "TH": {"bangkok", "pattaya", "chonburi", "rayong", "samutsakhon", "samutprakan",
           "chiangmai", "khonkaen", "udon", "nongkhai", "phuket", "ayutthaya"},
    "KR": {"seoul", "busan", "incheon", "jeju", "gyeonggi"},
    "JP": {"tokyo", "osaka", "nagoya", "fukuoka", "kyoto"},
}  # fmt: skip
_COUNTRY_LATIN = {
    "TH": _COUNTRY_NAMES["TH"] | _CITIES_LATIN["TH"] | {"tai", "mou"},
    "KR": _COUNTRY_NAMES["KR"] | _CITIES_LATIN["KR"] | {"eps", "topik"},
    "JP": _COUNTRY_NAMES["JP"] | _CITIES_LATIN["JP"] | {"titp", "ssw", "jft", "jlpt", "tokutei",
                                                      "ginou"},
}  # fmt: skip
_CITIES_LAO = {  # in Lao and Thai script; compared fold()ed (no tone marks)
    "TH": ["ບາງກອກ", "ກຸງເທບ", "ຊົນບຸລິ", "ລະຍອງ", "ຂອນແກ່ນ", "ອຸດອນ", "ໜອງຄາຍ", "ພັດທະຍາ",
           "ພູເກັດ", "ສະມຸດສາຄອນ", "ສະມຸດປາການ", "ມະຫາໄຊ", "ຊຽງໃໝ່", "กรุงเทพ", "ขอนแก่น",
           "อุดร", "หนองคาย", "พัทยา", "ภูเก็ต", "สมุทรสาคร", "สมุทรปราการ", "มหาชัย",
           "เชียงใหม่", "ชลบุรี", "ระยอง"],
    "KR": ["ໂຊລ", "ເຊອລ", "ປູຊານ", "ບູຊານ", "ອິນຊອນ", "ເຊຈູ", "ແດກູ", "ปูซาน", "อินชอน",
           "เชจู"],
    "JP": ["ໂຕກຽວ", "ໂຕກິໂອ", "ໂອຊາກາ", "ນາໂກຢາ", "ຟຸກຸໂອກະ", "ຟູກູໂອກາ", "ກຽວໂຕ", "ກິວໂຕ",
           "โตเกียว", "โอซาก้า", "นาโกย่า", "ฟุกุโอกะ", "เกียวโต"],
}  # fmt: skip
_COUNTRY_LAO = {
    "TH": ["ໄທ", *_CITIES_LAO["TH"]],
    "KR": ["ເກົາຫຼ", "ເກົາລ", "ເກົາຫລ", *_CITIES_LAO["KR"]],
    "JP": ["ຍິປຸນ", "ຢິປຸນ", *_CITIES_LAO["JP"]],
}
# (not ໂຊນ for Seoul: it is also the Lao word for "zone")


@lru_cache(maxsize=1)
def _country_lao() -> tuple[tuple[str, frozenset[str]], ...]:
    """_COUNTRY_LAO fold()ed, as questions are: Thai script in Lao letters, no tone marks."""
    return tuple((c, frozenset(fold(n) for n in names)) for c, names in _COUNTRY_LAO.items())


# ... and the capital people leave from ("the bus from Vientiane to Bangkok")
_FROM_LATIN = frozenset(["vientiane", "viangchan", "wiangchan"])
_FROM_LAO = ("ວຽງຈັນ",)


@lru_cache(maxsize=1)
def _city_keys() -> tuple[frozenset[str], re.Pattern[str]]:
    latin = frozenset(w for names in _CITIES_LATIN.values() for w in names) | _FROM_LATIN
    lao = {fold(n) for names in [*_CITIES_LAO.values(), _FROM_LAO] for n in names}
    return latin, re.compile("|".join(sorted(map(re.escape, lao), key=len, reverse=True)))


def without_cities(key: str) -> str:
    """A fold()ed question without the destination cities it names (Bangkok, ຂອນແກ່ນ,
    โซล, Osaka) and Vientiane: a city says where (countries_in) or where from, not what
    is asked."""
    latin, lao = _city_keys()
    key = lao.sub(" ", key)
    return " ".join(w for w in key.split(" ") if w not in latin)


def countries_in(text: str, *, folded: bool = False) -> frozenset[str]:
    """Destination countries a question names (TH/KR/JP), in any script and in
    romanised spellings typed with or without spaces ("kao li", "ji pun")."""
    key = text if folded else fold(text)
    words = re.findall("[a-z]+", key)
    joined = "".join(words)
    found = set()
    for country, names in _COUNTRY_LATIN.items():
        if any(w in names for w in words) or any(len(n) >= 5 and n in joined for n in names):
            found.add(country)
    found |= {c for c, names in _country_lao() if any(n in key for n in names)}
    return frozenset(found)


# Country names as matching tokens (after fold() and tokens()): the matcher takes
# the destination as a signal of its own (countries_in) and scores the rest of the
# question without them, so "Korea" in every Korea entry does not drown the words
# that tell the Korea entries apart. Schemes (EPS, MOU, SSW) stay: they say more.
_COUNTRY_TOKENS = frozenset(
    stem_en(w) for names in _COUNTRY_NAMES.values() for w in [*names, "south"]
) | frozenset(["ໄທ"])
_COUNTRY_PAIRS = frozenset(
    [("ເກົາ", "ຫຼິ"), ("ເກົາ", "ລິ"), ("ຍິ", "ປຸນ"), ("ຢິ", "ປຸນ"), ("kao", "li"), ("yi", "pun"),
     ("ji", "pun"), ("nyi", "pun")]
)  # fmt: skip


def without_countries(toks: list[str]) -> list[str]:
    """Matching tokens minus the names of destination countries (Thailand, Korea,
    Japan in Lao, English, romanised; "south" of South Korea and ໃຕ້ after ເກົາຫຼີ)."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        if i + 1 < len(toks) and (toks[i], toks[i + 1]) in _COUNTRY_PAIRS:
            i += 2
            if i < len(toks) and toks[i] == "ໄຕ":
                i += 1
            continue
        if toks[i] not in _COUNTRY_TOKENS:
            out.append(toks[i])
        i += 1
    return out


# --- Other places a question may name ----------------------------------------------
# Destinations and cities the content does not cover unless an entry names them (a
# question about Malaysia must not get the Thailand answer). Thai spellings become Lao
# through fold(), so only Lao, English and romanised forms are listed.
_PLACES_LATIN = frozenset(
    [
        "malaysia",
        "singapore",
        "taiwan",
        "australia",
        "israel",
        "dubai",
        "uae",
        "emirates",
        "qatar",
        "saudi",
        "kuwait",
        "oman",
        "poland",
        "china",
        "chinese",
        "hongkong",
        "macau",
        "vietnam",
        "cambodia",
        "myanmar",
        "burma",
        "philippines",
        "indonesia",
        "brunei",
        "india",
        "canada",
        "usa",
        "america",
        "european",
        "europe",
        "france",
        "paris",
        "germany",
        "england",
        "uk",
        "britain",
        "italy",
        "russia",
        "zealand",
        "newzealand",
        "boten",
        "mohan",
    ]
)
_PLACES_LAO = (
    "ມາເລເຊຍ", "ມາເລເຊັຍ", "ສິງກະໂປ", "ສິງກະໂປຣ", "ໄຕ້ຫວັນ", "ອົດສະຕຣາລີ", "ອົດສະຕາລີ",
    "ອອດສະເຕຣເລຍ", "ອິດສະຣາເອນ", "ອິສຣາເອນ", "ດູໄບ", "ກາຕາ", "ຊາອຸດີ", "ຄູເວດ", "ໂປແລນ",
    "ຈີນ", "ຮົງກົງ", "ຫວຽດນາມ", "ກຳປູເຈຍ", "ມຽນມາ", "ພະມ້າ", "ຟີລິບປິນ", "ອິນໂດເນເຊຍ",
    "ການາດາ", "ອາເມລິກາ", "ອາເມຣິກາ", "ຢູໂຣບ", "ເອີຣົບ", "ຝຣັ່ງ", "ປາຣີ", "ເຢຍລະມັນ",
    "ອັງກິດ", "ອີຕາລີ", "ຣັດເຊຍ", "ນິວຊີແລນ", "ບໍ່ເຕັນ",
    "มาเลเซีย", "สิงคโปร์", "ไต้หวัน", "ออสเตรเลีย", "อิสราเอล", "ดูไบ", "กาตาร์",
    "ซาอุ", "จีน", "ฮ่องกง", "เวียดนาม", "กัมพูชา", "พม่า", "แคนาดา", "อเมริกา", "ยุโรป",
    "ฝรั่งเศส", "เยอรมัน", "อังกฤษ", "นิวซีแลนด์",
)  # fmt: skip


@lru_cache(maxsize=1)
def _places_lao() -> frozenset[str]:
    return frozenset(fold(p) for p in _PLACES_LAO)


def places_in(text: str, *, folded: bool = False) -> frozenset[str]:
    """Other places (countries, cities) a question names, as fold() keys: "malaysia",
    "ມາເລເຊຍ". An entry that never names the place cannot answer the question."""
    key = text if folded else fold(text)
    found = {w for w in re.findall("[a-z]+", key) if w in _PLACES_LATIN}
    found |= {p for p in _places_lao() if p in key}
    return frozenset(found)


_RE_IN_LAOS = re.compile(
    "(?<![a-z])(laos|in lao|yu lao|nai lao)(?![a-z])|ຢຸລາວ|ໄນລາວ|ປະເທດລາວ|ທິລາວ|ຢຸວຽງຈັນ"  # fold() keys: ຢູ່ -> ຢຸ, ໃນ -> ໄນ
)


def names_laos(text: str, *, folded: bool = False) -> bool:
    """The question is about Laos itself ("minimum wage in Laos", "ຢູ່ລາວ"), not about a
    destination: an entry about Thailand, Korea or Japan does not answer it."""
    return bool(_RE_IN_LAOS.search(text if folded else fold(text)))


# --- Language --------------------------------------------------------------------
ROMANISED_LAO = frozenset(
    [
        "pai",
        "pay",
        "bai",
        "het",
        "hed",
        "viak",
        "wiak",
        "viek",
        "wiek",
        "ngoen",
        "ngeun",
        "ngun",
        "thao",
        "tao",
        "dai",
        "bo",
        "bor",
        "yu",
        "you",
        "sai",
        "laeo",
        "leo",
        "khoy",
        "khoi",
        "koy",
        "chao",
        "jao",
        "kao",
        "kaoli",
        "kaolee",
        "yipun",
        "yipoun",
        "nyipun",
        "muang",
        "meuang",
        "ban",
        "sabaidee",
        "sabaidi",
        "khop",
        "khob",
        "jai",
        "chai",
        "mi",
        "mee",
        "lai",
        "lay",
        "nai",
        "bor",
        "nang",
        "seu",
        "sue",
        "pasa",
        "phasa",
        "phasport",
        "kham",
        "kha",
        "kan",
        "kanh",
        "sang",
        "song",
        "hong",
        "hian",
        "hean",
        "thi",
        "ti",
        "pen",
        "ben",
        "bpen",
        "nam",
        "nyang",
        "nhang",
        "nyung",
        "yang",
        "naeo",
        "neo",
        "dae",
        "der",
        "de",
        "ngan",
        "ngarn",
        "kon",
        "khon",
        "lao",
        "thai",
    ]
)


# More romanised Lao syllables common in questions ("tong sop nyang", "jaeng khuam yu sai").
# Words that are also English ("you", "pay", "ban", "lao", "thai") do not vote.
ROMANISED_LAO = ROMANISED_LAO | frozenset(
    [
        "nyang",
        "yang",
        "sop",
        "seng",
        "tong",
        "jak",
        "chak",
        "kho",
        "khor",
        "nai",
        "na",
        "neo",
        "nyeo",
        "kap",
        "kab",
        "tang",
        "duean",
        "deuan",
        "hak",
        "huk",
        "tit",
        "ni",
        "nee",
        "beu",
        "ber",
        "tho",
        "toh",
        "duan",
        "suay",
        "suai",
        "luea",
        "leua",
        "heng",
        "haeng",
        "khanaen",
        "thammada",
        "bat",
        "jep",
        "kong",
        "thun",
        "thot",
        "thaen",
        "sun",
        "bolikan",
        "jat",
        "chat",
        "ha",
        "jaeng",
        "chaeng",
        "khuam",
        "kwam",
        "tom",
        "tum",
        "tun",
        "ton",
        "khan",
        "don",
        "pan",
        "ngan",
        "phai",
        "pian",
        "pien",
        "laeo",
        "leo",
        "hu",
        "huu",
        "ao",
        "aw",
        "eng",
        "phuak",
        "hao",
        "mae",
        "pho",
        "nong",
        "ai",
        "euay",
        "lot",
        "sia",
        "sia",
        "dai",
        "dae",
        "dee",
        "di",
        "boh",
        "baw",
        "maen",
        "men",
        "ja",
        "si",
        "thuek",
        "thuk",
        "phit",
        "kotmai",
        "kot",
        "mai",
        "wai",
        "wiaknam",
        "nam",
        "khon",
        "fak",
        "taeng",
    ]
) - {
    "you",
    "pay",
    "ban",
    "lao",
    "thai",
    "men",
    "ton",
    "pan",
    "hu",
    "ja",
    "mae",
    "chat",
    "eng",
    "ai",
    "don",
}


def is_romanised(text: str) -> bool:
    """Latin letters only, and romanised Lao words outnumber English ones and make at
    least 40% of the words: "pai het viak kaoli sia ngoen thao dai"."""
    if _RE_LAO_LETTER.search(text) or _RE_THAI.search(text):
        return False
    words = re.findall(r"[a-z]+", text.casefold())
    rom = sum(w in ROMANISED_LAO for w in words)
    eng = sum(w in EN_STOP for w in words)
    return bool(words) and rom > eng and rom >= 0.4 * len(words)


def language_of(text: str) -> str:
    """Reply language for a question: Lao script, Thai script or romanised Lao -> "lo";
    other Latin text -> "en"."""
    if _RE_LAO_LETTER.search(text) or _RE_THAI.search(text) or is_romanised(text):
        return "lo"
    return "en"


def has_lao(text: str) -> bool:
    return bool(_RE_LAO_LETTER.search(text))


# --- Thai script -> Lao script -----------------------------------------------------
# Vocabulary that differs between Thai and Lao (after letter conversion it would
# still not meet the Lao word). Longest first.
_THAI_WORDS = {
    "หนังสือเดินทาง": "ໜັງສືຜ່ານແດນ",
    "พาสปอร์ต": "ໜັງສືຜ່ານແດນ",
    "ใบอนุญาตทำงาน": "ໃບອະນຸຍາດເຮັດວຽກ",
    "ประเทศไทย": "ປະເທດໄທ",
    "ไทย": "ໄທ",
    "บ้าง": "ແດ່",
    "เตรียม": "ກະກຽມ",
    "ทำงาน": "ເຮັດວຽກ",
    "เท่าไหร่": "ເທົ່າໃດ",
    "เท่าไร": "ເທົ່າໃດ",
    "อย่างไร": "ແນວໃດ",
    "ยังไง": "ແນວໃດ",
    "ที่ไหน": "ຢູ່ໃສ",
    "ไหน": "ໃສ",
    "อะไร": "ຫຍັງ",
    "ไม่": "ບໍ່",
    "ไหม": "ບໍ",
    "มั้ย": "ບໍ",
    "เกาหลี": "ເກົາຫຼີ",
    "ญี่ปุ่น": "ຍີ່ປຸ່ນ",
    "นายหน้า": "ນາຍໜ້າ",
    "หลอก": "ຫຼອກ",
    "ค้ามนุษย์": "ຄ້າມະນຸດ",
    "เอกสาร": "ເອກະສານ",
    "สถานทูต": "ສະຖານທູດ",
    "โทรศัพท์": "ໂທລະສັບ",
    "เบอร์โทร": "ເບີໂທ",
    "เงินเดือน": "ເງິນເດືອນ",
    "ค่าแรง": "ຄ່າແຮງ",
    "ตรวจสอบ": "ກວດສອບ",
    "ถูกกฎหมาย": "ຖືກກົດໝາຍ",
    "กฎหมาย": "ກົດໝາຍ",
    "แรงงาน": "ແຮງງານ",
    "สมัคร": "ສະໝັກ",
    "อนุญาต": "ອະນຸຍາດ",
    "บริษัท": "ບໍລິສັດ",
    "ประกัน": "ປະກັນ",
    "ได้": "ໄດ້",
    "ฉัน": "ຂ້ອຍ",
    "ผม": "ຂ້ອຍ",
    # silent อ before ย (Lao writes ຢ), and common words Lao says or spells otherwise
    "อยู่": "ຢູ່",
    "อยาก": "ຢາກ",
    "อย่า": "ຢ່າ",
    "ใคร": "ໃຜ",
    "หรือ": "ຫຼື",
    "ปัญหา": "ບັນຫາ",
    "กี่": "ຈັກ",
    "ครั้ง": "ເທື່ອ",
    "ครบ": "ຄົບ",
    "เฉพาะ": "ສະເພາະ",
    "ระดับ": "ລະດັບ",
    "ระบบ": "ລະບົບ",
    "ราคา": "ລາຄາ",
    "รถ": "ລົດ",
    "เมื่อไหร่": "ເມື່ອໃດ",
    "เมื่อไร": "ເມື່ອໃດ",
    "ทำไม": "ເປັນຫຍັງ",
    "โรงพยาบาล": "ໂຮງໝໍ",
    "หมอ": "ໝໍ",
    "ภรรยา": "ເມຍ",
    "สามี": "ຜົວ",
    "ครอบครัว": "ຄອບຄົວ",
    "ตำรวจ": "ຕຳຫຼວດ",
    "โดน": "ຖືກ",
    "ถูก": "ຖືກ",
    "สิทธิ": "ສິດ",
    "ขอบคุณ": "ຂອບໃຈ",
    "เวียงจันทน์": "ວຽງຈັນ",  # two silent letters: the rule below drops one
    "เวียงจันทร์": "ວຽງຈັນ",
    "จันทร์": "ຈັນ",
    # initial ร is ຮ in most words (แรง, เรียน, โรง); these say ລ
    "เรื่อง": "ເລື່ອງ",
    "รายได้": "ລາຍໄດ້",
    "รายชื่อ": "ລາຍຊື່",
    "รายงาน": "ລາຍງານ",
    "รัฐบาล": "ລັດຖະບານ",
}
_THAI_WORDS_RE = re.compile("|".join(sorted(map(re.escape, _THAI_WORDS), key=len, reverse=True)))

_THAI_CONS = {
    "ก": "ກ", "ข": "ຂ", "ฃ": "ຂ", "ค": "ຄ", "ฅ": "ຄ", "ฆ": "ຄ", "ง": "ງ", "จ": "ຈ",
    "ฉ": "ສ", "ช": "ຊ", "ซ": "ຊ", "ฌ": "ຊ", "ญ": "ຍ", "ฎ": "ດ", "ฏ": "ຕ", "ฐ": "ຖ",
    "ฑ": "ທ", "ฒ": "ທ", "ณ": "ນ", "ด": "ດ", "ต": "ຕ", "ถ": "ຖ", "ท": "ທ", "ธ": "ທ",
    "น": "ນ", "บ": "ບ", "ป": "ປ", "ผ": "ຜ", "ฝ": "ຝ", "พ": "ພ", "ฟ": "ຟ", "ภ": "ພ",
    "ม": "ມ", "ย": "ຍ", "ร": "ລ", "ล": "ລ", "ว": "ວ", "ศ": "ສ", "ษ": "ສ", "ส": "ສ",
    "ห": "ຫ", "ฬ": "ລ", "อ": "ອ", "ฮ": "ຮ",
}  # fmt: skip
_THAI_FINAL = {
    **dict.fromkeys("กขคฆ", "ກ"),
    **dict.fromkeys("จชซศษสดตถทธฎฏฐฑฒ", "ດ"),
    **dict.fromkeys("บปพฟภ", "ບ"),
    **dict.fromkeys("ญณนรลฬ", "ນ"),
    "ง": "ງ", "ม": "ມ", "ย": "ຍ", "ว": "ວ",
}  # fmt: skip
_THAI_MARKS = {
    "ะ": "ະ", "ั": "ັ", "า": "າ", "ำ": "ຳ", "ิ": "ິ", "ี": "ີ", "ึ": "ຶ", "ื": "ື",
    "ุ": "ຸ", "ู": "ູ", "เ": "ເ", "แ": "ແ", "โ": "ໂ", "ใ": "ໃ", "ไ": "ໄ", "็": "ັ",
    "่": "່", "้": "້", "๊": "໊", "๋": "໋", "ๆ": "ໆ", "ฯ": "ຯ",
}  # fmt: skip
_THAI_DEP = set("ะัาำิีึืุู็่้๊๋์")
_THAI_LEAD = set("เแโใไ")


def _starts_syllable(text: str, i: int) -> bool:
    """Does the Thai consonant text[i] start a syllable? A vowel or tone mark sits on a
    syllable's first consonant, never on a final one (ลาป่วย: ป starts one); so does
    ว + vowel after it (ขอ|ความ)."""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    after = text[i + 2] if i + 2 < len(text) else ""
    return nxt in _THAI_DEP or (nxt == "ว" and after in _THAI_DEP)


def _open_o(text: str, j: int) -> bool:
    """Does the syllable end before text[j] (a vowel อ just before it is open, -อ)?
    Yes at the end, before a non-Thai character or a leading vowel, or before a
    consonant that starts the next syllable."""
    return j >= len(text) or text[j] not in _THAI_CONS or _starts_syllable(text, j)


def thai_to_lao(text: str) -> str:
    """Convert Thai script to Lao script, well enough for matching.

    A word map for vocabulary that differs, then letters with a few rules:
    silent letters (์), ร dropped in initial clusters (ประ -> ປະ), Thai final
    consonants to the Lao finals, ัว -> ົວ, เ-า -> ເ-ົາ.
    """
    text = _THAI_WORDS_RE.sub(lambda m: _THAI_WORDS[m.group()], text)
    text = re.sub("[\u0e01-\u0e2e][\u0e34\u0e38]?\u0e4c", "", text)  # silent letter + ์
    text = re.sub("([กขคปพผตบ])[รล](?=[\u0e30-\u0e39\u0e47-\u0e4b])", r"\1", text)  # cluster ร
    text = text.replace("ัว", "ົວ")
    text = re.sub("เ([\u0e01-\u0e2e])า", "ເ\\1ົາ", text)
    text = re.sub("เ([\u0e01-\u0e2e])[รล]?ี([่้๊๋]?)ย(?=[\u0e01-\u0e2e])", "\\1\\2ຽ", text)  # เ-ียน
    text = re.sub("เ([\u0e01-\u0e2e])ี([่้๊๋]?)ย", "ເ\\1\\2ຍ", text)
    out: list[str] = []
    state = "start"  # start | bare (initial, no vowel yet) | vowel | closed
    n = len(text)
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in _THAI_CONS:
            prev = text[i - 1] if i else ""
            starts_syllable = _starts_syllable(text, i)
            if state == "bare" and prev == "ห" and ch in "งญนมยรลว":
                out.append(_THAI_CONS[ch])  # ห-cluster: หมา, หนัง
                continue
            if state == "bare" and ch == "อ" and not starts_syllable and _open_o(text, i + 1):
                # -อ ending a syllable is Lao ໍ, written before the tone mark: ต่อ -> ຕໍ່
                out.insert(len(out) - (out[-1] in TONES), "ໍ")
                state = "closed"
                continue
            if state == "bare" and ch in "อว" and not starts_syllable and nxt:
                out.append(_THAI_CONS[ch])  # อ/ว as a vowel letter: บอก, กวด
                state = "vowel"
                continue
            if state == "bare" and not starts_syllable and ch in _THAI_FINAL:
                out.append("ົ" + _THAI_FINAL[ch])  # implicit o: คน -> ຄົນ
                state = "closed"
                continue
            if state == "vowel" and ch == "อ" and not starts_syllable:
                out.append("ອ")  # vowel letter of เ-ือ: เดือน
                continue
            if state == "vowel" and not starts_syllable and ch in _THAI_FINAL:
                out.append(_THAI_FINAL[ch])
                state = "closed"
                continue
            out.append("ຮ" if ch == "ร" else _THAI_CONS[ch])  # initial ร is Lao ຮ: แรง, เรียน
            state = "vowel" if prev in _THAI_LEAD else "bare"  # เขต: เ-ข has its vowel
        elif ch in _THAI_LEAD:
            out.append(_THAI_MARKS[ch])
            state = "start"
        elif ch in _THAI_MARKS:
            out.append(_THAI_MARKS[ch])
            if ch == "ะ":
                state = "start"
            elif ch not in "่้๊๋" and state == "bare":
                state = "vowel"
        elif "\u0e50" <= ch <= "\u0e59":
            out.append(str(ord(ch) - 0x0E50))
        elif ch in "\u0e4cฺ":
            continue
        else:
            out.append(ch)
            state = "start"
    return "".join(out)
