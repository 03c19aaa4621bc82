"""One Lao vocabulary: validate reports each non-preferred form with file, line and field;
words that merely contain a form (ເຈົ້າຂອງ, ກວດສອບ) and question variants are left alone."""

from __future__ import annotations

import shutil

from bot.core.glossary import check_glossary
from bot.core.validate import validate_all
from tests.conftest import CONTENT


def _content(tmp_path, answer_lo: str, answer_en: str = "Fine.", questions: str = "x") -> str:
    """A content folder with the real glossary and one FAQ entry whose answer is given."""
    root = tmp_path / "content"
    (root / "faq").mkdir(parents=True)
    shutil.copy(CONTENT / "glossary.yaml", root / "glossary.yaml")
    body = "\n".join("      " + line for line in answer_lo.splitlines())
    (root / "faq" / "x.yaml").write_text(
        "- id: x-entry\n"
        "  title: {lo: ຫົວຂໍ້, en: Title}\n"
        f'  questions:\n    lo: ["{questions}"]\n'
        "  answer:\n"
        "    lo: |\n"
        f"{body}\n"
        f'    en: "{answer_en}"\n',
        encoding="utf-8",
    )
    return root


def _msgs(root) -> list[str]:
    return [str(p) for p in check_glossary(root)]


def test_the_real_content_uses_one_vocabulary():
    assert check_glossary(CONTENT) == []


def test_familiar_you_is_reported_with_file_line_and_field(tmp_path):
    root = _content(tmp_path, "ສະບາຍດີ.\nໜັງສືຜ່ານແດນ ເປັນຂອງເຈົ້າ.")
    msgs = _msgs(root)
    assert msgs == [
        "content/faq/x.yaml:8: [x-entry.answer.lo] glossary (you-polite): write 'ທ່ານ', not 'ເຈົ້າ'"
    ]


def test_owner_official_and_they_are_not_the_pronoun(tmp_path):
    root = _content(tmp_path, "ເຈົ້າຂອງຮ້ານ ແລະ ເຈົ້າໜ້າທີ່ ບອກວ່າ ເຂົາເຈົ້າ ຈະມາ.")
    assert _msgs(root) == []


def test_exam_words_reported_once_each_but_check_and_ask_are_fine(tmp_path):
    root = _content(tmp_path, "ຕ້ອງສອບເສັງ ແລະ ສອບສີມື. ກວດສອບ ແລະ ສອບຖາມ ໄດ້.")
    msgs = _msgs(root)
    assert len(msgs) == 2, msgs
    assert "not 'ສອບເສັງ'" in msgs[0] and "not 'ສອບ'" in msgs[1]


def test_debt_bondage_has_one_term(tmp_path):
    msgs = _msgs(_content(tmp_path, "ອາດເຮັດໃຫ້ຕິດໜີ້ສິນຜູກມັດ."))
    assert len(msgs) == 1 and "write 'ແຮງງານຂັດໜີ້', not 'ໜີ້ສິນຜູກມັດ'" in msgs[0]
    assert _msgs(_content(tmp_path / "b", "ນີ້ແມ່ນ ແຮງງານຂັດໜີ້. ຢ່າຕິດໜີ້ນາຍໜ້າ.")) == []


def test_thai_legal_word_for_foreign_worker(tmp_path):
    msgs = _msgs(_content(tmp_path, "ປະກັນສຸຂະພາບ ແຮງງານຕ່າງດ້າວ"))
    assert len(msgs) == 1 and "(foreign-worker)" in msgs[0] and "'ຕ່າງດ້າວ'" in msgs[0]


def test_city_spellings(tmp_path):
    msgs = _msgs(_content(tmp_path, "ກົງສຸນ ຢູ່ ຟູກູໂອກະ, ສະຖານທູດ ຢູ່ກຸງເທບ."))
    assert sorted(m.split("glossary (")[1].split(")")[0] for m in msgs) == [
        "fukuoka",
        "thailand-bangkok",
    ]


def test_dot_thousands_separator_in_both_languages(tmp_path):
    root = _content(
        tmp_path, "ປັບໃໝເຖິງ 100.000 ບາດ, ອາຍຸ 1.5 ປີ", "Up to 1.400 dollars, 1,400 is fine"
    )
    msgs = _msgs(root)
    assert len(msgs) == 2, msgs
    assert "[x-entry.answer.lo]" in msgs[0] and "not '100.000'" in msgs[0]
    # an inline text: the line of its key
    assert msgs[1].startswith("content/faq/x.yaml:8: [x-entry.answer.en]")


def test_question_variants_are_not_checked(tmp_path):
    root = _content(tmp_path, "ທ່ານ ຕ້ອງເສັງ.", questions="ເຈົ້າ ສອບເສັງ ຢູ່ໃສ")
    assert _msgs(root) == []


def test_quiz_texts_are_checked(tmp_path):
    root = _content(tmp_path, "ທ່ານ.")
    (root / "quiz.yaml").write_text(
        '- id: q1\n  question: {lo: "ເຈົ້າ ຕ້ອງສອບເສັງ ບໍ?", en: "?"}\n'
        '  options:\n    - {lo: "3.000 ໂດລາ", en: "USD 3,000"}\n',
        encoding="utf-8",
    )
    msgs = _msgs(root)
    assert any("quiz.yaml:2: [q1.question.lo]" in m and "you-polite" in m for m in msgs)
    assert any("quiz.yaml:4: [q1.options[0].lo]" in m and "'3.000'" in m for m in msgs)


def test_a_broken_glossary_term_is_a_problem_not_a_crash(tmp_path):
    root = _content(tmp_path, "ທ່ານ.")
    (root / "glossary.yaml").write_text(
        "terms:\n  - id: bad\n    preferred: x\n    pattern: '(['\n", encoding="utf-8"
    )
    msgs = _msgs(root)
    assert len(msgs) == 1 and "[bad.pattern] not a regular expression" in msgs[0]


def test_validate_reports_glossary_problems(content_copy):
    path = content_copy / "faq" / "fraud.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ຫຼື ບັດປະຈຳຕົວຂອງທ່ານໄວ້", "ຫຼື ບັດປະຈຳຕົວຂອງເຈົ້າໄວ້", 1))
    problems, _summary = validate_all(content_copy)
    assert [p.field for p in problems] == ["fraud-signs.answer.lo"]
    assert "glossary (you-polite)" in problems[0].message
