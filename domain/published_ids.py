"""A record's id and its deciding authority's code are published as written:
neither may hold a natural person's resident identity number.

The public views mask identity numbers in every text but these
(``projections/public_text.py``): a record id keys their rows (two ids masked
alike would make one row), and an authority's code may be a unified social
credit code of digits only, which masking would spoil. So a new record is
refused whose id holds a number as the masking finds one, or whose authority
code registration would not take as an organisation's unasked: an identity
number (even one that passes as a social credit code as well), a social credit code that
reads as an identity number with a mistyped check digit, or other text holding
a number. Events stored before this rule are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.codes import (
    SubjectKind,
    parse_subject_code,
    reads_as_mistyped_resident_number,
)
from domain.errors import InvalidRecord, InvalidSubjectCode
from domain.text_masking import mask_identity_numbers

RECORD_ID_HOLDS_A_NUMBER = (
    "record_id is published as written (public lists, CSV, the portal) and must "
    "not hold a resident identity number: give the record an id without one"
)
AUTHORITY_CODE_READS_AS_A_NUMBER = (
    "authority_code is published as written (public lists, CSV, the portal) and "
    "must not hold a natural person's resident identity number; this one reads "
    "as one (an identity number, even one that passes as a unified social credit "
    "code as well, or one with a mistyped check digit): give the deciding "
    "authority's unified social credit code"
)


def holds_identity_number(text: str) -> bool:
    """Whether the masking of public text would find a number in the text."""
    return mask_identity_numbers(text) != text


def reads_as_identity_number(code: str, today: date) -> bool:
    """Whether an organisation's code, as written, may be a person's identity
    number: text holding one that is not a code registration takes as an
    organisation's when no kind is said."""
    if not holds_identity_number(code):
        return False
    try:
        parsed = parse_subject_code(code)
    except InvalidSubjectCode:
        return True
    return parsed.kind is SubjectKind.NATURAL_PERSON or (
        reads_as_mistyped_resident_number(parsed, today)
    )


def check_published_ids(
    fields: Mapping[str, Any], today: date, within: str = ""
) -> None:
    """Refuses a record (new, or as corrected: its new values are then
    ``within`` the changes) whose id or authority code would publish a number."""
    record_id = fields.get("record_id")
    if isinstance(record_id, str) and holds_identity_number(record_id):
        raise InvalidRecord(RECORD_ID_HOLDS_A_NUMBER, f"{within}record_id")
    code = fields.get("authority_code")
    if isinstance(code, str) and reads_as_identity_number(code, today):
        raise InvalidRecord(AUTHORITY_CODE_READS_AS_A_NUMBER, f"{within}authority_code")
