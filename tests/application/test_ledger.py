"""The credit ledger on the in-memory store: commands, queries, idempotency, clock."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from application.commands import DIGEST_FORMAT, Actor, DetailsChange, RecordCommand
from application.errors import (
    ConcurrentWriteConflict,
    SubjectNotFound,
    UnknownEventType,
    VersionMismatch,
)
from application.ledger import CreditLedger
from application.results import CommandResult
from domain.canonical import GENESIS_HASH
from domain.errors import (
    CommitmentNotOpen,
    DuplicateRecord,
    IdempotencyKeyReused,
    InvalidRecord,
    InvalidSubjectCode,
    SubjectAlreadyRegistered,
)
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import (
    NOW,
    Body,
    FixedClock,
    ambiguous_code,
    breach,
    commitment,
    correction,
    fields_of,
    fulfilment,
    information,
    licence,
    listing,
    penalty,
    red_listing,
    repair_request,
    resident_id,
    uscc,
)

OFFICER = Actor(department="market-regulation", actor="wang")
CODE = uscc(1)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def ledger(clock: FixedClock) -> CreditLedger:
    services = build_services(Settings(database_url="memory://"), clock)
    services.ledger.register_subject(CODE, "Jishan Foods Co.", OFFICER)
    return services.ledger


def command(
    body: Body,
    code: str = CODE,
    key: str | None = None,
    expected_version: int | None = None,
) -> RecordCommand:
    return RecordCommand(
        subject_code=code,
        event_type=str(body["type"]),
        fields=fields_of(body),
        actor=OFFICER,
        request_key=key,
        expected_version=expected_version,
    )


def record(ledger: CreditLedger, *bodies: Body) -> list[CommandResult]:
    return [ledger.record(command(body)) for body in bodies]


def types(ledger: CreditLedger, code: str = CODE) -> list[str]:
    return [entry.type for entry in ledger.history(code)]


# Registration -----------------------------------------------------------------


def test_registration_stores_one_event_and_infers_the_kind(
    ledger: CreditLedger,
) -> None:
    result = ledger.register_subject(resident_id(3), "Zhang San", OFFICER)

    assert result.created
    assert (result.kind, result.version) == ("natural_person", 1)
    assert result.position == ledger.head_position()


def test_registering_again_with_the_same_details_stores_nothing(
    ledger: CreditLedger,
) -> None:
    head = ledger.head_position()

    result = ledger.register_subject(CODE, "Jishan Foods Co.", OFFICER)

    assert not result.created
    assert ledger.head_position() == head


def test_registering_again_with_other_details_is_refused(ledger: CreditLedger) -> None:
    with pytest.raises(SubjectAlreadyRegistered, match="PATCH"):
        ledger.register_subject(CODE, "Another Name", OFFICER)


def test_registering_again_names_each_detail_that_differs(
    ledger: CreditLedger,
) -> None:
    with pytest.raises(SubjectAlreadyRegistered) as refused:
        ledger.register_subject(
            CODE, "Another Name", OFFICER, legal_representative="Li Si"
        )

    assert refused.value.differing == ("name", "legal_representative")
    assert "its name is 'Jishan Foods Co.', not 'Another Name'" in str(refused.value)
    assert "its legal representative is none, not 'Li Si'" in str(refused.value)


def test_registering_again_as_another_kind_says_the_kind_cannot_change(
    ledger: CreditLedger,
) -> None:
    code = ambiguous_code()
    ledger.register_subject(code, "Zhang San", OFFICER, kind="natural_person")

    with pytest.raises(SubjectAlreadyRegistered) as refused:
        ledger.register_subject(code, "Zhang San", OFFICER, kind="legal_person")

    assert refused.value.differing == ("kind",)
    assert "kind cannot be changed" in str(refused.value)
    assert "PATCH" not in str(refused.value)


def test_registering_a_bad_code_is_refused_before_anything_is_stored(
    ledger: CreditLedger,
) -> None:
    head = ledger.head_position()

    with pytest.raises(InvalidSubjectCode):
        ledger.register_subject(CODE[:-1] + "0", "Acme", OFFICER)

    assert ledger.head_position() == head


def first_answer_lost(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """The ledger's first save commits, then fails as the library's retried
    insert does when it meets the rows its first try committed after the
    connection dropped. The list gets the position that save stored."""
    stored = ledger.save
    lost: list[int] = []

    def commits_then_loses_the_answer(*subjects: Any, **kwargs: Any) -> Any:
        recordings = stored(*subjects, **kwargs)
        if not lost:
            lost.append(recordings[0].notification.id)
            raise IntegrityError("duplicate key: the first try was committed")
        return recordings

    monkeypatch.setattr(ledger, "save", commits_then_loses_the_answer)
    return lost


def test_changing_details_keeps_what_is_not_given(ledger: CreditLedger) -> None:
    ledger.change_details(
        DetailsChange(CODE, OFFICER, {"legal_representative": "Li Si"})
    )

    state = ledger.state(CODE)

    assert (state.name, state.legal_representative) == ("Jishan Foods Co.", "Li Si")


def test_changing_details_to_none_removes_the_representative(
    ledger: CreditLedger,
) -> None:
    ledger.change_details(DetailsChange(CODE, OFFICER, {"legal_representative": "Li"}))

    ledger.change_details(DetailsChange(CODE, OFFICER, {"legal_representative": None}))

    state = ledger.state(CODE)
    assert (state.name, state.legal_representative) == ("Jishan Foods Co.", None)


@pytest.mark.parametrize("name", [None, "", " "])
def test_changing_details_never_leaves_the_subject_without_a_name(
    ledger: CreditLedger, name: str | None
) -> None:
    with pytest.raises(InvalidRecord, match="name cannot be removed"):
        ledger.change_details(DetailsChange(CODE, OFFICER, {"name": name}))

    assert types(ledger) == ["SubjectRegistered"]


def test_changing_details_to_what_they_are_stores_nothing(
    ledger: CreditLedger,
) -> None:
    [licensed] = record(ledger, licence("L1"))
    unchanged = {"name": "Jishan Foods Co.", "legal_representative": None}

    result = ledger.change_details(
        DetailsChange(CODE, OFFICER, unchanged, expected_version=2)
    )

    assert (result.events, result.replayed) == ([], False)
    assert result.primary == licensed.primary
    assert result.version == 2
    assert types(ledger) == ["SubjectRegistered", "LicencePublished"]


def test_changing_details_to_what_they_are_is_still_checked_against_if_match(
    ledger: CreditLedger,
) -> None:
    with pytest.raises(VersionMismatch):
        ledger.change_details(
            DetailsChange(
                CODE, OFFICER, {"name": "Jishan Foods Co."}, expected_version=3
            )
        )


def test_changing_details_again_under_its_key_is_answered_from_the_store(
    ledger: CreditLedger,
) -> None:
    change = DetailsChange(CODE, OFFICER, {"name": "New"}, request_key="rename-1")
    first = ledger.change_details(change)
    ledger.change_details(DetailsChange(CODE, OFFICER, {"name": "Newer"}))

    again = ledger.change_details(change)

    assert again.replayed
    assert again.events == first.events
    assert ledger.state(CODE).name == "Newer"
    assert [e.request_key for e in ledger.history(CODE)][1] == "rename-1"


def test_a_key_of_a_change_is_refused_for_another_request(
    ledger: CreditLedger,
) -> None:
    ledger.change_details(
        DetailsChange(CODE, OFFICER, {"name": "New"}, request_key="rename-1")
    )

    with pytest.raises(IdempotencyKeyReused):
        ledger.change_details(
            DetailsChange(CODE, OFFICER, {"name": "Other"}, request_key="rename-1")
        )
    with pytest.raises(IdempotencyKeyReused):
        ledger.record(command(licence("L1"), key="rename-1"))


def test_changing_details_decides_again_when_another_writer_came_first(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = ledger.save
    beaten: list[bool] = []

    def another_writer_first(*subjects: Any, **kwargs: Any) -> Any:
        if not beaten:
            beaten.append(True)
            record(ledger, licence("L1"))  # stored between our read and our write
            raise IntegrityError("duplicate key: version already taken")
        return stored(*subjects, **kwargs)

    monkeypatch.setattr(ledger, "save", another_writer_first)

    result = ledger.change_details(
        DetailsChange(CODE, OFFICER, {"legal_representative": "Li Si"})
    )

    assert [e.version for e in result.events] == [3]
    assert types(ledger) == [
        "SubjectRegistered",
        "LicencePublished",
        "SubjectDetailsChanged",
    ]


def test_changing_details_stored_but_unanswered_is_not_stored_again(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = first_answer_lost(ledger, monkeypatch)

    result = ledger.change_details(
        DetailsChange(CODE, OFFICER, {"legal_representative": "Li Si"})
    )

    assert types(ledger) == ["SubjectRegistered", "SubjectDetailsChanged"]
    assert [e.position for e in result.events] == lost
    assert result.replayed


def test_each_position_of_the_log_names_the_subject_of_its_event(
    ledger: CreditLedger,
) -> None:
    person = ledger.register_subject(resident_id(3), "Zhang San", OFFICER)
    [penalty_of_firm] = record(ledger, penalty("P1"))

    found = [
        ledger.subject_at(position)
        for position in (person.position, penalty_of_firm.primary.position, 1)
    ]

    assert found == [resident_id(3), CODE, CODE]
    assert ledger.subject_at(ledger.head_position() + 1) is None
    assert ledger.subject_at(0) is None


# Recording --------------------------------------------------------------------


def test_record_answers_version_position_and_publication_deadline(
    ledger: CreditLedger,
) -> None:
    result = ledger.record(command(licence("L1", decided_on=date(2022, 9, 30))))

    event = result.primary
    assert (event.type, event.subject, event.version) == ("LicencePublished", CODE, 2)
    assert event.position == ledger.head_position()
    assert (event.publicity_deadline, event.late) == (date(2022, 10, 14), True)
    assert not result.replayed


def test_recorded_event_names_department_actor_and_the_clock_time(
    ledger: CreditLedger,
) -> None:
    ledger.record(command(licence("L1")))

    entry = ledger.history(CODE)[-1]

    assert (entry.department, entry.actor, entry.recorded_at) == (
        "market-regulation",
        "wang",
        NOW,
    )
    assert entry.request_key.startswith("auto:")


def test_history_is_hash_chained_from_genesis(ledger: CreditLedger) -> None:
    record(ledger, licence("L1"), penalty("P1"))

    history = ledger.history(CODE)

    assert [e.previous_hash for e in history] == [GENESIS_HASH] + [
        e.hash for e in history[:-1]
    ]


def test_unknown_event_type_is_refused(ledger: CreditLedger) -> None:
    bad = RecordCommand(CODE, "SubjectRegistered", {}, OFFICER)

    with pytest.raises(UnknownEventType):
        ledger.record(bad)

    assert types(ledger) == ["SubjectRegistered"]


def test_unknown_subject_is_refused(ledger: CreditLedger) -> None:
    with pytest.raises(SubjectNotFound):
        ledger.record(command(licence(), code=uscc(50)))


def test_a_broken_rule_stores_nothing(ledger: CreditLedger) -> None:
    record(ledger, commitment("C1"), fulfilment("C1"))
    head = ledger.head_position()

    with pytest.raises(CommitmentNotOpen):
        ledger.record(command(breach("C1")))

    assert ledger.head_position() == head


# Idempotency ------------------------------------------------------------------


def test_retry_with_the_same_key_returns_the_original_and_writes_nothing(
    ledger: CreditLedger,
) -> None:
    first = ledger.record(command(licence("L1"), key="k-1"))
    head = ledger.head_position()

    retry = ledger.record(command(licence("L1"), key="k-1"))

    assert retry.replayed
    assert retry.events == first.events
    assert ledger.head_position() == head


def test_a_keyless_command_stored_but_unanswered_is_not_stored_again(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(ledger, licence("L1"))
    lost = first_answer_lost(ledger, monkeypatch)
    change = correction("L1", changes={"content": "corrected once"})

    result = ledger.record(command(change))

    assert types(ledger)[-2:] == ["LicencePublished", "RecordCorrected"]
    assert [e.position for e in result.events] == lost
    assert result.replayed


def test_retry_after_later_events_still_returns_the_original(
    ledger: CreditLedger,
) -> None:
    first = ledger.record(command(licence("L1"), key="k-1"))
    record(ledger, licence("L2"), licence("L3"))

    retry = ledger.record(command(licence("L1"), key="k-1"))

    assert [e.event_id for e in retry.events] == [first.primary.event_id]
    assert retry.primary.version == 2


def test_the_same_key_for_another_request_is_refused(ledger: CreditLedger) -> None:
    ledger.record(command(licence("L1"), key="k-1"))

    with pytest.raises(IdempotencyKeyReused, match="k-1"):
        ledger.record(command(licence("L2"), key="k-1"))

    assert types(ledger) == ["SubjectRegistered", "LicencePublished"]


def test_the_same_key_and_request_from_another_department_is_refused(
    ledger: CreditLedger,
) -> None:
    first = ledger.record(command(licence("L1"), key="k-1"))
    other = RecordCommand(
        CODE,
        "LicencePublished",
        fields_of(licence("L1")),
        Actor(department="transport", actor="li"),
        "k-1",
    )

    with pytest.raises(IdempotencyKeyReused, match="k-1"):
        ledger.record(other)

    assert ledger.record(command(licence("L1"), key="k-1")).events == first.events
    assert types(ledger) == ["SubjectRegistered", "LicencePublished"]


def recorded_as(earlier: type[RecordCommand], plain: RecordCommand) -> RecordCommand:
    """``plain`` as the ledger digested such a request in an earlier format."""
    return earlier(
        plain.subject_code, plain.event_type, plain.fields, OFFICER, plain.request_key
    )


class RecordedWithoutDepartment(RecordCommand):
    """A request as the ledger digested it before digests named the department."""

    @property
    def digest(self) -> str:  # type: ignore[override]
        return self.unscoped_digest(CODE)


def test_a_retry_of_a_request_digested_without_its_department_is_replayed(
    ledger: CreditLedger,
) -> None:
    plain = command(licence("L1"), key="k-1")
    first = ledger.record(recorded_as(RecordedWithoutDepartment, plain))

    retry = ledger.record(plain)

    assert retry.replayed
    assert retry.events == first.events


class RecordedBeforeDigestFormats(RecordCommand):
    """A request as the ledger digested it before digests named their format."""

    @property
    def digest(self) -> str:  # type: ignore[override]
        return self.legacy_digest()


def test_a_retry_of_a_request_recorded_before_digest_formats_is_replayed(
    ledger: CreditLedger,
) -> None:
    plain = command(licence("L1"), key="k-1")
    first = ledger.record(recorded_as(RecordedBeforeDigestFormats, plain))
    head = ledger.head_position()

    retry = ledger.record(command(licence("L1"), key="k-1"))

    assert first.primary.version == 2
    assert retry.replayed
    assert retry.events == first.events
    assert ledger.head_position() == head
    with pytest.raises(IdempotencyKeyReused, match="k-1"):
        ledger.record(command(licence("L2"), key="k-1"))


def test_a_digest_names_its_format_and_differs_between_requests() -> None:
    one, other = command(licence("L1"), key="k"), command(licence("L2"), key="k")

    assert one.digest.startswith(DIGEST_FORMAT)
    assert one.digest == command(licence("L1"), key="k").digest
    assert one.digest != other.digest
    assert one.digest_as(None) == one.digest
    assert one.digest_as(one.legacy_digest()) == one.legacy_digest()
    assert one.digest_as(other.legacy_digest()) == one.digest
    assert one.digest_as(other.digest) == one.digest
    assert one.digest_as(one.unscoped_digest(CODE)) == one.unscoped_digest(CODE)
    assert one.digest_as(other.unscoped_digest(CODE)) == one.digest


def test_a_retry_naming_the_subject_in_other_case_or_spacing_is_replayed(
    ledger: CreditLedger,
) -> None:
    first = ledger.record(command(licence("L1"), code=CODE.lower(), key="k-1"))
    head = ledger.head_position()

    retry = ledger.record(
        command(licence("L1"), code=f" {CODE[:9]} {CODE[9:]}", key="k-1")
    )

    assert retry.replayed
    assert retry.events == first.events
    assert ledger.head_position() == head


class RecordedBeforeCodesWereNormalised(RecordCommand):
    """A request digested with its subject code as sent."""

    @property
    def digest(self) -> str:  # type: ignore[override]
        return self.unscoped_digest(self.subject_code)


def test_a_retry_of_a_request_digested_with_its_code_as_sent_is_replayed(
    ledger: CreditLedger,
) -> None:
    plain = command(licence("L1"), code=CODE.lower(), key="k-1")
    first = ledger.record(recorded_as(RecordedBeforeCodesWereNormalised, plain))

    retry = ledger.record(plain)

    assert retry.replayed
    assert retry.events == first.events
    with pytest.raises(IdempotencyKeyReused, match="k-1"):
        ledger.record(command(licence("L2"), code=CODE.lower(), key="k-1"))


def test_the_same_request_twice_in_one_batch_is_stored_once_and_answered_twice(
    ledger: CreditLedger,
) -> None:
    outcomes = ledger.record_many(
        [command(licence("L1"), key="k-1"), command(licence("L1"), key="k-1")]
    )

    assert isinstance(outcomes[0], CommandResult)
    assert isinstance(outcomes[1], CommandResult)
    assert outcomes[1].replayed is True
    assert outcomes[1].events == outcomes[0].events
    assert types(ledger) == ["SubjectRegistered", "LicencePublished"]


# Optimistic concurrency -------------------------------------------------------


def test_expected_version_that_matches_records(ledger: CreditLedger) -> None:
    result = ledger.record(command(licence("L1"), expected_version=1))

    assert result.primary.version == 2


def test_expected_version_that_is_stale_is_refused_with_the_current_one(
    ledger: CreditLedger,
) -> None:
    record(ledger, licence("L1"))

    with pytest.raises(VersionMismatch) as refused:
        ledger.record(command(licence("L2"), expected_version=1))

    assert refused.value.current_version == 2
    assert types(ledger) == ["SubjectRegistered", "LicencePublished"]


def interfere(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch, times: int
) -> list[int]:
    """Before each of the next ``times`` saves, another writer changes the subject."""
    real_save: Callable[..., Any] = ledger.save
    attempts: list[int] = []
    competing = False

    def save_after_a_competitor(*objs: Any, **kwargs: Any) -> Any:
        nonlocal competing
        if len(attempts) < times and not competing:
            attempts.append(len(attempts) + 1)
            competing = True
            try:
                ledger.change_details(
                    DetailsChange(CODE, OFFICER, {"name": f"Name {len(attempts)}"})
                )
            finally:
                competing = False
        return real_save(*objs, **kwargs)

    monkeypatch.setattr(ledger, "save", save_after_a_competitor)
    return attempts


def test_a_concurrent_write_makes_the_command_decide_again_on_fresh_state(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(ledger, licence("L0"))  # the subject is now held decided-upon in memory
    attempts = interfere(ledger, monkeypatch, times=1)

    result = ledger.record(command(licence("L1")))

    assert attempts == [1]
    assert result.primary.version == 4
    assert types(ledger)[-2:] == ["SubjectDetailsChanged", "LicencePublished"]
    assert ledger.state(CODE).name == "Name 1"


def test_a_concurrent_write_after_the_version_was_checked_is_a_mismatch(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    interfere(ledger, monkeypatch, times=1)

    with pytest.raises(VersionMismatch) as refused:
        ledger.record(command(licence("L1"), expected_version=1))

    assert refused.value.current_version == 2
    assert "LicencePublished" not in types(ledger)


def test_endless_concurrent_writes_give_up_with_a_conflict_storing_nothing(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    interfere(ledger, monkeypatch, times=1_000)

    with pytest.raises(ConcurrentWriteConflict):
        ledger.record(command(licence("L1")))

    assert "LicencePublished" not in types(ledger)


def test_a_busy_subject_holds_up_only_its_own_commands_in_a_batch(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = uscc(2)
    ledger.register_subject(other, "Another Co.", OFFICER)
    interfere(ledger, monkeypatch, times=1_000)  # CODE moves before every save

    outcomes = ledger.record_many(
        [
            command(licence("L1"), code=other),
            command(licence("L2")),
            command(licence("L3"), code=other),
        ]
    )

    first, busy, third = outcomes
    assert isinstance(busy, ConcurrentWriteConflict)
    assert isinstance(first, CommandResult)
    assert isinstance(third, CommandResult)
    assert [first.primary.version, third.primary.version] == [2, 3]
    assert "LicencePublished" not in types(ledger)


# Many commands at once --------------------------------------------------------


def test_record_many_stores_the_good_commands_when_one_breaks_a_rule(
    ledger: CreditLedger,
) -> None:
    ledger.register_subject(uscc(2), "Second Co.", OFFICER)
    head = ledger.head_position()

    outcomes = ledger.record_many(
        [
            command(licence("L1")),
            command(penalty("L1")),  # duplicate record id
            command(penalty("P1"), code=uscc(2)),
            command(licence("L2", decided_on=date(2030, 1, 1))),  # in the future
            command(listing("S1")),
        ]
    )

    assert [type(o).__name__ for o in outcomes] == [
        "CommandResult",
        "DuplicateRecord",
        "CommandResult",
        "InvalidRecord",
        "CommandResult",
    ]
    positions = [o.primary.position for o in outcomes if isinstance(o, CommandResult)]
    assert sorted(positions) == [head + 1, head + 2, head + 3]  # one transaction
    assert types(ledger) == ["SubjectRegistered", "LicencePublished", "Listed"]
    assert types(ledger, uscc(2)) == ["SubjectRegistered", "PenaltyPublished"]


def test_one_transactions_events_share_their_instant(
    ledger: CreditLedger, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.register_subject(uscc(2), "Second Co.", OFFICER)
    ticking = iter(NOW + timedelta(seconds=n) for n in range(1, 100))
    monkeypatch.setattr(clock, "now", lambda: next(ticking))

    outcomes = ledger.record_many(
        [command(licence("L1")), command(penalty("P1"), code=uscc(2))]
    )
    later = ledger.record(command(licence("L2")))

    times = [o.primary.recorded_at for o in outcomes if isinstance(o, CommandResult)]
    assert times == [NOW + timedelta(seconds=1)] * 2
    assert later.primary.recorded_at == NOW + timedelta(seconds=2)


def test_record_many_decides_later_commands_on_earlier_ones(
    ledger: CreditLedger,
) -> None:
    outcomes = ledger.record_many([command(red_listing("R1")), command(listing("S1"))])

    assert all(isinstance(o, CommandResult) for o in outcomes)
    listed = outcomes[1]
    assert isinstance(listed, CommandResult)
    assert [e.type for e in listed.events] == ["Listed", "RedListRevoked"]


def test_record_many_with_only_refusals_stores_nothing(ledger: CreditLedger) -> None:
    head = ledger.head_position()

    outcomes = ledger.record_many([command(fulfilment("C9")), command(breach("C9"))])

    assert all(isinstance(o, Exception) for o in outcomes)
    assert ledger.head_position() == head


def test_record_many_refuses_a_duplicate_within_the_batch(
    ledger: CreditLedger,
) -> None:
    outcomes = ledger.record_many([command(licence("L1")), command(licence("L1"))])

    assert isinstance(outcomes[1], DuplicateRecord)


# The injected clock -----------------------------------------------------------


def test_lateness_follows_the_injected_clock(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    decided = licence("L1", decided_on=date(2022, 9, 30))
    clock.set(NOW - timedelta(days=7))  # 2022-10-13: before the 10-14 deadline

    on_time = ledger.record(command(decided)).primary

    assert on_time.late is False
    # Stamped no earlier than the subject's registration, at NOW.
    assert on_time.recorded_at == NOW


def test_decisions_are_in_the_future_relative_to_the_injected_clock(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    tomorrow = licence("L1", decided_on=date(2022, 10, 21))

    with pytest.raises(InvalidRecord, match="future"):
        ledger.record(command(tomorrow))
    clock.advance(timedelta(days=1))
    accepted = ledger.record(command(tomorrow))

    assert accepted.primary.version == 2


def test_today_is_the_county_date_of_the_clock(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    clock.set(NOW.replace(hour=16, minute=30))  # 00:30 the next day in Shanghai

    assert ledger.today() == date(2022, 10, 21)


def test_state_as_of_an_instant_is_rebuilt_from_the_events_before_it(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    record(ledger, licence("L1"))
    clock.advance(timedelta(days=1))
    record(ledger, penalty("P1"))

    before = ledger.state(CODE, as_of=NOW + timedelta(hours=12))
    now = ledger.state(CODE)

    assert (before.version, [r.record_id for r in before.records]) == (2, ["L1"])
    assert (now.version, [r.record_id for r in now.records]) == (3, ["L1", "P1"])


def test_a_listing_past_its_term_is_not_active_before_the_expiry_run(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    record(ledger, listing("S1", decided_on=date(2022, 1, 10), notified_on=None))
    clock.set(NOW.replace(year=2025, month=10, day=2))

    state = ledger.state(CODE)

    assert (state.grade, state.active("listing")) == ("high", [])
    assert [r.status for r in state.records] == ["active"]


def test_repair_is_not_overdue_on_its_decision_day(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    record(ledger, penalty("P1"), repair_request("F1", "P1"))
    clock.set(NOW + timedelta(days=12))  # 2022-11-01

    assert not ledger.state(CODE).repairs[0].overdue


def test_state_as_of_before_registration_is_not_found(ledger: CreditLedger) -> None:
    with pytest.raises(SubjectNotFound):
        ledger.state(CODE, as_of=NOW - timedelta(seconds=1))


def test_repair_deadline_is_marked_overdue_once_the_clock_passes_it(
    ledger: CreditLedger, clock: FixedClock
) -> None:
    record(ledger, penalty("P1"), repair_request("F1", "P1"))
    due = ledger.state(CODE).repairs[0].decision_due_on
    clock.set(NOW + timedelta(days=13))  # 2022-11-02

    repair = ledger.state(CODE).repairs[0]

    assert due == date(2022, 11, 1)
    assert repair.overdue


def test_threads_writing_to_one_subject_lose_nothing(ledger: CreditLedger) -> None:
    def write(worker: int) -> list[int]:
        versions = []
        for n in range(10):
            body = information(f"T{worker}-{n}")
            for _ in range(50):
                try:
                    result = ledger.record(command(body, key=f"t{worker}-{n}"))
                except ConcurrentWriteConflict:
                    continue
                versions.append(result.primary.version)
                break
        return versions

    with ThreadPoolExecutor(max_workers=8) as pool:
        acknowledged = [v for vs in pool.map(write, range(8)) for v in vs]

    history = ledger.history(CODE)
    assert sorted(acknowledged) == list(range(2, 82))
    assert [e.version for e in history] == list(range(1, 82))
    assert len({e.request_key for e in history[1:]}) == 80
