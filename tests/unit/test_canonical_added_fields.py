"""A field added to an event class later (``RepairRequested``'s
``deadline_on_fallback_calendar``): events stored before it hash as they were
hashed then, on every way to the canonical form; new events carry it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from application.ledger import CreditLedger
from domain.canonical import (
    canonical_bytes,
    event_document,
    event_from_document,
    event_hash,
    json_ready,
)
from domain.events import RepairRequested
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, penalty, repair_request
from tests.unit.subject_desk import Desk

FLAG = "deadline_on_fallback_calendar"
# A request as the code before the flag stored it: its state has no such key.
OLD_STATE: dict[str, Any] = {
    "originator_id": UUID("5a1f3c2e-8d4b-4f6a-9c0e-2b7d1e3f4a5c"),
    "originator_version": 3,
    "timestamp": datetime(2025, 12, 19, 3, 0, tzinfo=UTC),
    "subject_code": "91350100MA0000001X",
    "department": "market-regulation",
    "actor": "wang",
    "request_key": "k-3",
    "request_digest": "digest",
    "previous_hash": "ab" * 32,
    "repair_id": "F1",
    "record_id": "P1",
    "requested_on": date(2025, 12, 19),
    "commitment": "信用承诺书",
    "materials": ["履行证明", "培训证书"],
    "decision_due_on": date(2026, 1, 5),
}
# event_hash of OLD_STATE as computed by the code before the flag (a87bba7).
OLD_HASH = "52ca0216328c524aac4e12917b5a386415d3807cf6d8141b7dffb1da8dac6c6c"


def as_read_back(state: dict[str, Any]) -> RepairRequested:
    """The event as the library's mapper makes it: its state set as stored,
    without ``__init__``."""
    event = object.__new__(RepairRequested)
    object.__setattr__(event, "__dict__", dict(state))
    return event


def sorted_compact_json(document: dict[str, Any]) -> bytes:
    text = json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return text.encode()


def old_canonical_bytes(state: dict[str, Any]) -> bytes:
    """The canonical form as defined before the flag, from the stored state
    alone: every value JSON-ready, plus the type name."""
    document = {name: json_ready(value) for name, value in state.items()}
    return sorted_compact_json({**document, "type": "RepairRequested"})


@pytest.fixture(scope="module")
def ledger() -> Iterator[CreditLedger]:
    services = build_services(Settings(database_url="memory://"), FixedClock())
    yield services.ledger
    services.close()


def test_an_old_request_reads_back_without_the_flag_and_hashes_as_before() -> None:
    old = as_read_back(OLD_STATE)

    assert old.deadline_on_fallback_calendar is None
    assert canonical_bytes(old) == old_canonical_bytes(OLD_STATE)
    assert FLAG.encode() not in canonical_bytes(old)
    assert event_hash(old) == OLD_HASH
    assert hashlib.sha256(old_canonical_bytes(OLD_STATE)).hexdigest() == OLD_HASH


def test_an_old_request_stored_and_read_by_the_mapper_hashes_as_before(
    ledger: CreditLedger,
) -> None:
    stored = ledger.mapper.to_stored_event(as_read_back(OLD_STATE))
    assert stored.topic == get_topic(RepairRequested)
    assert FLAG.encode() not in stored.state

    read: Any = ledger.mapper.to_domain_event(stored)

    assert FLAG not in vars(read)
    assert read.deadline_on_fallback_calendar is None
    assert event_hash(read) == OLD_HASH


def test_an_old_request_written_field_by_field_leaves_the_flag_out() -> None:
    # A tuple is not among the values msgspec writes alike: field by field.
    state = {**OLD_STATE, "materials": ("履行证明",)}

    old = as_read_back(state)

    assert canonical_bytes(old) == old_canonical_bytes(state)


def test_an_old_request_made_with_the_flag_none_hashes_as_if_it_lacked_it() -> None:
    # As event_from_document makes it: through __init__, every field set.
    made = RepairRequested(**OLD_STATE, deadline_on_fallback_calendar=None)

    assert vars(made)[FLAG] is None
    assert event_hash(made) == OLD_HASH


def test_an_old_requests_document_lacks_the_flag_and_reads_back_alike() -> None:
    old = as_read_back(OLD_STATE)

    document = event_document(old)
    rebuilt = event_from_document(document)

    assert FLAG not in document
    assert document == json.loads(old_canonical_bytes(OLD_STATE))
    assert rebuilt.deadline_on_fallback_calendar is None  # type: ignore[attr-defined]
    assert event_document(rebuilt) == document
    assert event_hash(rebuilt) == OLD_HASH


@pytest.mark.parametrize(
    ("requested_on", "fallback"),
    [(date(2022, 10, 20), False), (date(2022, 12, 28), True)],
)
def test_a_new_request_carries_the_flag_in_its_canonical_form(
    requested_on: date, fallback: bool
) -> None:
    # The desk's calendar covers 2022 only: a deadline counted into 2023 is
    # counted Monday to Friday.
    desk = Desk(today=requested_on)
    [_, request] = desk.do(
        penalty("P1", decided_on=date(2022, 1, 10)),
        repair_request("F1", "P1", requested_on=requested_on),
    )

    document = event_document(request)
    rebuilt = event_from_document(document)

    assert isinstance(request, RepairRequested)
    assert request.deadline_on_fallback_calendar is fallback
    assert document[FLAG] is fallback
    assert canonical_bytes(request) == sorted_compact_json(document)
    assert f'"{FLAG}":{json.dumps(fallback)}'.encode() in canonical_bytes(request)
    assert rebuilt == request
    assert event_hash(rebuilt) == event_hash(request)
    assert desk.subject.repairs["F1"].deadline_on_fallback_calendar is fallback


def test_the_flag_is_part_of_a_new_requests_hash() -> None:
    desk = Desk(today=date(2022, 12, 28))
    [_, request] = desk.do(
        penalty("P1", decided_on=date(2022, 1, 10)),
        repair_request("F1", "P1", requested_on=date(2022, 12, 28)),
    )
    document = event_document(request)

    flipped = event_from_document({**document, FLAG: False})
    dropped = event_from_document({k: v for k, v in document.items() if k != FLAG})

    assert len({event_hash(request), event_hash(flipped), event_hash(dropped)}) == 3
