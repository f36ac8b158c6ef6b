"""Snapshots only speed loading: a snapshot-loaded subject equals its full replay."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from application.commands import Actor, RecordCommand
from application.ledger import SNAPSHOT_INTERVAL, CreditLedger
from application.snapshot_store import MARKER
from application.transcodings import DataclassAsDict
from domain.records import RepairApplication
from domain.snapshots import UnpackableState, pack
from domain.subject import CreditSubject, SubjectSnapshot, subject_id
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import penalty, repair_request
from tests.services import PostgresServer
from tests.unit.subject_desk import Desk

CODE = "91350100M000100Y43"
ACTOR = Actor(department="tax", actor="wang")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2024, 6, 10, 2, 0, tzinfo=UTC)


def commitment(n: int) -> RecordCommand:
    return RecordCommand(
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


def breach(record_id: str) -> RecordCommand:
    return RecordCommand(
        CODE,
        "CommitmentBreached",
        {"record_id": record_id, "breached_on": date(2024, 6, 9), "details": "d"},
        ACTOR,
    )


def replayed(ledger: CreditLedger) -> CreditSubject:
    subject: CreditSubject | None = None
    for event in ledger.events.get(subject_id(CODE)):
        subject = event.mutate(subject)  # type: ignore[attr-defined]
    assert subject is not None
    return subject


def state_of(subject: CreditSubject) -> dict[str, Any]:
    """Everything a subject holds, its head hash computed however it was kept."""
    state = {k: v for k, v in vars(subject).items() if not k.startswith("_head")}
    return {**state, "head_hash": subject.head_hash}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CreditLedger]:
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.make_database()
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/l.db"
    else:
        url = "memory://"
    services = build_services(Settings(database_url=url), FixedClock())
    yield services.ledger
    services.close()


def test_a_subject_loaded_from_a_snapshot_equals_its_full_replay(
    ledger: CreditLedger,
) -> None:
    ledger.register_subject(CODE, "示例", ACTOR)
    commands = [commitment(n) for n in range(SNAPSHOT_INTERVAL * 2 + 10)]
    ledger.record_many(commands[:SNAPSHOT_INTERVAL])
    ledger.record_many(commands[SNAPSHOT_INTERVAL:])
    ledger.record(breach("C3"))

    snapshots = list(ledger.snapshots.get(subject_id(CODE))) if ledger.snapshots else []
    loaded = ledger.load(CODE)

    # Taken of the state each save left once it crossed a multiple of the interval.
    assert [s.originator_version for s in snapshots] == [101, 211]
    assert state_of(loaded) == state_of(replayed(ledger))
    assert loaded.records["C3"].status == "breached"
    assert loaded.records["C3"].content["made_on"] == date(2024, 6, 1)


def test_a_subject_whose_head_is_a_snapshot_loads_whole_and_records_on(
    ledger: CreditLedger,
) -> None:
    ledger.register_subject(CODE, "示例", ACTOR)
    ledger.record_many([commitment(n) for n in range(SNAPSHOT_INTERVAL - 1)])
    assert ledger.snapshots is not None
    [snapshot] = ledger.snapshots.recorder.select_events(subject_id(CODE))

    loaded = ledger.load(CODE)
    expected = state_of(replayed(ledger))
    ledger.record(breach("C7"))

    assert snapshot.state.startswith(MARKER)
    assert loaded.version == SNAPSHOT_INTERVAL
    assert state_of(loaded) == expected
    last = list(ledger.events.get(subject_id(CODE)))[-1]
    assert last.previous_hash == loaded.head_hash  # type: ignore[attr-defined]
    assert state_of(ledger.load(CODE)) == state_of(replayed(ledger))


def test_a_snapshot_that_cannot_be_written_fails_no_committed_command(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.register_subject(CODE, "示例", ACTOR)
    assert ledger.snapshots is not None

    def refuse(*_: object) -> None:
        raise OSError("snapshot table unavailable")

    monkeypatch.setattr(ledger.snapshots, "put", refuse)
    outcomes = ledger.record_many([commitment(n) for n in range(SNAPSHOT_INTERVAL)])
    monkeypatch.undo()

    assert all(not isinstance(o, Exception) for o in outcomes)
    assert ledger.snapshots.recorder.select_events(subject_id(CODE)) == []
    assert ledger.load(CODE).version == SNAPSHOT_INTERVAL + 1
    assert state_of(ledger.load(CODE)) == state_of(replayed(ledger))


def test_a_snapshot_stored_in_the_older_unpacked_form_is_still_read(
    ledger: CreditLedger,
) -> None:
    ledger.register_subject(CODE, "示例", ACTOR)
    ledger.record_many([commitment(n) for n in range(5)])
    subject = replayed(ledger)
    old_state = {
        k: v
        for k, v in vars(subject).items()
        if k not in {"_id", "_version", "_pending_events", "_head_hash", "_head_event"}
    }
    old_state["head_hash"] = subject.head_hash
    old = SubjectSnapshot(
        originator_id=subject.id,
        originator_version=subject.version,
        timestamp=SubjectSnapshot.create_timestamp(),
        topic="domain.subject:CreditSubject",
        state=old_state,
    )
    assert ledger.snapshots is not None
    # The JSON mapper, as snapshots were stored before they were packed.
    ledger.snapshots.recorder.insert_events([ledger.mapper.to_stored_event(old)])
    ledger.record(breach("C2"))

    loaded = ledger.load(CODE)

    assert state_of(loaded) == state_of(replayed(ledger))


def test_packing_refuses_a_subject_with_state_it_does_not_know() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(CODE, "示例", ACTOR)
    subject = ledger.load(CODE)
    subject.nickname = "x"  # type: ignore[attr-defined]

    with pytest.raises(UnpackableState, match="nickname"):
        pack(subject, subject.head_hash, frozenset({"_head_hash", "_head_event"}))


def requested_repair() -> CreditSubject:
    desk = Desk()
    desk.do(penalty("P1", decided_on=date(2022, 1, 10)), repair_request("F1", "P1"))
    return desk.subject


def test_a_packed_snapshot_taken_before_repairs_kept_the_flag_still_loads() -> None:
    subject = requested_repair()
    services = build_services(Settings(database_url="memory://"), FixedClock())
    assert services.ledger.snapshots is not None
    mapper = services.ledger.snapshots.mapper
    stored = mapper.to_stored_event(SubjectSnapshot.take(subject))
    body = msgspec.msgpack.decode(stored.state[len(MARKER) :])
    # As packed before the field existed: the repair has no such key.
    del body[2]["repairs"]["F1"]["deadline_on_fallback_calendar"]
    older = replace(stored, state=MARKER + msgspec.msgpack.encode(body))

    loaded: Any = mapper.to_domain_event(older).mutate(None)  # type: ignore[attr-defined]

    services.close()
    assert loaded.repairs["F1"].deadline_on_fallback_calendar is None
    assert loaded.repairs["F1"] == replace(
        subject.repairs["F1"], deadline_on_fallback_calendar=None
    )


def test_a_repair_in_an_unpacked_snapshot_taken_before_the_flag_still_loads() -> None:
    repair = requested_repair().repairs["F1"]
    older = {
        f.name: getattr(repair, f.name)
        for f in fields(repair)
        if f.name != "deadline_on_fallback_calendar"
    }

    loaded = DataclassAsDict(RepairApplication).decode(older)

    assert loaded == replace(repair, deadline_on_fallback_calendar=None)
