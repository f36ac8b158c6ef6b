"""Which digits read as a resident identity number of either generation, and
the form public text shows of one."""

from __future__ import annotations

import pytest

from domain.identity_numbers import is_identity_number, masked_identity_number
from tests.factories import resident_id, uscc, with_wrong_check_char


@pytest.mark.parametrize(
    "code", [resident_id(9), "11010519491231002X", "110105900517007", "110105040229123"]
)
def test_numbers_with_a_birth_date_and_the_right_check_read_as_numbers(
    code: str,
) -> None:
    assert is_identity_number(code)


@pytest.mark.parametrize(
    "code",
    [
        with_wrong_check_char(resident_id(9)),
        "110105189912310012",  # born before 1900
        "110105199002300015",  # 30 February
        "110105901317007",  # month 13
        "110105010229123",  # 1901 had no 29 February
        uscc(3),
        "11010590051700",  # 14 digits
    ],
)
def test_other_digits_do_not(code: str) -> None:
    assert not is_identity_number(code)


def test_a_second_generation_number_keeps_its_first_six_and_last_four() -> None:
    assert masked_identity_number("11010519491231002X") == "110105********002X"


def test_a_first_generation_number_keeps_its_first_six_and_last_three() -> None:
    assert masked_identity_number("110105900517007") == "110105******007"
