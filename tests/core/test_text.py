"""Normalisation: every encoding variant of a word folds to one key."""

import pytest

from bot.core.text import (
    clean,
    countries_in,
    fold,
    is_romanised,
    language_of,
    lao_syllables,
    normalize,
    segment,
    thai_to_lao,
    tokens,
    without_cities,
    without_countries,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ທຳ", "ທ\u0ecd\u0eb2"),  # ຳ vs ໍ + າ
        ("ໜ້າ", "ຫນ້າ"),  # ໜ vs ຫນ
        ("ໝົດ", "ຫມົດ"),  # ໝ vs ຫມ
        ("ຫຼາຍ", "ຫລາຍ"),  # ຫຼ vs ຫລ (older spelling)
        ("ເຮັດວຽກ", "ເຮັດ\u200bວຽກ"),  # zero-width space between syllables
        ("ເຮັດວຽກ", "ເຮັດ ວຽກ"),  # a space inside Lao
        ("ກິ່ນ", "ກ່ິນ"),  # tone mark typed before the upper vowel
        ("ບໍ່", "ບໍ່່"),  # doubled tone mark
        ("ເທົ່າໃດ", "ເທົາໃດ"),  # tone marks left out
        ("ມີ", "ມິ"),  # long/short vowel confusion
        ("ປີ 2025", "ປີ ໒໐໒໕"),  # Lao digits
        ("2025", "๒๐๒๕"),  # Thai digits
        ("ໄປ", "ໃປ"),  # ໄ/ໃ confusion
        ("MOU", "mou"),
    ],
)
def test_variants_fold_together(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("ປັນ", "ປີນ"), ("ປືນ", "ປູນ"), ("ໄທ", "ໄປ")])
def test_different_words_stay_apart(a, b):
    """default_process would map these together; our fold must not."""
    assert fold(a) != fold(b)


def test_normalize_keeps_tone_marks_for_display():
    assert normalize("ຫລາຍ  ເທົ່າໃດ ") == "ຫຼາຍ ເທົ່າໃດ"


def test_control_characters_become_spaces():
    assert normalize("ໄປ\x00ໄທ\x07") == "ໄປ ໄທ"


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("ເຮັດວຽກ", ["ເຮັດ", "ວຽກ"]),
        ("ສະຫວັນນະເຂດ", ["ສະ", "ຫວັນ", "ນະ", "ເຂດ"]),
        ("ກວດສອບ", ["ກວດ", "ສອບ"]),
        ("ໜັງສືຜ່ານແດນ", ["ໜັງ", "ສື", "ຜ່ານ", "ແດນ"]),
        ("ຫຼວງພະບາງ", ["ຫຼວງ", "ພະ", "ບາງ"]),
        ("ປະກັນສັງຄົມ", ["ປະ", "ກັນ", "ສັງ", "ຄົມ"]),
        ("ເກົາຫຼີ", ["ເກົາ", "ຫຼີ"]),
    ],
)
def test_lao_syllables(word, syllables):
    assert lao_syllables(word) == syllables


def test_segmentation_keeps_every_character_and_latin_words():
    text = "ສະໝັກEPSຢູ່ໃສ 2025"
    segs = segment(text)
    assert "".join(segs) == text.replace(" ", "").lower()
    assert "eps" in segs and "2025" in segs


def test_tokens_drop_english_stop_words_and_stem():
    assert tokens("What are the costs of working in Korea?") == ["cost", "work", "korea"]


@pytest.mark.parametrize(
    "typed",
    [
        "my boss didn't pay",
        "my boss didnt pay",
        "my boss didn’t pay",
        "I'm sure my boss won't pay",
        "I'm sure my boss wont pay",
    ],
)
def test_contractions_are_read_as_not(typed):
    """A contraction ("didn't", "didnt", "won't") is "not": what was left of one ("didn",
    "won", "m") was no word an entry uses, and weighed more than every real word."""
    assert set(tokens(typed)) <= set(tokens("sure boss not pay"))
    assert "not" in tokens(typed)


@pytest.mark.parametrize(
    ("thai", "lao"),
    [
        ("ทำงานที่ประเทศไทย", "ເຮັດວຽກທີ່ປະເທດໄທ"),
        ("หนังสือเดินทาง", "ໜັງສືຜ່ານແດນ"),
        ("นายจ้าง", "ນາຍຈ້າງ"),
        ("ค่าใช้จ่าย", "ຄ່າໃຊ້ຈ່າຍ"),
        ("ประกันสังคม", "ປະກັນສັງຄົມ"),
        ("คนลาว", "ຄົນລາວ"),
        ("เปลี่ยนนายจ้าง", "ປ່ຽນນາຍຈ້າງ"),
        ("แรงงาน", "ແຮງງານ"),
        ("สะหวันนะเขต", "ສະຫວັນນະເຂດ"),
        ("เมือง", "ເມືອງ"),
        # a consonant under a tone mark starts a syllable, it is never a final
        ("ลาป่วย", "ລາປ່ວຍ"),
        ("ปีเปลี่ยน", "ປີປ່ຽນ"),
        # -อ ending a syllable is Lao ໍ; อ before a final stays
        ("ต่ออายุ", "ຕໍ່ອາຍຸ"),
        ("ขอความ", "ຂໍຄວາມ"),
        ("พ่อแม่", "ພໍ່ແມ່"),
        ("ก่อน", "ກ່ອນ"),
        ("ของ", "ຂອງ"),
        ("บอก", "ບອກ"),
        # silent อ before ย, and words Lao says otherwise
        ("อยู่ขอนแก่น", "ຢູ່ຂອນແກ່ນ"),
        ("อยากรู้", "ຢາກຮູ້"),
        ("ติดต่อใคร", "ຕິດຕໍ່ໃຜ"),
        ("มีปัญหา", "ມີບັນຫາ"),
        ("ถูกจับ", "ຖືກຈັບ"),
        ("ไปเวียงจันทน์", "ໄປວຽງຈັນ"),
        ("รายชื่อบริษัท", "ລາຍຊື່ບໍລິສັດ"),
    ],
)
def test_thai_script_converts_to_lao(thai, lao):
    assert thai_to_lao(thai) == lao
    assert fold(thai) == fold(lao)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ໄປເຮັດວຽກໄທ", "lo"),
        ("ไปทำงานเกาหลี", "lo"),  # Thai readers read Lao better than English
        ("how much does it cost", "en"),
        ("pai het viak kaoli sia ngeun thao dai", "lo"),
        ("", "en"),
    ],
)
def test_language_of(text, lang):
    assert language_of(text) == lang


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("work in Korea", {"KR"}),
        ("ໄປເຮັດວຽກເກົາຫລີ", {"KR"}),
        ("ໄປຍີ່ປຸ່ນ", {"JP"}),
        ("ไปทำงานประเทศไทย", {"TH"}),
        ("Lao embassy in Seoul", {"KR"}),
        # a city names its country, in Lao or Thai script, with or without tone marks
        ("ກົງສຸນລາວຢູ່ຂອນແກ່ນ", {"TH"}),
        ("ກົງສຸນລາວຢູຂອນແກນ", {"TH"}),
        ("ฉันทำงานที่มหาชัย", {"TH"}),
        ("ເຮັດວຽກຢູ່ປູຊານ", {"KR"}),
        ("ทำงานที่นาโกย่า", {"JP"}),
        ("ເຮັດວຽກຢູ່ນາໂກຢາ", {"JP"}),
        ("ເຂດໂຊນເສດຖະກິດ", set()),  # ໂຊນ is "zone" too: not Seoul
        ("ນະຄອນຫຼວງວຽງຈັນ", set()),
        ("sun jat ha ngan yu nakhon luang", set()),  # romanised Vientiane Capital
        ("job scam", set()),
    ],
)
def test_countries_in(text, countries):
    assert countries_in(text) == countries


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("lao embassy in bangkok", "lao embassy in"),
        ("bus from vientiane to bangkok", "bus from to"),  # where from, too
        (
            "ສະຖານທູດລາວຢູ່ບາງກອກ",
            "ສະຖານທູດລາວຢູ່ ",
        ),
        ("ค่ารถไปกรุงเทพ", "ຄ່າລົດໄປ "),
        ("work in korea", "work in korea"),  # countries are left to without_countries
    ],
)
def test_without_cities_leaves_out_the_cities_a_question_names(text, left):
    assert without_cities(fold(text)) == fold(left) + (" " if left.endswith(" ") else "")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ทำงาน", "ท\u0e4d\u0e32งาน"),  # Thai ำ typed as ํ + า
        ("น้ำ", "น\u0e49\u0e4d\u0e32"),  # ... with the tone mark first
        ("น้ำ", "น\u0e4d\u0e49\u0e32"),  # ... or in between
        ("ນ້ຳ", "ນ\u0ec9\u0ecd\u0eb2"),  # Lao ຳ as tone + ໍ + າ
        ("ນ້ຳ", "ນ\u0ecd\u0ec9\u0eb2"),  # Lao ຳ as ໍ + tone + າ
        ("ມີ", "ມີ\u0eb5"),  # a vowel mark typed twice
        ("ກິນ", "ກິ\u0eb4ນ"),
        ("ที่", "ที\u0e48\u0e48"),  # Thai tone mark typed twice
    ],
)
def test_decomposed_and_doubled_forms_fold_together(a, b):
    assert fold(a) == fold(b)


def test_decomposed_lao_am_is_displayed_as_one_character():
    assert normalize("ນ\u0ecd\u0ec9\u0eb2") == "ນ້ຳ"


def test_decomposed_thai_am_meets_the_thai_word_map():
    """ทำงาน is Lao ເຮັດວຽກ (vocabulary map), also when ำ arrives as two characters."""
    assert normalize("ท\u0e4d\u0e32งาน") == normalize("ເຮັດວຽກ")


def test_lone_surrogates_are_replaced_so_text_can_be_stored():
    text = "help \ud83d me \udc00"
    cleaned = clean(text)
    cleaned.encode("utf-8")  # raises UnicodeEncodeError if a surrogate is left
    assert cleaned == "help \ufffd me \ufffd"
    normalize(text).encode("utf-8")


@pytest.mark.parametrize(
    "text",
    ["pai het viak kaoli sia ngoen thao dai", "visa SSW yipun tong sop nyang",
     "jaeng khuam nai na tom tun yu sai", "khan ton MOU pai thai don pan dai"],
)  # fmt: skip
def test_romanised_lao_is_recognised(text):
    assert is_romanised(text) and language_of(text) == "lo"


@pytest.mark.parametrize(
    "text",
    ["lao embassy bangkok", "severance pay korea", "How much does it cost to go to Korea?",
     "hello", "MOU process steps"],
)  # fmt: skip
def test_english_is_not_taken_for_romanised_lao(text):
    assert not is_romanised(text) and language_of(text) == "en"


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("work in south korea", ["work"]),
        ("ໄປເຮັດວຽກເກົາຫຼີໃຕ້", ["ໄປ", "ເຮັດ", "ວຽກ"]),
        ("ทำงานที่ญี่ปุ่น", ["ເຮັດ", "ວຽກ", "ທິ"]),
        ("pai het viak kao li", ["pai", "het", "viak"]),
        ("thai social security", ["social", "security"]),
        ("EPS TOPIK korea", ["eps", "topik"]),  # schemes are not country names
    ],
)
def test_country_names_leave_the_matching_tokens(text, left):
    assert without_countries(tokens(text)) == left
