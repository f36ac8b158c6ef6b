"""The expiry scheduler: emits what time has made due, exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from eventsourcing.persistence import IntegrityError

from application.commands import Actor
from application.ledger import MAX_CONFLICT_RETRIES, CreditLedger
from application.results import RecordedEvent

SCHEDULER = Actor(department="credit-office", actor="expiry-scheduler")


class DueDates(Protocol):
    def subjects_due(self, on: date) -> list[str]:
        """Codes of subjects with an active record whose term ends on or before."""
        ...


def expire_due(ledger: CreditLedger, codes: Iterable[str]) -> list[RecordedEvent]:
    """Let each subject decide what is due; a concurrent run makes us decide again.

    The aggregate only emits for records still active, so a rerun, or a second
    scheduler that lost the race, finds nothing left to emit.
    """
    today = ledger.today()
    emitted: list[RecordedEvent] = []
    for code in codes:
        for _ in range(MAX_CONFLICT_RETRIES):
            subject = ledger.check_out(code)
            subject.expire_due(ledger.provenance(SCHEDULER), today)
            if not subject.pending_events:
                ledger.check_in(subject)
                break
            try:
                recordings = ledger.save(subject)
            except IntegrityError:
                continue  # the stale copy is dropped; decide again on the stored one
            ledger.check_in(subject)
            emitted += ledger.recorded(recordings)
            break
    return emitted


def run_expiry(
    ledger: CreditLedger, due: DueDates, on: date | None = None
) -> list[RecordedEvent]:
    return expire_due(ledger, due.subjects_due(on or ledger.today()))
