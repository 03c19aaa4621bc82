"""The matcher's decisions: answer, suggest, none, at and around the thresholds."""

import pytest

from bot.core import matching
from bot.core.matching import ANSWER_GAP, ANSWER_MIN, SUGGEST_MIN, decide


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how much does the MOU cost for Thailand", "th-costs"),
        ("ໄປເຮັດວຽກເກົາຫຼີ ຕ້ອງເສັງພາສາເກົາຫຼີບໍ", "kr-eps-topik"),
        ("ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ", "fraud-passport"),
        ("ນາຍຈາງຍຶດໜັງສືຜານແດນ", "fraud-passport"),  # without tone marks
        ("ນາຍຈ້າງຍຶດຫນັງສືຜ່ານແດນ", "fraud-passport"),  # older spelling
        ("Lao embassy Seoul address", "help-embassy-kr"),
    ],
)
def test_answers_clear_questions(matcher, question, expected):
    m = matcher.match(question)
    assert m.decision == "answer", m
    assert m.id == expected


@pytest.mark.parametrize(
    "question",
    ["What's the weather like in Vientiane?", "ສອນເຮັດເຂົ້າໜຽວ", "asdf qwer zxcv", "", "?!"],
)
def test_off_topic_is_not_answered(matcher, question):
    m = matcher.match(question)
    assert m.decision != "answer"
    assert m.id is None


def test_country_decides_between_parallel_entries(matcher):
    assert matcher.match("ຄ່າໃຊ້ຈ່າຍໄປເຮັດວຽກຍີ່ປຸ່ນ").id == "jp-costs"
    assert matcher.match("how much does going to Korea cost").id == "kr-costs"


def test_vague_question_suggests_instead_of_guessing(matcher):
    m = matcher.match("cost")  # which country?
    assert m.decision == "suggest"
    assert {"th-costs", "kr-costs", "jp-costs"} & set(m.suggestions)


def test_huge_input_is_cut_and_still_fast(matcher):
    m = matcher.match("passport " * 5000)
    assert m.decision in ("answer", "suggest", "none")


def test_decide_answer_needs_score_and_gap():
    lo, hi = ANSWER_MIN, ANSWER_MIN + 20
    assert decide([("a", hi), ("b", hi - ANSWER_GAP)]).decision == "answer"
    assert decide([("a", hi), ("b", hi - ANSWER_GAP + 0.1)]).decision == "suggest"
    assert decide([("a", lo), ("b", 0.0)]).decision == "answer"
    assert decide([("a", lo - 0.1), ("b", 0.0)]).decision == "suggest"


def test_decide_suggest_and_none():
    m = decide([("a", SUGGEST_MIN), ("b", SUGGEST_MIN - 1)])
    assert m.decision == "suggest" and m.id is None and m.suggestions == ("a",)
    m = decide([("a", SUGGEST_MIN - 0.1)])
    assert m.decision == "none" and m.suggestions == ()
    assert decide([]).decision == "none"


def test_answer_id_is_the_best_and_suggestions_exclude_it():
    m = decide([("a", 90.0), ("b", 70.0), ("c", 20.0)])
    assert m.id == "a" and "a" not in m.suggestions and len(m.suggestions) <= 3


def test_thresholds_are_ordered():
    assert SUGGEST_MIN < ANSWER_MIN
    assert 0 < matching.ANSWER_GAP < 50


@pytest.mark.parametrize(
    "nonsense",
    [
        "hello " * 40,
        "asdf " * 50,
        "lorem ipsum dolor sit amet " * 20,
        "ໄປ " * 60,
        "MOU " * 30,
        "ເກົາຫຼີ " * 30,
    ],
)
def test_repeated_words_do_not_raise_the_score(matcher, nonsense):
    """A token counts once however often it is repeated: 40 x "hello" is still "hello"."""
    once = matcher.match(" ".join(dict.fromkeys(nonsense.split())))
    many = matcher.match(nonsense)
    assert many.decision != "answer"
    assert many.score <= once.score + 1


def test_decide_needs_coverage_to_answer():
    """A similar entry that does not cover the question's information is only suggested."""
    ranked = [("a", 90.0), ("b", 40.0)]
    assert decide(ranked, coverage=matching.COVER_MIN).decision == "answer"
    low = decide(ranked, coverage=matching.COVER_MIN - 0.01)
    assert low.decision == "suggest"
    assert low.id is None and low.suggestions[0] == "a"


@pytest.mark.parametrize(
    "question",
    [
        "how do I get a work permit for Singapore",  # a place no entry names
        "ໄປເຮັດວຽກມາເລເຊຍ ຕ້ອງເສຍເງິນເທົ່າໃດ",
        "ไปทำงานไต้หวันต้องจ่ายค่าหัวเท่าไหร่",
        "what is the minimum wage in laos",  # about Laos, not a destination
        "ຄ່າແຮງງານຂັ້ນຕ່ຳຢູ່ລາວເທົ່າໃດ",
        "ປ່ຽນບ່ອນເຮັດວຽກຢູ່ເກົາຫຼີ ນາຍຈ້າງໄທ MOU",  # Korea named, a Thailand entry is best
    ],
)
def test_entry_about_somewhere_else_is_not_the_answer(matcher, question):
    m = matcher.match(question)
    assert m.decision != "answer" or matcher.content.by_id[m.id].country in (None, "KR"), m


def test_coverage_counts_heavy_words_the_entry_lacks(matcher):
    index = matcher.index
    full = index.coverage("how much does the MOU cost for Thailand", "th-costs")
    partial = index.coverage("MOU cost Thailand hairdresser scholarship aquarium", "th-costs")
    assert full >= matching.COVER_MIN > partial


def test_a_low_scoring_entry_that_covers_little_is_not_offered():
    """Below ANSWER_MIN, an entry covering almost nothing of the question is no suggestion."""
    ranked = [("a", matching.SUGGEST_MIN + 1), ("b", 0.0)]
    assert decide(ranked, coverage=matching.COVER_SUGGEST).decision == "suggest"
    assert decide(ranked, coverage=matching.COVER_SUGGEST - 0.01).decision == "none"


def test_a_word_typed_over_and_over_is_not_a_question():
    assert matching.repetitive("MOU " * 6)
    assert matching.repetitive("ເກົາຫຼີ ເກົາຫຼີ ເກົາຫຼີ ເກົາຫຼີ ເກົາຫຼີ ເກົາຫຼີ")
    assert not matching.repetitive("MOU MOU")  # short: may be a keyword typed twice
    assert not matching.repetitive("how much does the MOU cost and how long does MOU take")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the country is its own signal: the words that tell Korea entries apart decide
        ("ຢາກໄປເກົາຫຼີ ເສັງພາສາເກົາຫຼີແນວໃດ", "kr-eps-topik"),
        ("korea emergency number for an ambulance", "kr-emergency"),
        ("japan ssw can I change to another company", "jp-ssw-change-job"),
    ],
)
def test_entries_of_one_country_are_told_apart(matcher, question, expected):
    m = matcher.match(question)
    assert (m.decision, m.id) == ("answer", expected), m.ranked


def test_second_opinion_moves_only_the_head_and_adds_at_most_its_weight(matcher):
    """The naive Bayes second opinion re-scores the best few entries, by at most
    NB_WEIGHT points, and leaves the rest of the ranking alone."""
    index = matcher.index
    plain = matching.NB_WEIGHT
    try:
        matching.NB_WEIGHT = 0.0
        before = dict(index.entry_scores("how much money for work in korea"))
    finally:
        matching.NB_WEIGHT = plain
    after = index.entry_scores("how much money for work in korea")
    head = [e for e, _ in after[: matching.NB_TOP]]
    for e, s in after:
        added = s - before[e]
        if e in head:
            assert -0.11 <= added <= plain + 0.11
        else:
            assert abs(added) <= 0.11
    assert max(s - before[e] for e, s in after) > 1.0  # it did say something


@pytest.mark.parametrize("question", ["korea", "work korea", "ເກົາຫຼີ", "pai het viak kaoli"])
def test_a_country_alone_offers_that_countrys_first_topics(matcher, question):
    m = matcher.match(question)
    assert m.decision == "suggest"
    assert m.suggestions[0] == "kr-eps"  # the overview first, not a detail of it
    assert all(s.startswith("kr-") for s in m.suggestions)


def test_suggestions_for_a_question_about_korea_are_about_korea(matcher):
    for question in ("korea visa", "korea how long can i stay"):
        m = matcher.match(question)
        assert m.decision != "answer" or m.id.startswith("kr-")
        assert all(not s.startswith(("th-", "jp-")) for s in m.suggestions), m.suggestions


@pytest.mark.parametrize(
    "question", ["change employer", "ໃຊ້ເງິນເທົ່າໃດ", "bring my wife", "requirements age"]
)
def test_a_question_naming_no_country_is_not_answered_for_one(matcher, question):
    """Thailand, Korea and Japan each have their entry on this: ask which one (offer
    them) rather than answer for the country whose wording happens to be closest."""
    m = matcher.match(question)
    assert m.decision == "suggest", m.ranked
    countries = {matcher.content.by_id[i].country for i in m.suggestions}
    assert len(countries - {None}) >= 2


def test_a_question_naming_its_scheme_is_answered_for_that_country(matcher):
    assert matcher.match("What is the Specified Skilled Worker visa?").id == "jp-ssw"
    assert matcher.match("change employer in korea").id == "kr-change-workplace"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("how do I chnage employer in korea", "how do I change employer in korea"),
        ("what documnets do I need for the MOU", "what documents do I need for the MOU"),
        (
            "how to get the pension refnud when leaving korea",
            "how to get the pension refund when leaving korea",
        ),
    ],
)
def test_a_typo_in_a_long_word_gets_the_answer_of_the_word_meant(matcher, typed, meant):
    right = matcher.match(meant)
    assert right.decision == "answer", right.ranked
    got = matcher.match(typed)
    assert (got.decision, got.id) == ("answer", right.id), got.ranked


def test_a_word_two_known_words_are_a_typo_away_from_is_left_as_typed(matcher):
    """No guess between two words: "wirk" could be "work" or "wire"; a long unknown word
    with no known word one edit away stays unknown (it says the question is off-topic)."""
    index = matcher.index
    assert index._question_tokens("documnets") == ["document"]
    # spellings of one word are one candidate ("passport", and a variant's "pasport")
    assert index._question_tokens("passort") == ["passport"]
    assert index._question_tokens("zzqxvbnmk") == ["zzqxvbnmk"]
    known = [w for w in index._latin if len(w) >= 5]
    twins = [(a, b) for a in known[:400] for b in known[:400] if a < b and len(a) == len(b)
             and sum(x != y for x, y in zip(a, b, strict=True)) == 1]  # fmt: skip
    a, b = twins[0]  # two known words one letter apart: a blend of them is ambiguous
    blend = next(
        a[:i] + "q" + a[i + 1 :] for i in range(len(a)) if a[i] != b[i]
    )  # one edit from both
    assert index._question_tokens(blend) == [blend]


@pytest.mark.parametrize(
    ("thai", "lao"),
    [
        ("ทำงานที่เกาหลีอยากเปลี่ยนนายจ้าง ต้องทำยังไง", "ເຮັດວຽກຢູ່ເກົາຫຼີ ຢາກປ່ຽນນາຍຈ້າງ ຕ້ອງເຮັດແນວໃດ"),
        ("อยู่ญี่ปุ่นป่วย ลาป่วยได้เงินไหม", "ຢູ່ຍີ່ປຸ່ນເຈັບປ່ວຍ ລາປ່ວຍໄດ້ເງິນບໍ່"),
    ],
)
def test_a_question_in_thai_script_gets_the_answer_of_the_same_in_lao(matcher, thai, lao):
    want = matcher.match(lao)
    assert want.decision == "answer", want.ranked
    got = matcher.match(thai)
    assert (got.decision, got.id) == ("answer", want.id), got.ranked


@pytest.mark.parametrize(
    "question", ["ค่ารถจากเวียงจันทน์ไปกรุงเทพเท่าไหร่", "ລົດເມ ວຽງຈັນ ໄປ ບາງກອກ ລາຄາເທົ່າໃດ"]
)
def test_a_question_whose_only_match_is_a_city_is_not_answered(matcher, question):
    """The bus fare to Bangkok is not the Lao embassy in Bangkok: the city tells the
    country; what is asked must be covered by the entry for an answer."""
    assert matcher.match(question).decision != "answer"


def test_a_contraction_does_not_hide_the_question(matcher):
    plain = matcher.match("my employer in korea did not pay me for two months, who can help")
    typed = matcher.match("my employer in korea didn't pay me for two months, who can help")
    assert plain.ranked[0][0] == typed.ranked[0][0]
    assert typed.ranked[0][1] >= plain.ranked[0][1] - 1.0, (plain.ranked, typed.ranked)
