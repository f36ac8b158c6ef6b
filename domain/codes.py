"""Credit-subject codes: Unified Social Credit Codes and resident identity numbers.

The check arithmetic is done here rather than with ``python-stdnum`` because its
USCC check rejects valid codes that start with a letter and its resident-ID check
demands a known area code; we accept any code whose check character is right.

About one all-digit code in thirty that is a valid resident identity number
also has a valid USCC check character (the two checks are independent), so the
code alone cannot say whose it is. Such a code is taken as a natural person's
(its public form is then masked), and registering one needs its kind said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from domain.errors import InvalidSubjectCode

CODE_LENGTH = 18
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECKS = "10X98765432"


class SubjectKind(StrEnum):
    LEGAL_PERSON = "legal_person"
    NATURAL_PERSON = "natural_person"


@dataclass(frozen=True)
class SubjectCode:
    value: str
    kind: SubjectKind
    # Valid as both kinds of code: ``kind`` is then the natural person's.
    ambiguous: bool = False

    def as_kind(self, kind: SubjectKind) -> SubjectCode:
        """This code as one of the given kind, which must be one it is valid as."""
        if kind is not self.kind and not self.ambiguous:
            msg = f"{self.value} is the code of a {self.kind.value}, not a {kind.value}"
            raise InvalidSubjectCode(msg)
        return SubjectCode(self.value, kind)

    @property
    def masked(self) -> str:
        """The form public views may show."""
        if self.kind is SubjectKind.NATURAL_PERSON:
            return mask_identity_number(self.value)
        return self.value

    def __str__(self) -> str:
        return self.value


def uscc_check_char(body: str) -> str:
    """Check character for the first 17 characters of a USCC (all in the charset)."""
    total = sum(
        USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def ric_check_char(body: str) -> str:
    """Check character for the first 17 digits of a resident identity number."""
    return _RIC_CHECKS[
        sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True)) % 11
    ]


def _birth_date(code: str) -> date | None:
    """Positions 7-14 as a resident identity number's birth date, if a date."""
    return date_of_digits(code[6:14])


def date_of_digits(yyyymmdd: str) -> date | None:
    """Eight digits read as a date, year first, if they are one."""
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None


def _has_valid_birth_date(code: str) -> bool:
    return _birth_date(code) is not None


def normalised_code(raw: str) -> str:
    """The code as it is compared: without whitespace, in capitals."""
    return "".join(raw.split()).upper()


# Codes are parsed on every command and query; a county's working set repeats.
@lru_cache(maxsize=65536)
def parse_subject_code(raw: str) -> SubjectCode:
    code = normalised_code(raw)
    if len(code) != CODE_LENGTH:
        raise InvalidSubjectCode(
            f"subject code must be {CODE_LENGTH} characters, got {len(code)}"
        )
    for position, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            raise InvalidSubjectCode(f"bad character {char!r} at position {position}")
    body, check = code[:17], code[17]
    uscc_check = uscc_check_char(body)
    if check == uscc_check:
        if _is_resident_number(code):
            return SubjectCode(code, SubjectKind.NATURAL_PERSON, ambiguous=True)
        return SubjectCode(code, SubjectKind.LEGAL_PERSON)
    wrong = f"check character is {check!r} but should be {uscc_check!r}"
    if not (body.isdigit() and (check.isdigit() or check == "X")):
        raise InvalidSubjectCode(wrong)
    if not _has_valid_birth_date(code):
        raise InvalidSubjectCode(
            f"{wrong} for a unified social credit code; as a resident identity "
            f"number, positions 7-14 {code[6:14]!r} are not a valid date"
        )
    ric_check = ric_check_char(body)
    if check == ric_check:
        return SubjectCode(code, SubjectKind.NATURAL_PERSON)
    raise InvalidSubjectCode(
        f"{wrong} for a unified social credit code or {ric_check!r} "
        "for a resident identity number"
    )


def reads_as_mistyped_resident_number(code: SubjectCode, today: date) -> bool:
    """Whether a code taken as an organisation's reads as a person's identity
    number with a wrong check digit: 17 digits whose positions 7-14 are a birth
    date from 1900 to today. One in 31 mistyped numbers passes the USCC check,
    and would then be published unmasked; a real USCC reads so rarely."""
    value = code.value
    if code.kind is not SubjectKind.LEGAL_PERSON or not value[:17].isdigit():
        return False
    if not (value[17].isdigit() or value[17] == "X"):
        return False
    born = _birth_date(value)
    return born is not None and _EARLIEST_BIRTH <= born <= today


_EARLIEST_BIRTH = date(1900, 1, 1)


def _is_resident_number(code: str) -> bool:
    body, check = code[:17], code[17]
    return (
        body.isdigit() and _has_valid_birth_date(code) and check == ric_check_char(body)
    )


def mask_identity_number(code: str) -> str:
    """First 6 characters, 8 asterisks, last 4: the birth date is hidden."""
    if len(code) != CODE_LENGTH:
        raise InvalidSubjectCode(
            f"identity number must be {CODE_LENGTH} characters, got {len(code)}"
        )
    return f"{code[:6]}{'*' * 8}{code[-4:]}"
