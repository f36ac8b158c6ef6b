"""A history of every kind of fact the views handle, recorded through a ledger on
a real store: for tests that compare views built in different ways."""

from __future__ import annotations

from datetime import date

from application.commands import DetailsChange, RecordCommand
from infrastructure.bootstrap import Services
from tests.factories import (
    Body,
    breach,
    commitment,
    correction,
    fields_of,
    fulfilment,
    information,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_grant,
    repair_rejection,
    repair_request,
    repair_revocation,
    resident_id,
    revocation,
    uscc,
)
from tests.view_scene import OFFICER, REVIEW_TYPES, REVIEWER

# Text COPY must escape: tabs, newlines, backslashes, and what reads as NULL.
AWKWARD_TEXT = "line 1\tcol 2\nline 2 \\N back\\slash, 'quoted' \"q\""


def record(services: Services, code: str, *bodies: Body) -> int:
    commands = [
        RecordCommand(
            code,
            str(b["type"]),
            fields_of(b),
            REVIEWER if b["type"] in REVIEW_TYPES else OFFICER,
        )
        for b in bodies
    ]
    for outcome in services.ledger.record_many(commands):
        assert not isinstance(outcome, Exception), outcome
    return services.ledger.head_position()


def some_history(services: Services, subjects: int = 12) -> int:
    for n in range(1, subjects + 1):
        code = uscc(n) if n % 3 else resident_id(n)
        services.ledger.register_subject(code, f"subject {n}", OFFICER)
        record(
            services,
            code,
            licence("L1"),
            licence("L2"),
            revocation("L2"),
            penalty("P1"),
            commitment("C1"),
            red_listing("R1") if n % 2 else listing("S1"),
            repair_request("F1", "P1"),
        )
    return services.ledger.head_position()


def every_kind_of_fact(services: Services) -> int:
    """Updates and deletes as well as inserts, events no view stores, and text
    that needs escaping."""
    code = uscc(77)
    services.ledger.register_subject(code, "稷山县示例商贸有限公司", OFFICER)
    record(
        services,
        code,
        licence("L1"),
        correction("L1"),
        information("I1"),
        penalty("P1", facts=AWKWARD_TEXT, confiscated_amount=None),
        penalty("P2"),
        commitment("C1"),
        fulfilment("C1"),
        commitment("C2"),
        breach("C2", details=AWKWARD_TEXT),
        listing("S1"),
        revocation("S1"),
        red_listing("R1"),
        red_list_revocation("R1"),
        repair_request("F1", "P1"),
        repair_rejection("F1"),
        repair_request("F2", "P2"),
        repair_grant("F2"),
        repair_revocation("F2"),
        listing("S2", decided_on=date(2021, 1, 4), notified_on=None),
        repair_request("F3", "S2"),
        repair_grant("F3"),
        repair_revocation("F3"),
    )
    services.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "稷山县鑫源商贸有限公司"})
    )
    return services.ledger.head_position()


def caught_up(services: Services) -> None:
    head = services.ledger.head_position()
    for view in services.read_models.views.values():
        view.wait(services.ledger.name, head, timeout=10)
