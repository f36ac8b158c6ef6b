"""Record ids and authority codes are published as written, so a new record
whose id or authority code holds a resident identity number is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain import subject as subject_module
from domain.errors import InvalidRecord
from domain.published_ids import holds_identity_number, reads_as_identity_number
from tests.factories import (
    TODAY,
    Body,
    ambiguous_code,
    commitment,
    correction,
    digits_only_uscc,
    fulfilment,
    information,
    licence,
    listing,
    mistyped_resident_id,
    penalty,
    red_listing,
    resident_id,
    revocation,
    uscc,
    with_wrong_check_char,
)
from tests.unit.subject_desk import Desk, names

PERSON = resident_id(7)
FULL_WIDTH = PERSON.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    "text",
    [
        PERSON,
        f"CF-{PERSON}",
        f"XK{PERSON}-2",
        f"{PERSON[:6]}-{PERSON[6:14]}-{PERSON[14:]}",
        f"{PERSON[:6]}.{PERSON[6:10]}.{PERSON[10:14]}.{PERSON[14:]}",
        f"R_{FULL_WIDTH}",
        with_wrong_check_char(PERSON),
    ],
)
def test_a_text_holds_an_identity_number_where_the_masking_finds_one(
    text: str,
) -> None:
    assert holds_identity_number(text)


@pytest.mark.parametrize(
    "text", ["P-2024-001", "JS-CF-2024-0001", "2024-05-17", uscc(1), "L1"]
)
def test_a_text_without_such_a_number_holds_none(text: str) -> None:
    assert not holds_identity_number(text)


@pytest.mark.parametrize(
    "code",
    [
        PERSON,
        ambiguous_code(),
        mistyped_resident_id(1),
        with_wrong_check_char(PERSON),
        f"{PERSON[:6]} {PERSON[6:14]} {PERSON[14:]}",
        f"{PERSON[:6]}-{PERSON[6:14]}-{PERSON[14:]}",
        f"No. {PERSON}",
    ],
)
def test_an_authority_code_holding_an_identity_number_reads_as_one(code: str) -> None:
    assert reads_as_identity_number(code, TODAY)


@pytest.mark.parametrize(
    "code",
    [uscc(1), "11140824MB1234567X", digits_only_uscc(), "稷山县市场监督管理局", "x"],
)
def test_an_organisations_code_does_not_read_as_an_identity_number(
    code: str,
) -> None:
    assert not reads_as_identity_number(code, TODAY)


def test_a_code_reads_as_a_mistyped_number_once_its_birth_date_has_come() -> None:
    code = mistyped_resident_id(1, born="20300517")

    assert not reads_as_identity_number(code, TODAY)
    assert reads_as_identity_number(code, date(2030, 5, 17))


NEW_RECORDS: list[Callable[..., Body]] = [
    licence,
    penalty,
    information,
    commitment,
    listing,
    red_listing,
]


@pytest.mark.parametrize("record", NEW_RECORDS)
def test_a_new_record_whose_id_holds_an_identity_number_is_refused(
    record: Callable[..., Body],
) -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="published as written") as refused:
        desk.do(record(f"CF-{PERSON}"))

    assert refused.value.field == "record_id"
    assert desk.subject.pending_events[1:] == []


@pytest.mark.parametrize("record", [licence, penalty])
@pytest.mark.parametrize("code", [PERSON, ambiguous_code(), mistyped_resident_id(1)])
def test_an_authority_code_reading_as_an_identity_number_is_refused(
    record: Callable[..., Body], code: str
) -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="published as written") as refused:
        desk.do(record(authority_code=code))

    assert refused.value.field == "authority_code"
    assert desk.subject.pending_events[1:] == []


def test_a_digits_only_social_credit_code_is_taken_as_the_authoritys() -> None:
    desk = Desk()

    events = desk.do(penalty("P1", authority_code=digits_only_uscc()))

    assert names(events) == ["PenaltyPublished"]


def test_a_correction_to_an_authority_code_reading_as_a_number_is_refused() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(InvalidRecord, match="published as written") as refused:
        desk.do(correction("L1", changes={"authority_code": PERSON}))

    assert refused.value.field == "changes.authority_code"
    assert desk.record("L1").corrections == 0


def test_a_record_stored_before_the_rule_is_still_corrected_closed_and_revoked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = Desk()
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(subject_module, "check_published_ids", _no_check)
        desk.do(licence(f"L-{PERSON}"), commitment(f"C-{PERSON}"))

    events = desk.do(
        correction(f"L-{PERSON}"),
        revocation(f"L-{PERSON}"),
        fulfilment(f"C-{PERSON}"),
    )

    assert names(events) == ["RecordCorrected", "RecordRevoked", "CommitmentFulfilled"]


def _no_check(*_: object, **__: object) -> None:
    return None
