"""A small county year, scripted day by day, for checking the indicators by hand.

Five enterprises A–E and one person P register on 2022-01-03; enterprise F
registers at 00:30 county time on 2023-01-01 (16:30 UTC on 2022-12-31). Who did
what, and when it was recorded (7 working days to publish; 10 to decide a
repair; early removal from the serious list after 6 months, as this county
configures ``REPAIR_LISTING_AFTER_MONTHS``; 2022 holiday tables):

=========== ========================================================= ===========
recorded    fact                                                      counts as
=========== ========================================================= ===========
2022-01-04  D licence decided 2021-12-20                              outside
2022-01-05  A listed, decided 2021-06-01, term to 2024-06-01
2022-01-10  D red list (A-grade taxpayer) 2022-01-10 to 2022-06-30
2022-02-01  B listed 2022-02-01, term to 2022-08-01
2022-02-07  A asks to repair its listing (due 2022-02-21)
2022-02-14  A's repair granted: delisted, reason repaired              5 wd
2022-03-01  P listed (to 2025-03-01); C red list (AEO) to 2025-03-01
2022-03-02  A licence decided 2022-03-01                              on time
2022-03-25  A penalty decided 2022-03-01 (due 03-10)                  late
2022-04-02  E commitment made 2022-04-01; E red list (A-grade)        on time
2022-05-01  credit check: C, procurement
2022-05-02  A red list (other scheme) 2022-05-01 to 2023-05-01
2022-05-11  B licences decided 05-10 by tax: L1, L2 unpublishable     on time
2022-06-01  credit check: an unregistered code, licensing
2022-06-02  C penalty decided 06-01, by tax                           on time
2022-06-30  E commitment fulfilled 04-20 (due 04-28); expiry: D red   late
2022-07-01  C listed (to 2025-07-01): its red list is revoked
2022-08-01  expiry: B delisted, reason expired; check: B, procurement
2022-08-20  E commitment made 08-01 (due 08-10)                       late
2022-09-01  D listed (to 2025-09-01); B red list (A-grade) to 2023-08
2022-09-02  E commitment breached 09-01                               on time
2022-09-05  C asks to repair its penalty (due 09-20)
2022-09-23  C's repair rejected                                       13 wd, late
2022-10-10  D's listing revoked: delisted, reason revoked
2022-11-01  credit check: A, subsidy
2022-12-01  P asks to repair its listing (due 12-15): still pending
2023-01-01  F registers; credit check: E, award (00:00 county time)   outside
=========== ========================================================= ===========
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from infrastructure.expiry_scheduler import expire_caught_up
from tests.api.support import Api
from tests.factories import (
    Body,
    breach,
    commitment,
    fulfilment,
    licence,
    listing,
    penalty,
    red_listing,
    repair_grant,
    repair_rejection,
    repair_request,
    resident_id,
    revocation,
    uscc,
)

A, B, C, D, E, F = (uscc(n) for n in range(1, 7))
P = resident_id(7)
UNREGISTERED = uscc(99)


def on(api: Api, year: int, month: int, day: int, hour_utc: int = 3) -> None:
    api.clock.set(datetime(year, month, day, hour_utc, 0, tzinfo=UTC))


def by_tax(api: Api, code: str, *bodies: Body) -> None:
    for body in bodies:
        response = api.post_event(
            code, body, headers=api.key("record", department="tax")
        )
        assert response.status_code == 201, response.text


def check(api: Api, code: str, matter: str) -> None:
    response = api.client.get(
        f"/v1/checks/{code}", params={"matter": matter}, headers=api.key("record")
    )
    assert response.status_code in (200, 404), response.text


def expire(api: Api) -> None:
    expire_caught_up(api.services.ledger, api.services.read_models)


def listed(record_id: str, decided: date, ends: date) -> Body:
    return listing(record_id, decided_on=decided, term_ends_on=ends, notified_on=None)


def red(record_id: str, scheme: str, decided: date, valid_to: date) -> Body:
    return red_listing(record_id, scheme=scheme, decided_on=decided, valid_to=valid_to)


def licensed(record_id: str, decided: date, **more: Any) -> Body:
    return licence(record_id, decided_on=decided, valid_from=decided, **more)


def county_year(api: Api) -> int:
    """Records the year above; the store's head position."""
    first_half(api)
    second_half(api)
    return api.head()


def first_half(api: Api) -> None:
    ledger = api.services.ledger
    ledger.rules = replace(
        ledger.rules, repair=replace(ledger.rules.repair, listing_after_months=6)
    )
    on(api, 2022, 1, 3)
    for n, code in enumerate((A, B, C, D, E)):
        api.register(code, f"enterprise {'ABCDE'[n]}")
    api.register(P, "张三")
    on(api, 2022, 1, 4)
    api.record(D, licensed("L1", date(2021, 12, 20)))
    on(api, 2022, 1, 5)
    api.record(A, listed("S1", date(2021, 6, 1), date(2024, 6, 1)))
    on(api, 2022, 1, 10)
    api.record(D, red("R1", "a_grade_taxpayer", date(2022, 1, 10), date(2022, 6, 30)))
    on(api, 2022, 2, 1)
    api.record(B, listed("S1", date(2022, 2, 1), date(2022, 8, 1)))
    on(api, 2022, 2, 7)
    api.record(A, repair_request("F1", "S1", requested_on=date(2022, 2, 7)))
    on(api, 2022, 2, 14)
    api.record(A, repair_grant("F1", decided_on=date(2022, 2, 14)))
    on(api, 2022, 3, 1)
    api.record(P, listed("S1", date(2022, 3, 1), date(2025, 3, 1)))
    api.record(C, red("R1", "customs_aeo", date(2022, 3, 1), date(2025, 3, 1)))
    on(api, 2022, 3, 2)
    api.record(A, licensed("L1", date(2022, 3, 1)))
    on(api, 2022, 3, 25)
    api.record(A, penalty("P1", decided_on=date(2022, 3, 1)))
    on(api, 2022, 4, 2)
    api.record(E, commitment("C1", made_on=date(2022, 4, 1), due_on=None))
    api.record(E, red("R1", "a_grade_taxpayer", date(2022, 4, 1), date(2023, 3, 31)))
    on(api, 2022, 5, 1)
    check(api, C, "procurement")
    on(api, 2022, 5, 2)
    api.record(A, red("R1", "other", date(2022, 5, 1), date(2023, 5, 1)))
    on(api, 2022, 5, 11)
    by_tax(
        api,
        B,
        licensed("L1", date(2022, 5, 10)),
        licensed("L2", date(2022, 5, 10), publish=False),
    )
    on(api, 2022, 6, 1)
    check(api, UNREGISTERED, "licensing")
    on(api, 2022, 6, 2)
    by_tax(api, C, penalty("P1", decided_on=date(2022, 6, 1)))
    on(api, 2022, 6, 30)
    api.record(E, fulfilment("C1", fulfilled_on=date(2022, 4, 20)))
    expire(api)


def second_half(api: Api) -> None:
    on(api, 2022, 7, 1)
    api.record(C, listed("S1", date(2022, 7, 1), date(2025, 7, 1)))
    on(api, 2022, 8, 1)
    expire(api)
    check(api, B, "procurement")
    on(api, 2022, 8, 20)
    api.record(E, commitment("C2", made_on=date(2022, 8, 1), due_on=None))
    on(api, 2022, 9, 1)
    api.record(D, listed("S1", date(2022, 9, 1), date(2025, 9, 1)))
    api.record(B, red("R1", "a_grade_taxpayer", date(2022, 9, 1), date(2023, 8, 31)))
    on(api, 2022, 9, 2)
    api.record(E, breach("C2", breached_on=date(2022, 9, 1)))
    on(api, 2022, 9, 5)
    api.record(C, repair_request("F2", "P1", requested_on=date(2022, 9, 5)))
    on(api, 2022, 9, 23)
    api.record(C, repair_rejection("F2", decided_on=date(2022, 9, 23)))
    on(api, 2022, 10, 10)
    api.record(D, revocation("S1", decided_on=date(2022, 10, 10)))
    on(api, 2022, 11, 1)
    check(api, A, "subsidy")
    on(api, 2022, 12, 1)
    api.record(P, repair_request("F3", "S1", requested_on=date(2022, 12, 1)))
    on(api, 2022, 12, 31, hour_utc=16)
    api.register(F, "enterprise F")
    check(api, E, "award")
