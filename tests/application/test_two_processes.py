"""Two ledgers on one store, as two `serve` processes: a kept copy never refuses,
nor keeps the expiry from what the other process recorded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from application.commands import Actor, DetailsChange, RecordCommand
from application.expiry import expire_due
from application.ledger import CreditLedger
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, red_listing

CODE = "91350100M000100Y43"
ACTOR = Actor(department="development-reform", actor="zhao")


def commitment(record_id: str) -> RecordCommand:
    fields = {
        "record_id": record_id,
        "commitment_type": "approval_substitute",
        "matter": "食品经营许可",
        "content": "按期补交材料",
        "made_on": date(2022, 10, 10),
    }
    return RecordCommand(CODE, "CommitmentMade", fields, ACTOR)


def fulfilment(record_id: str) -> RecordCommand:
    fields = {"record_id": record_id, "fulfilled_on": date(2022, 10, 12)}
    return RecordCommand(CODE, "CommitmentFulfilled", fields, ACTOR)


@pytest.fixture
def ledgers(tmp_path: Path) -> tuple[CreditLedger, CreditLedger]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    first = build_services(settings, FixedClock()).ledger
    second = build_services(settings, FixedClock()).ledger
    first.register_subject(CODE, "示例", ACTOR)
    first.record(commitment("C1"))
    return first, second


def test_a_record_added_by_another_process_is_known_here(
    ledgers: tuple[CreditLedger, CreditLedger],
) -> None:
    first, second = ledgers
    second.record(commitment("C2"))

    fulfilled = first.record(fulfilment("C2"))

    assert fulfilled.primary.version == 4


def test_if_match_counts_versions_stored_by_another_process(
    ledgers: tuple[CreditLedger, CreditLedger],
) -> None:
    first, second = ledgers
    second.record(commitment("C2"))

    result = first.record(
        RecordCommand(
            CODE, "CommitmentMade", commitment("C3").fields, ACTOR, expected_version=3
        )
    )

    assert result.primary.version == 4


def test_a_command_after_a_change_of_details_decides_on_the_new_version(
    ledgers: tuple[CreditLedger, CreditLedger],
) -> None:
    first, _ = ledgers
    first.change_details(DetailsChange(CODE, ACTOR, {"name": "新名称"}))

    result = first.record(
        RecordCommand(
            CODE, "CommitmentMade", commitment("C3").fields, ACTOR, expected_version=3
        )
    )

    assert result.primary.version == 4
    assert first.state(CODE).name == "新名称"


def test_an_event_is_never_stamped_before_the_one_another_process_stored(
    ledgers: tuple[CreditLedger, CreditLedger],
) -> None:
    first, second = ledgers
    ahead = second.clock.now() + timedelta(seconds=5)
    assert isinstance(second.clock, FixedClock)
    second.clock.set(ahead)
    second.record(commitment("C2"))

    fulfilled = first.record(fulfilment("C2"))

    assert fulfilled.primary.version == 4
    assert fulfilled.primary.recorded_at == ahead
    before_c2 = first.load(CODE, ahead - timedelta(seconds=1))
    assert list(before_c2.records) == ["C1"]


def test_the_expiry_ends_a_record_another_process_stored(
    ledgers: tuple[CreditLedger, CreditLedger],
) -> None:
    first, second = ledgers
    listed = red_listing("R1", valid_to=date(2023, 3, 31))
    second.record(RecordCommand(CODE, "RedListed", fields_of(listed), ACTOR))
    assert isinstance(first.clock, FixedClock)
    first.clock.advance(timedelta(days=365))

    emitted = expire_due(first, [CODE])

    assert [(e.type, e.version) for e in emitted] == [("RedListRevoked", 4)]
    assert expire_due(first, [CODE]) == []
