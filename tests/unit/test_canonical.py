"""Canonical documents: what the hash chain, the audit log and Kafka all carry."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from eventsourcing.utils import get_topic

from domain.calendar import WorkingDayCalendar
from domain.canonical import (
    GENESIS_HASH,
    SUBJECT_TOPIC,
    canonical_bytes,
    event_document,
    event_from_document,
    event_hash,
)
from domain.codes import parse_subject_code
from domain.events import RecordCorrected
from domain.rules import CreditRules, Provenance
from domain.subject import CreditSubject

RULES = CreditRules(calendar=WorkingDayCalendar({}))


def provenance(key: str) -> Provenance:
    return Provenance(
        department="market-regulation",
        actor="zhang",
        request_key=key,
        request_digest=key,
        recorded_at=datetime(2024, 6, 10, 2, 0, tzinfo=UTC),
        today=date(2024, 6, 10),
    )


def busy_subject() -> CreditSubject:
    subject = CreditSubject.register(
        parse_subject_code("91350100M000100Y43"), "示例", None, provenance("k0")
    )
    subject.publish_penalty(
        provenance("k1"),
        RULES,
        record_id="P1",
        decision_no="罚〔2024〕1号",
        violation_type="消防",
        facts="f",
        basis="b",
        penalty_types=["fine"],
        content="c",
        fine_amount="10.00",
        severity="general",
        decided_on=date(2024, 6, 3),
        authority="a",
        authority_code="x",
    )
    subject.correct_record(provenance("k2"), "P1", {"content": "c2"}, "typo")
    subject.red_list(
        provenance("k3"),
        record_id="R1",
        scheme="a_grade_taxpayer",
        decided_on=date(2024, 1, 1),
        valid_to=date(2026, 1, 1),
    )
    subject.list_as_seriously_dishonest(
        provenance("k4"),
        RULES,
        record_id="L1",
        basis="b",
        measures=["限制高消费"],
        decided_on=date(2024, 6, 1),
        term_ends_on=date(2027, 6, 1),
    )
    return subject


def test_every_event_survives_a_round_trip_through_its_document() -> None:
    events = busy_subject().collect_events()

    rebuilt = [event_from_document(event_document(e)) for e in events]

    assert rebuilt == list(events)
    assert [event_hash(e) for e in rebuilt] == [event_hash(e) for e in events]


def test_each_event_chains_to_the_hash_of_the_one_before() -> None:
    events = busy_subject().collect_events()

    assert events[0].previous_hash == GENESIS_HASH  # type: ignore[attr-defined]
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == event_hash(before)  # type: ignore[attr-defined]


def test_changing_any_field_changes_the_hash() -> None:
    event = busy_subject().collect_events()[1]
    document = event_document(event)
    document["fine_amount"] = "10000.00"

    assert event_hash(event_from_document(document)) != event_hash(event)


def test_the_subject_topic_constant_names_the_aggregate_class() -> None:
    assert get_topic(CreditSubject) == SUBJECT_TOPIC


def documented_bytes(event: object) -> bytes:
    """The canonical form as defined: the sorted, compact JSON of the document."""
    document = event_document(event)
    text = json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return text.encode()


def test_canonical_bytes_are_the_sorted_compact_json_of_the_document() -> None:
    events = busy_subject().collect_events()

    assert [canonical_bytes(e) for e in events] == [documented_bytes(e) for e in events]


def test_canonical_bytes_of_unusual_values_are_those_of_the_document() -> None:
    class Grade(StrEnum):
        ODD = 'quote " backslash \\ newline \n'

    event = RecordCorrected(
        originator_id=uuid4(),
        originator_version=2**70,
        timestamp=datetime(2024, 6, 10, 2, 0, tzinfo=UTC),
        subject_code=Grade.ODD,
        department="部门\u2028\x00\x1f",
        actor="😀",
        request_key="\\",
        request_digest="",
        previous_hash=GENESIS_HASH,
        record_id="R1",
        changes={
            "b": [1, 2.5, None, True, date(2024, 1, 2)],
            "a": {"z": Decimal("1.10"), "k": Grade.ODD, "u": uuid4()},
        },
        reason="r",
    )

    assert canonical_bytes(event) == documented_bytes(event)


def test_canonical_bytes_of_values_of_unexpected_types_are_those_of_the_document() -> (
    None
):
    event = busy_subject().collect_events()[1]
    odd = event_from_document(event_document(event))
    # Decoded events are plain objects: the values are set as they were stored.
    odd.__dict__.update(
        decided_on=datetime(2024, 6, 3, 8, 30, tzinfo=UTC),
        content=uuid4(),
        authority=date(2024, 6, 3),
        fine_amount=Decimal("10.50"),
    )

    assert canonical_bytes(odd) == documented_bytes(odd)
    assert canonical_bytes(event) == documented_bytes(event)


def test_an_event_read_back_with_a_value_its_class_lacks_hashes_by_its_fields() -> None:
    event = busy_subject().collect_events()[1]
    odd = event_from_document(event_document(event))
    # As a state stored before a field was dropped from the class.
    odd.__dict__["retired_field"] = "kept in the store, not in the class"

    assert canonical_bytes(odd) == documented_bytes(odd) == canonical_bytes(event)
