"""Valid subject codes, a settable clock and event bodies, shared by the suites.

Bodies are what a client sends to ``POST /v1/subjects/{code}/events``: ``type`` plus
fields, with business dates as ``date`` objects (``as_json`` turns them into ISO
text for HTTP; ``fields_of`` drops ``type`` for the aggregate and the ledger).
The defaults suit a recording clock of 2022-10-20 (``NOW``): decisions lie in the
past, penalties decided 2022-06-15 are past their 3-month minimum period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.codes import ric_check_char, uscc_check_char

# 11:00 in Asia/Shanghai, the county's business date 2022-10-20 (a Thursday).
NOW = datetime(2022, 10, 20, 3, 0, tzinfo=UTC)
TODAY = date(2022, 10, 20)

Body = dict[str, Any]


def uscc(serial: int) -> str:
    """A valid Unified Social Credit Code, different for each serial."""
    body = f"91350100MA{serial:07d}"
    return body + uscc_check_char(body)


def resident_id(serial: int) -> str:
    """A valid resident identity number (born 1990-05-17, or the day after where
    that one would also pass as a USCC), different per serial."""
    for born in ("19900517", "19900518"):
        body = f"110105{born}{serial % 1000:03d}"
        check = ric_check_char(body)
        if check != uscc_check_char(body):
            return body + check
    raise AssertionError(f"no unambiguous resident id for serial {serial}")


def masked_alike(code: str) -> str:
    """Another person's resident identity number that is masked as ``code`` is
    (same region, sequence and check digit; another birth date)."""
    for day in range(1, 29):
        body = f"{code[:6]}198003{day:02d}{code[14:17]}"
        if ric_check_char(body) == code[17] != uscc_check_char(body):
            return body + code[17]
    raise AssertionError(f"no number masked alike {code[:6]}...")


def ambiguous_code() -> str:
    """A resident identity number whose check digit is also a USCC's."""
    body = "11010519900517118"
    assert ric_check_char(body) == uscc_check_char(body)
    return body + ric_check_char(body)


def digits_only_uscc() -> str:
    """An organisation's unified social credit code of digits only (masked in
    text like an identity number), which is none: positions 7-14 are no date."""
    for serial in range(100):
        body = f"111408240000123{serial:02d}"
        check = uscc_check_char(body)
        if check.isdigit():
            return body + check
    raise AssertionError("no digits-only USCC")


def mistyped_resident_id(serial: int, born: str = "19900517") -> str:
    """A valid USCC that reads as a resident identity number whose check digit
    is wrong."""
    for sequence in range(serial, serial + 100):
        body = f"110105{born}{sequence % 1000:03d}"
        check = uscc_check_char(body)
        if check.isdigit() and check != ric_check_char(body):
            return body + check
    raise AssertionError(f"no mistyped resident id from serial {serial}")


def with_wrong_check_char(code: str) -> str:
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


@dataclass
class FixedClock:
    """The clock the service reads; tests move it explicitly."""

    instant: datetime = field(default=NOW)

    def now(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = instant

    def advance(self, delta: timedelta) -> None:
        self.instant += delta


def as_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def fields_of(body: Body) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "type"}


def licence(record_id: str = "L1", **overrides: Any) -> Body:
    return {
        "type": "LicencePublished",
        "record_id": record_id,
        "decision_no": f"JS-XK-{record_id}",
        "licence_category": "general",
        "licence_name": "Food business licence",
        "licence_no": "JY13501000012345",
        "content": "Retail of prepackaged food",
        "decided_on": date(2022, 10, 19),
        "valid_from": date(2022, 10, 19),
        "valid_to": date(2027, 10, 18),
        "authority": "Jishan County Market Regulation Bureau",
        "authority_code": "11140824MB1234567X",
    } | overrides


def penalty(record_id: str = "P1", **overrides: Any) -> Body:
    return {
        "type": "PenaltyPublished",
        "record_id": record_id,
        "decision_no": f"JS-CF-{record_id}",
        "violation_type": "pricing",
        "facts": "Sold goods above the marked price",
        "basis": "Price Law art. 13",
        "penalty_types": ["fine"],
        "content": "Fine of 5000 yuan",
        "fine_amount": "5000.00",
        "severity": "general",
        "decided_on": date(2022, 6, 15),
        "authority": "Jishan County Market Regulation Bureau",
        "authority_code": "11140824MB1234567X",
    } | overrides


def information(record_id: str = "I1", **overrides: Any) -> Body:
    return {
        "type": "InformationRecorded",
        "record_id": record_id,
        "kind": "reward",
        "content": "Provincial quality award",
        "occurred_on": date(2022, 9, 1),
        "self_declared": True,
    } | overrides


def commitment(record_id: str = "C1", **overrides: Any) -> Body:
    return {
        "type": "CommitmentMade",
        "record_id": record_id,
        "commitment_type": "approval_substitute",
        "matter": "food business licence",
        "content": "Will meet the hygiene conditions within 30 days",
        "made_on": date(2022, 10, 10),
        "due_on": date(2022, 11, 9),
    } | overrides


def fulfilment(record_id: str = "C1", **overrides: Any) -> Body:
    return {
        "type": "CommitmentFulfilled",
        "record_id": record_id,
        "fulfilled_on": date(2022, 10, 18),
    } | overrides


def breach(record_id: str = "C1", **overrides: Any) -> Body:
    return {
        "type": "CommitmentBreached",
        "record_id": record_id,
        "breached_on": date(2022, 10, 18),
        "details": "Hygiene conditions not met on inspection",
    } | overrides


def listing(record_id: str = "S1", **overrides: Any) -> Body:
    return {
        "type": "Listed",
        "record_id": record_id,
        "basis": "Food Safety Law art. 135",
        "measures": ["barred from government procurement"],
        "decided_on": date(2022, 10, 1),
        "term_ends_on": date(2025, 10, 1),
        "notified_on": date(2022, 9, 15),
    } | overrides


def delisting(record_id: str = "S1", **overrides: Any) -> Body:
    return {
        "type": "Delisted",
        "record_id": record_id,
        "reason": "expired",
        "decided_on": date(2022, 10, 20),
    } | overrides


def red_listing(record_id: str = "R1", **overrides: Any) -> Body:
    return {
        "type": "RedListed",
        "record_id": record_id,
        "scheme": "a_grade_taxpayer",
        "decided_on": date(2022, 4, 1),
        "valid_to": date(2023, 3, 31),
    } | overrides


def red_list_revocation(record_id: str = "R1", **overrides: Any) -> Body:
    return {
        "type": "RedListRevoked",
        "record_id": record_id,
        "reason": "tax arrears found",
        "decided_on": date(2022, 10, 20),
    } | overrides


def expiry(record_id: str = "P1", **overrides: Any) -> Body:
    return {
        "type": "PublicityExpired",
        "record_id": record_id,
        "expired_on": date(2022, 9, 1),
    } | overrides


def repair_request(
    repair_id: str = "F1", record_id: str = "P1", **overrides: Any
) -> Body:
    return {
        "type": "RepairRequested",
        "repair_id": repair_id,
        "record_id": record_id,
        "requested_on": date(2022, 10, 18),
        "commitment": "I commit to lawful pricing (信用承诺书)",
        "materials": ["fine receipt", "training certificate"],
    } | overrides


def repair_grant(repair_id: str = "F1", **overrides: Any) -> Body:
    return {
        "type": "Repaired",
        "repair_id": repair_id,
        "decided_on": date(2022, 10, 20),
    } | overrides


def repair_rejection(repair_id: str = "F1", **overrides: Any) -> Body:
    return {
        "type": "RepairRejected",
        "repair_id": repair_id,
        "decided_on": date(2022, 10, 20),
        "reason": "fine not paid",
    } | overrides


def correction(record_id: str = "L1", **overrides: Any) -> Body:
    return {
        "type": "RecordCorrected",
        "record_id": record_id,
        "changes": {"content": "Retail of prepackaged and bulk food"},
        "reason": "weekly data-quality feedback",
    } | overrides


def revocation(record_id: str = "L1", **overrides: Any) -> Body:
    return {
        "type": "RecordRevoked",
        "record_id": record_id,
        "reason": "decision annulled on review",
        "decided_on": date(2022, 10, 20),
    } | overrides


def repair_revocation(repair_id: str = "F1", **overrides: Any) -> Body:
    return {
        "type": "RepairRevoked",
        "repair_id": repair_id,
        "reason": "training certificate found forged",
        "decided_on": date(2022, 10, 20),
    } | overrides
