"""Identity numbers inside any text are masked as a natural person's code is."""

from __future__ import annotations

import itertools

import pytest

from domain.text_masking import mask_identity_numbers
from tests.factories import resident_id, uscc

PERSON = resident_id(9)
MASKED = f"{PERSON[:6]}********{PERSON[-4:]}"


def test_a_number_in_chinese_text_keeps_its_first_six_and_last_four() -> None:
    text = f"当事人张三，身份证号{PERSON}，于2022年6月15日销售"

    assert (
        mask_identity_numbers(text)
        == f"当事人张三，身份证号{MASKED}，于2022年6月15日销售"
    )


def test_a_number_split_by_spaces_is_masked_whole() -> None:
    text = f"身份证 {PERSON[:6]} {PERSON[6:14]} {PERSON[14:]}。"

    assert mask_identity_numbers(text) == f"身份证 {MASKED}。"


def test_text_with_dates_amounts_and_a_legal_persons_code_is_left_as_it_is() -> None:
    text = f"2022年6月15日 罚款 5000 元，没收 1200.50 元；{uscc(3)} 12345678901234567"

    assert mask_identity_numbers(text) == text


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_identity_numbers(f"{PERSON}; {PERSON}")

    assert once == f"{MASKED}; {MASKED}"
    assert mask_identity_numbers(once) == once


def test_a_number_written_in_full_width_digits_is_masked() -> None:
    full_width = PERSON.translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )

    assert mask_identity_numbers(f"身份证号{full_width}。") == f"身份证号{MASKED}。"


@pytest.mark.parametrize(
    "cut",
    [(6, 14), (6,), (14,), (6, 10, 14)],
    ids=["region-birth-rest", "region-rest", "birth-rest", "year-month-day"],
)
@pytest.mark.parametrize(
    "mark", ["-", "．", "·", "%2D", " - ", "/", "／", "_", "—", "–", "%2F"]
)
def test_a_number_with_hyphens_or_dots_between_its_parts_is_masked(
    cut: tuple[int, ...], mark: str
) -> None:
    bounds = [0, *cut, len(PERSON)]
    written = mark.join(PERSON[a:b] for a, b in itertools.pairwise(bounds))

    assert mask_identity_numbers(f"证号 {written}。") == f"证号 {MASKED}。"


def test_dates_decision_numbers_and_amounts_with_hyphens_and_dots_are_left() -> None:
    text = (
        "2022-06-15 稷市监罚〔2022〕0101-0001-000123号 罚款 120000.50 元 "
        "2022/06/15 第2022_0615号 2022—2023年度"
    )

    assert mask_identity_numbers(text) == text
