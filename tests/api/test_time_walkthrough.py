"""Years pass on the service's clock, through the API and the real views: a
penalty's minimum period runs (repair refused, then granted), its maximum period
ends, a listing's term and a red-list validity end; two schedulers racing emit
each expiry once.

Decisions of 2022-01-10 fall under 发改办财金〔2019〕527号: a serious penalty is
published 6 months at least and 3 years at most, a general one 3 months and a
year.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

from application.results import RecordedEvent
from infrastructure.expiry_scheduler import expire_caught_up
from tests.api.support import Api, assert_problem
from tests.factories import (
    listing,
    penalty,
    red_listing,
    repair_grant,
    repair_request,
    uscc,
)

DECIDED = date(2022, 1, 10)


def go_to(api: Api, day: date) -> None:
    """11:00 in the county on ``day``."""
    api.clock.set(datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC))


def two_schedulers(api: Api) -> list[list[RecordedEvent]]:
    """Two expiry runs started at the same moment; what each emitted."""
    results: list[list[RecordedEvent]] = []
    barrier = threading.Barrier(2)
    services = api.services

    def run() -> None:
        barrier.wait()
        results.append(expire_caught_up(services.ledger, services.read_models))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def of_type(api: Api, code: str, event_type: str) -> list[dict[str, Any]]:
    return [e["data"] for e in api.history(code) if e["type"] == event_type]


def published_penalties(api: Api, position: int) -> list[str]:
    answer = api.client.get(
        "/v1/publicity/penalties", params={"min_position": position}
    ).json()
    return [row["record_id"] for row in answer["data"]]


def test_repair_is_refused_until_the_minimum_period_has_run_then_granted(
    api: Api,
) -> None:
    go_to(api, date(2022, 1, 12))
    code = api.register()
    api.record(code, penalty("P1", severity="serious", decided_on=DECIDED))

    go_to(api, date(2022, 7, 9))
    early = api.post_event(
        code, repair_request("F1", "P1", requested_on=date(2022, 7, 9))
    )
    go_to(api, date(2022, 7, 11))
    api.record(code, repair_request("F1", "P1", requested_on=date(2022, 7, 11)))
    go_to(api, date(2022, 7, 15))
    [granted] = api.record(code, repair_grant("F1", decided_on=date(2022, 7, 15)))

    assert "minimum publicity period" in assert_problem(early, 409)["detail"]
    [record] = api.state(code)["records"]
    assert (record["status"], record["minimum_until"]) == ("repaired", "2022-07-10")
    assert published_penalties(api, granted["position"]) == []


def test_a_maximum_period_ending_expires_the_penalty_once_with_two_schedulers(
    api: Api,
) -> None:
    go_to(api, date(2022, 1, 12))
    code = api.register()
    api.record(
        code,
        penalty("P1", severity="general", decided_on=DECIDED),
        penalty("P2", severity="serious", decided_on=DECIDED),
    )

    go_to(api, date(2023, 1, 9))
    before = two_schedulers(api)
    go_to(api, date(2023, 1, 10))
    on_the_day = two_schedulers(api)
    go_to(api, date(2025, 1, 10))
    three_years_on = two_schedulers(api)

    assert before == [[], []]
    assert sorted(len(run) for run in on_the_day) == [0, 1]
    assert sorted(len(run) for run in three_years_on) == [0, 1]
    assert of_type(api, code, "PublicityExpired") == [
        {"record_id": "P1", "expired_on": "2023-01-10"},
        {"record_id": "P2", "expired_on": "2025-01-10"},
    ]
    last = max(e.position for run in three_years_on for e in run)
    assert published_penalties(api, last) == []


def test_a_listing_term_and_a_red_list_validity_end_by_themselves(api: Api) -> None:
    go_to(api, date(2022, 1, 12))
    listed, red = api.register(uscc(1)), api.register(uscc(2), "Jishan Tax Model Co.")
    api.record(
        listed,
        listing(
            "S1", decided_on=DECIDED, notified_on=None, term_ends_on=date(2023, 7, 10)
        ),
    )
    api.record(red, red_listing("R1", decided_on=DECIDED, valid_to=date(2024, 1, 10)))

    go_to(api, date(2023, 7, 10))
    delisting = two_schedulers(api)
    go_to(api, date(2024, 1, 10))
    revocation = two_schedulers(api)
    again = two_schedulers(api)

    assert [e.type for run in delisting for e in run] == ["Delisted"]
    assert [e.type for run in revocation for e in run] == ["RedListRevoked"]
    assert again == [[], []]
    assert [
        (d["reason"], d["decided_on"]) for d in of_type(api, listed, "Delisted")
    ] == [("expired", "2023-07-10")]
    assert [d["decided_on"] for d in of_type(api, red, "RedListRevoked")] == [
        "2024-01-10"
    ]
    assert (api.state(listed)["grade"], api.state(red)["red_list"]) == ("high", [])
