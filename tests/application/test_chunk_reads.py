"""A chunk of many subjects is read from the store together, on SQLite and
PostgreSQL: decided on the same state as one by one, and a rerun answered from
the stored events, never stored twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from application.commands import Actor, RecordCommand
from application.errors import SubjectNotFound
from application.ledger import SNAPSHOT_INTERVAL, CreditLedger
from application.results import CommandResult
from domain.errors import InvalidSubjectCode
from domain.subject import CreditSubject, subject_id
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, information, licence, uscc

OFFICER = Actor(department="market-regulation", actor="wang")
SUBJECTS = [uscc(n) for n in range(1, 41)]
# Past the snapshot interval, so its read starts from a snapshot.
BUSY = SUBJECTS[0]


@dataclass
class Store:
    url: str
    opened: list[Callable[[], None]] = field(default_factory=list)

    def ledger(self) -> CreditLedger:
        """A ledger of its own on the store, as a new process: nothing kept."""
        services = build_services(Settings(database_url=self.url), FixedClock())
        self.opened.append(services.close)
        return services.ledger


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    ledger = store.ledger()
    for code in SUBJECTS:
        ledger.register_subject(code, f"企业{code[-4:]}", OFFICER)
    ledger.record_many(
        [command(BUSY, information(f"B{n}"), f"b{n}") for n in range(SNAPSHOT_INTERVAL)]
    )
    yield store
    for close in store.opened:
        close()


def command(code: str, body: dict[str, object], key: str) -> RecordCommand:
    return RecordCommand(code, str(body["type"]), fields_of(body), OFFICER, key)


def chunk() -> list[RecordCommand]:
    return [
        command(code, licence(f"L{n}") if n % 2 else information(f"I{n}"), f"k{n}")
        for n, code in enumerate(SUBJECTS)
    ]


def replayed(ledger: CreditLedger, code: str) -> CreditSubject:
    subject = None
    for event in ledger.events.get(subject_id(code)):
        subject = event.mutate(subject)  # type: ignore[attr-defined]
    assert isinstance(subject, CreditSubject)
    return subject


def results(outcomes: list[CommandResult | Exception]) -> list[CommandResult]:
    assert all(isinstance(o, CommandResult) for o in outcomes), outcomes
    return [o for o in outcomes if isinstance(o, CommandResult)]


def test_a_chunk_of_many_stored_subjects_is_decided_on_their_stored_state(
    store: Store,
) -> None:
    ledger = store.ledger()
    assert ledger.snapshots is not None
    assert list(ledger.snapshots.get(subject_id(BUSY)))

    recorded = results(ledger.record_many(chunk()))

    assert [r.primary.version for r in recorded] == [
        SNAPSHOT_INTERVAL + 2,
        *[2] * (len(SUBJECTS) - 1),
    ]
    for code in (BUSY, SUBJECTS[1], SUBJECTS[-1]):
        loaded = ledger.load(code)
        assert loaded.head_hash == replayed(ledger, code).head_hash
        assert loaded.version == replayed(ledger, code).version


def test_a_rerun_chunk_is_answered_from_the_store_and_stores_nothing(
    store: Store,
) -> None:
    first = results(store.ledger().record_many(chunk()))
    rerun_by = store.ledger()
    head = rerun_by.head_position()

    again = results(rerun_by.record_many(chunk()))

    assert all(r.replayed for r in again)
    assert [r.events for r in again] == [r.events for r in first]
    assert rerun_by.head_position() == head


def test_a_rerun_answers_every_event_a_command_stored_and_those_of_this_chunk(
    store: Store,
) -> None:
    ledger = store.ledger()
    stored = results(ledger.record_many(chunk()[:10]))
    rerun_by = store.ledger()

    again = results(rerun_by.record_many(chunk()[:20] + chunk()[15:20]))

    assert [r.events for r in again[:10]] == [r.events for r in stored]
    assert all(r.replayed for r in again[:10])
    assert not any(r.replayed for r in again[10:20])
    assert [r.events for r in again[20:]] == [r.events for r in again[15:20]]


def test_lines_naming_unknown_or_malformed_subjects_are_refused_alone(
    store: Store,
) -> None:
    ledger = store.ledger()
    commands = [
        command(uscc(999), information("I1"), "u"),
        command("not-a-code", information("I1"), "m"),
        *chunk()[:3],
    ]

    outcomes = ledger.record_many(commands)

    assert isinstance(outcomes[0], SubjectNotFound)
    assert isinstance(outcomes[1], InvalidSubjectCode)
    assert [r.primary.version for r in results(outcomes[2:])] == [
        SNAPSHOT_INTERVAL + 2,
        2,
        2,
    ]


def test_positions_read_with_the_events_match_the_subjects_positions(
    store: Store,
) -> None:
    ledger = store.ledger()
    results(ledger.record_many(chunk()))
    ranges = {subject_id(code): (1, 2) for code in SUBJECTS[1:5]}

    found = ledger.positions.stored_in_ranges(ranges)

    expected = {
        (originator_id, version): position
        for originator_id in ranges
        for version, position in ledger.positions.positions_of(originator_id).items()
    }
    assert {(e.originator_id, e.originator_version): p for e, p in found} == expected


def test_a_rerun_of_requests_from_before_the_snapshot_is_answered_from_the_store(
    store: Store,
) -> None:
    ledger = store.ledger()
    early = [command(BUSY, information(f"B{n}"), f"b{n}") for n in range(3)]

    again = results(ledger.record_many([*early, *chunk()[:2]]))

    assert [r.primary.version for r in again[:3]] == [2, 3, 4]
    assert all(r.replayed for r in again[:3])
    assert [r.primary.position for r in again[:3]] == [
        ledger.positions.positions_of(subject_id(BUSY))[v] for v in (2, 3, 4)
    ]


def test_a_rerun_by_the_ledger_that_kept_the_subjects_gives_the_same_answers(
    store: Store,
) -> None:
    ledger = store.ledger()
    first = results(ledger.record_many(chunk()))

    again = results(ledger.record_many(chunk()))

    assert [r.events for r in again] == [r.events for r in first]
    assert all(r.replayed for r in again)


def test_a_chunk_only_counted_is_stored_the_same_and_says_which_lines_replayed(
    store: Store,
) -> None:
    ledger = store.ledger()
    counted = results(ledger.record_many(chunk()[:10], with_events=False))
    head = ledger.head_position()

    again = results(store.ledger().record_many(chunk()[:12], with_events=False))

    assert [(r.events, r.replayed) for r in counted] == [([], False)] * 10
    assert [r.replayed for r in again] == [True] * 10 + [False] * 2
    assert [r.events for r in again] == [[]] * 12
    assert store.ledger().head_position() == head + 2
    assert ledger.load(SUBJECTS[3]).version == 2
