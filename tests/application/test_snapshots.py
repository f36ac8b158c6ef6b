"""Snapshots only speed loading: a snapshot-loaded subject equals its full replay."""

from __future__ import annotations

from datetime import UTC, date, datetime

from application.commands import Actor, RecordCommand
from application.ledger import SNAPSHOT_INTERVAL
from domain.subject import CreditSubject, subject_id
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings

CODE = "91350100M000100Y43"
ACTOR = Actor(department="tax", actor="wang")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2024, 6, 10, 2, 0, tzinfo=UTC)


def test_a_subject_loaded_from_a_snapshot_equals_its_full_replay() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(CODE, "示例", ACTOR)
    commands = [
        RecordCommand(
            CODE,
            "CommitmentMade",
            {
                "record_id": f"C{n}",
                "commitment_type": "voluntary",
                "matter": "m",
                "content": "c",
                "made_on": date(2024, 6, 1),
            },
            ACTOR,
        )
        for n in range(SNAPSHOT_INTERVAL * 2 + 10)
    ]
    ledger.record_many(commands[:SNAPSHOT_INTERVAL])
    ledger.record_many(commands[SNAPSHOT_INTERVAL:])
    ledger.record(
        RecordCommand(
            CODE,
            "CommitmentBreached",
            {"record_id": "C3", "breached_on": date(2024, 6, 9), "details": "d"},
            ACTOR,
        )
    )

    snapshots = list(ledger.snapshots.get(subject_id(CODE))) if ledger.snapshots else []
    replayed: CreditSubject | None = None
    for event in ledger.events.get(subject_id(CODE)):
        replayed = event.mutate(replayed)  # type: ignore[attr-defined]
    loaded = ledger.load(CODE)

    assert [s.originator_version for s in snapshots] == [100, 200]
    assert replayed is not None
    assert vars(loaded) == vars(replayed)
    assert loaded.records["C3"].status == "breached"
