"""Years pass on an injected clock: repair refused, granted, and expiry emitted once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from application.commands import Actor, RecordCommand
from application.expiry import expire_due
from application.ledger import CreditLedger
from domain.errors import RepairNotAllowed
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings

CODE = "91350100M000100Y43"
OFFICER = Actor(department="market-regulation", actor="zhang")
REVIEWER = Actor(department="credit-office", actor="li")


class SteppingClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def go_to(self, day: date) -> None:
        self.current = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


def penalty(record_id: str, severity: str) -> dict[str, object]:
    return {
        "record_id": record_id,
        "decision_no": f"稷市监罚〔2022〕{record_id}",
        "violation_type": "食品安全",
        "facts": "facts",
        "basis": "basis",
        "penalty_types": ["fine"],
        "content": "罚款",
        "severity": severity,
        "decided_on": date(2022, 1, 10),
        "authority": "稷山县市场监督管理局",
        "authority_code": "11140824MB0000000",
    }


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2022, 1, 12, 4, 0, tzinfo=UTC))


@pytest.fixture
def ledger(clock: SteppingClock) -> CreditLedger:
    services = build_services(Settings(database_url="memory://"), clock)
    services.ledger.register_subject(CODE, "示例公司", OFFICER)
    return services.ledger


def record(
    ledger: CreditLedger, event_type: str, actor: Actor, **fields: object
) -> None:
    ledger.record(RecordCommand(CODE, event_type, dict(fields), actor))


def statuses(ledger: CreditLedger) -> dict[str, str]:
    return {r.record_id: r.status for r in ledger.state(CODE).records}


def test_a_penalty_walks_from_repair_refused_to_expiry_emitted_once(
    ledger: CreditLedger, clock: SteppingClock
) -> None:
    record(ledger, "PenaltyPublished", OFFICER, **penalty("P1", "general"))
    record(ledger, "PenaltyPublished", OFFICER, **penalty("P2", "general"))

    clock.go_to(date(2022, 3, 1))
    with pytest.raises(RepairNotAllowed, match="minimum publicity period"):
        record(
            ledger,
            "RepairRequested",
            OFFICER,
            repair_id="R1",
            record_id="P1",
            requested_on=date(2022, 3, 1),
            commitment="信用承诺书",
            materials=[],
        )

    clock.go_to(date(2022, 4, 11))
    record(
        ledger,
        "RepairRequested",
        OFFICER,
        repair_id="R1",
        record_id="P1",
        requested_on=date(2022, 4, 11),
        commitment="信用承诺书",
        materials=["缴款凭证"],
    )
    clock.go_to(date(2022, 4, 15))
    record(ledger, "Repaired", REVIEWER, repair_id="R1", decided_on=date(2022, 4, 15))
    assert statuses(ledger) == {"P1": "repaired", "P2": "active"}

    clock.go_to(date(2023, 1, 9))
    assert expire_due(ledger, [CODE]) == []

    clock.go_to(date(2023, 1, 10))
    emitted = expire_due(ledger, [CODE])
    assert [(e.type, e.subject) for e in emitted] == [("PublicityExpired", CODE)]
    assert statuses(ledger) == {"P1": "repaired", "P2": "expired"}
    assert expire_due(ledger, [CODE]) == []


def test_two_schedulers_running_at_once_emit_each_expiry_once(
    ledger: CreditLedger, clock: SteppingClock
) -> None:
    for n in range(20):
        record(ledger, "PenaltyPublished", OFFICER, **penalty(f"P{n}", "serious"))
    clock.go_to(date(2025, 1, 10))
    version_before = ledger.state(CODE).version
    results: list[int] = []
    barrier = threading.Barrier(2)

    def scheduler() -> None:
        barrier.wait()
        results.append(len(expire_due(ledger, [CODE])))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    history = ledger.history(CODE)
    expired = [e for e in history if e.type == "PublicityExpired"]
    assert sorted(results) == [0, 20]
    assert len(expired) == 20
    assert len({e.data["record_id"] for e in expired}) == 20
    assert ledger.state(CODE).version == version_before + 20
