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


OLD = "110105900517007"  # first generation: born 1990-05-17, no check digit
OLD_MASKED = "110105******007"


def test_a_first_generation_number_keeps_its_first_six_and_last_three() -> None:
    text = f"当事人李四，身份证号{OLD}，于2022年6月15日销售"

    assert (
        mask_identity_numbers(text)
        == f"当事人李四，身份证号{OLD_MASKED}，于2022年6月15日销售"
    )


@pytest.mark.parametrize(
    "written",
    [
        f"{OLD[:6]} {OLD[6:12]} {OLD[12:]}",
        f"{OLD[:6]}-{OLD[6:12]}-{OLD[12:]}",
        f"{OLD[:6]}，{OLD[6:12]}，{OLD[12:]}",
        f"{OLD[:6]}：{OLD[6:12]}：{OLD[12:]}",
        f"{OLD[:3]}.{OLD[3:6]}.{OLD[6:9]}.{OLD[9:12]}.{OLD[12:]}",
        f"{OLD[:6]}）{OLD[6:8]}/{OLD[8:10]}/{OLD[10:12]}-{OLD[12:]}",
        f"{OLD[:6]}]{OLD[6:12]}*{OLD[12:]}",
        OLD.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_a_first_generation_number_with_separators_is_masked(written: str) -> None:
    assert mask_identity_numbers(f"证号{written}。") == f"证号{OLD_MASKED}。"


@pytest.mark.parametrize(
    "written",
    [
        f"{PERSON[:6]}，{PERSON[6:14]}，{PERSON[14:]}",
        f"{PERSON[:6]},{PERSON[6:14]},{PERSON[14:]}",
        f"{PERSON[:6]}:{PERSON[6:14]}:{PERSON[14:]}",
        f"{PERSON[:6]}：{PERSON[6:14]}：{PERSON[14:]}",
        f"{PERSON[:6]}*{PERSON[6:14]}*{PERSON[14:]}",
        f"{PERSON[:6]}]{PERSON[6:14]}[{PERSON[14:]}",
        f"{PERSON[:6]}】（{PERSON[6:14]}）{PERSON[14:]}",
        f"{PERSON[:3]}.{PERSON[3:6]}.{PERSON[6:14]}.{PERSON[14:]}",
        "-".join(PERSON[i : i + 4] for i in range(0, 18, 4)),  # 4-4-4-4-2
        f"{PERSON[:3]} {PERSON[3:6]}，{PERSON[6:14]}：{PERSON[14:]}",  # 3-3-8-4
        f"{PERSON[:6]}、 {PERSON[6:10]}。{PERSON[10:]}",
        " ".join(PERSON),
        f"{PERSON[:6]}，{PERSON[6:]}".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    ],
)
def test_a_number_grouped_with_any_punctuation_is_masked(written: str) -> None:
    assert mask_identity_numbers(f"证号{written}。") == f"证号{MASKED}。"


def test_brackets_around_a_number_are_kept_and_those_inside_go() -> None:
    text = f"证号【{PERSON[:6]}】{PERSON[6:]}，旧号（{OLD[:6]}）{OLD[6:]}。"

    assert mask_identity_numbers(text) == f"证号【{MASKED}，旧号（{OLD_MASKED}。"


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad", "\u200b-\u200b"]
)
def test_format_characters_between_its_digits_do_not_hide_a_number(
    invisible: str,
) -> None:
    number = invisible.join([PERSON[:4], PERSON[4:11], PERSON[11:]])
    old = invisible.join([OLD[:2], OLD[2:9], OLD[9:]])

    masked = mask_identity_numbers(f"身份证号{number}，旧号{old}")

    assert masked == f"身份证号{MASKED}，旧号{OLD_MASKED}"


def test_masking_a_first_generation_number_twice_changes_nothing_more() -> None:
    once = mask_identity_numbers(f"{OLD}，{OLD} 2022-06-15，{PERSON}")

    assert once == f"{OLD_MASKED}，{OLD_MASKED} 2022-06-15，{MASKED}"
    assert mask_identity_numbers(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "2022/6/15、2021/12/3、2020/1/5、2019/11/28",
        "2022.6.15，2021.12.3，2020.1.5，2019.11.28",
        "2022-06-15、2021-12-03、2020-01-05",
        "罚款 1,234,567.89 元、12,345.00 元、987,654.32 元",
        "联系电话13800138000、13900139000",
        "110105901317007",  # month 13: not a birth date
        "110105，19900517，0098",  # check character wrong
        "ID110105900517007",  # touches a letter
        "1101059005170071",  # 16 digits
        "110105900517007X",
    ],
)
def test_dates_amounts_and_digits_that_are_not_a_number_are_left(text: str) -> None:
    assert mask_identity_numbers(text) == text
