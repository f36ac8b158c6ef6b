"""The subjects kept between commands stay within both bounds, oldest out first."""

from __future__ import annotations

from application.commands import Actor, RecordCommand
from application.ledger import CreditLedger
from application.subject_cache import SubjectCache
from domain.subject import CreditSubject
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, information, uscc

ACTOR = Actor("market-regulation", "wang")


def info(code: str, record_id: str) -> RecordCommand:
    body = fields_of(information(record_id))
    return RecordCommand(code, "InformationRecorded", body, ACTOR)


def subject_with(ledger: CreditLedger, number: int, events: int) -> CreditSubject:
    code = uscc(number)
    ledger.register_subject(code, "示例", ACTOR)
    ledger.record_many([info(code, f"I{n}") for n in range(events - 1)])
    return ledger.load(code)


def subjects(versions: list[int]) -> list[CreditSubject]:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    found = [subject_with(ledger, n, v) for n, v in enumerate(versions, start=1)]
    assert [s.version for s in found] == versions
    return found


def test_the_least_recently_used_go_once_the_events_held_exceed_the_bound() -> None:
    a, b, c = subjects([3, 4, 5])
    cache = SubjectCache(max_size=10, max_events=10)

    cache.put_back([a, b])
    assert cache.held_events == 7
    cache.put_back([c])

    assert cache.held_events == 9
    assert cache.take(a.code) is None
    assert cache.take(b.code) is b and cache.take(c.code) is c
    assert cache.held_events == 0


def test_a_subject_larger_than_the_bound_is_not_kept() -> None:
    [big] = subjects([6])
    cache = SubjectCache(max_events=5)

    cache.put_back([big])

    assert cache.take(big.code) is None
    assert cache.held_events == 0


def test_the_number_of_subjects_is_bounded_too() -> None:
    a, b = subjects([1, 1])
    cache = SubjectCache(max_size=1, max_events=100)

    cache.put_back([a, b])

    assert cache.take(a.code) is None
    assert cache.take(b.code) is b


def test_a_newer_copy_replaces_the_kept_one_in_the_count() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    old = subject_with(ledger, 1, 2)
    ledger.record_many([info(old.code, "X")])
    new = ledger.load(old.code)
    cache = SubjectCache(max_events=100)

    cache.put_back([old])
    cache.put_back([new])

    assert cache.held_events == new.version == 3
    assert cache.take(old.code) is new


def test_the_configured_bound_reaches_the_ledger() -> None:
    def held_after_three_events(bound: int) -> int:
        settings = Settings(database_url="memory://", subject_cache_events=bound)
        ledger = build_services(settings, FixedClock()).ledger
        subject_with(ledger, 1, 3)
        return ledger._decided.held_events

    assert held_after_three_events(100) == 3
    assert held_after_three_events(2) == 0
