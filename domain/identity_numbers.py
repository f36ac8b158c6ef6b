"""Resident identity numbers of both generations, as text may hold them.

An 18-character number (since 1999) is 17 digits and a check character, its
birth date at positions 7-14 (YYYYMMDD). A first-generation number, still in
older records, is 15 digits: region, birth date as YYMMDD of the 1900s and a
3-digit sequence, with no check digit. Masked, a number keeps its region and
its last characters and hides its birth date: ``110105********002X`` (first 6,
last 4; as on every public surface) and ``110105******007`` (first 6, last 3).
"""

from __future__ import annotations

from domain.codes import (
    CODE_LENGTH,
    date_of_digits,
    mask_identity_number,
    ric_check_char,
)

FIRST_GENERATION_LENGTH = 15
# Birth years a number found in text is believed to hold: a date elsewhere in
# the year range makes a run of digits read as a number less often.
_PLAUSIBLE_YEARS = range(1900, 2100)


def is_identity_number(code: str) -> bool:
    """Whether these digits (half width, check character ``X`` in capitals) are
    an identity number: an 18-character one with its check character right, or
    a 15-digit one, each with a plausible birth date."""
    if len(code) == CODE_LENGTH:
        body = code[:17]
        return (
            _is_digits(body)
            and _is_birth_date(code[6:14])
            and code[17] == ric_check_char(body)
        )
    if len(code) == FIRST_GENERATION_LENGTH:
        return _is_digits(code) and _is_birth_date(f"19{code[6:12]}")
    return False


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_birth_date(yyyymmdd: str) -> bool:
    born = date_of_digits(yyyymmdd)
    return born is not None and born.year in _PLAUSIBLE_YEARS


def masked_identity_number(code: str) -> str:
    """The form public text shows of a number of either generation."""
    if len(code) == FIRST_GENERATION_LENGTH:
        return f"{code[:6]}{'*' * 6}{code[-3:]}"
    return mask_identity_number(code)
