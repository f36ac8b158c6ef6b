"""Commands after an expiry decide on the expired state: the expiry takes the
subject out of the ledger's decided subjects, so no stale copy stays behind."""

from __future__ import annotations

from datetime import UTC, date, datetime

from application.commands import RecordCommand
from application.expiry import expire_due
from application.ledger import CreditLedger
from tests.factories import Body, FixedClock, fields_of, listing, red_listing, uscc
from tests.view_scene import OFFICER, memory_ledger

CODE = uscc(1)


def record(ledger: CreditLedger, body: Body) -> None:
    command = RecordCommand(CODE, str(body["type"]), fields_of(body), OFFICER)
    ledger.record(command)


def test_a_subject_whose_listing_expired_can_be_red_listed_at_once() -> None:
    clock = FixedClock(datetime(2022, 1, 12, 3, tzinfo=UTC))
    ledger = memory_ledger(clock)
    ledger.register_subject(CODE, "Jishan Foods Co.", OFFICER)
    # Decided through the command path, so the ledger keeps the subject decided.
    record(
        ledger,
        listing(
            "S1",
            decided_on=date(2022, 1, 10),
            term_ends_on=date(2023, 1, 10),
            notified_on=None,
        ),
    )
    clock.set(datetime(2023, 1, 10, 3, tzinfo=UTC))

    [delisted] = expire_due(ledger, [CODE])
    record(
        ledger,
        red_listing("R1", decided_on=date(2023, 1, 10), valid_to=date(2024, 1, 10)),
    )

    assert delisted.type == "Delisted"
    assert [r.record_id for r in ledger.state(CODE).active("red_list")] == ["R1"]


def test_a_later_version_put_back_is_not_replaced_by_an_earlier_one() -> None:
    clock = FixedClock(datetime(2022, 1, 12, 3, tzinfo=UTC))
    ledger = memory_ledger(clock)
    ledger.register_subject(CODE, "Jishan Foods Co.", OFFICER)
    earlier = ledger.check_out(CODE)
    # Meanwhile a command loads the subject from the store, stores version 2
    # and keeps it decided.
    record(ledger, listing("S1", decided_on=date(2022, 1, 10), notified_on=None))

    ledger.check_in(earlier)

    assert (earlier.version, ledger.check_out(CODE).version) == (1, 2)
