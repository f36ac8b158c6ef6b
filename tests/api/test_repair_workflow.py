"""Credit repair over HTTP: a grant ends publication (and delists a listing),
overdue applications are listed, and the refusal rules come from config."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.api.support import Api, assert_problem
from tests.factories import (
    listing,
    penalty,
    repair_grant,
    repair_request,
    uscc,
)

ConfiguredApi = Callable[..., Api]
# Even a serious penalty's 6-month minimum has run by the clock's 2022-10-20.
DECIDED = date(2022, 1, 10)
# Decided a year before the clock's 2022-10-20: its 6-month minimum has run.
OLD_LISTING = listing(
    "S1", decided_on=date(2021, 10, 1), notified_on=None, term_ends_on=date(2024, 10, 1)
)


def rows(api: Api, path: str, position: int, **params: Any) -> list[dict[str, Any]]:
    response = api.client.get(
        path, params={"min_position": position, **params}, headers=api.key("audit")
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_a_granted_repair_ends_the_publication_of_the_penalty(api: Api) -> None:
    code = api.register()
    [requested] = api.record(code, penalty("P1"), repair_request("F1", "P1"))[1:]
    before = rows(api, "/v1/publicity/penalties", requested["position"])
    [granted] = api.record(code, repair_grant("F1"))

    after = rows(api, "/v1/publicity/penalties", granted["position"])

    assert [r["record_id"] for r in before] == ["P1"]
    assert after == []
    [record] = api.state(code)["records"]
    assert (record["status"], record["closed_on"]) == ("repaired", "2022-10-20")


def test_a_granted_repair_of_a_listing_delists_it_with_reason_repaired(
    api: Api,
) -> None:
    code = api.register()
    api.record(code, OLD_LISTING, repair_request("F1", "S1"))

    [granted] = api.record(code, repair_grant("F1"))

    assert [e["type"] for e in granted["events"]] == ["Repaired", "Delisted"]
    [delisted] = [e for e in api.history(code) if e["type"] == "Delisted"]
    assert (delisted["data"]["reason"], delisted["data"]["decided_on"]) == (
        "repaired",
        "2022-10-20",
    )
    position = granted["events"][-1]["position"]
    listed = api.client.get(
        "/v1/lists/serious-dishonesty", params={"min_position": position}
    ).json()
    assert listed["data"] == []


def test_only_pending_repairs_past_their_deadline_are_overdue(api: Api) -> None:
    late, early = api.register(uscc(1)), api.register(uscc(2), "Jishan Mill")
    api.record(late, penalty("P1"), repair_request("F1", "P1"))
    api.clock.advance(timedelta(days=30))
    api.record(
        early,
        penalty("P2"),
        repair_request("F2", "P2", requested_on=date(2022, 11, 19)),
    )
    [decided] = api.record(late, repair_grant("F1", decided_on=date(2022, 11, 19)))

    overdue = rows(api, "/v1/repairs", decided["position"], overdue="true")
    not_overdue = rows(api, "/v1/repairs", decided["position"], overdue="false")

    assert overdue == []
    assert {(r["repair_id"], r["decided_late"]) for r in not_overdue} == {
        ("F1", True),
        ("F2", False),
    }
    api.clock.advance(timedelta(days=30))
    [still_pending] = rows(api, "/v1/repairs", decided["position"], overdue="true")
    assert (still_pending["repair_id"], still_pending["decision_due_on"]) == (
        "F2",
        "2022-12-02",
    )


def second_repair(api: Api, severity: str) -> Any:
    """A repair granted for P1, then a request to repair P2."""
    code = api.register()
    api.record(
        code,
        penalty("P1", severity=severity, decided_on=DECIDED),
        penalty("P2", severity=severity, decided_on=DECIDED),
        repair_request("F1", "P1"),
        repair_grant("F1"),
    )
    return api.post_event(code, repair_request("F2", "P2"))


def test_a_second_repair_within_five_years_is_allowed_by_default(api: Api) -> None:
    assert second_repair(api, "general").status_code == 201


def test_the_number_of_repairs_within_the_window_is_configured(
    configured_api: ConfiguredApi,
) -> None:
    api = configured_api(repair_max_in_window=1)

    refused = second_repair(api, "general")

    assert (
        "already had 1 repairs within 5 years" in assert_problem(refused, 409)["detail"]
    )


def test_the_serious_repair_cooldown_is_configured(
    configured_api: ConfiguredApi,
) -> None:
    default = second_repair(configured_api(), "serious")
    switched_off = second_repair(
        configured_api(repair_serious_cooldown_days=None), "serious"
    )

    assert "repaired less than 365 days ago" in assert_problem(default, 409)["detail"]
    assert switched_off.status_code == 201


def test_a_grant_over_the_configured_limit_is_a_409_and_stores_nothing(
    configured_api: ConfiguredApi,
) -> None:
    api = configured_api(repair_max_in_window=1)
    code = api.register()
    api.record(
        code,
        penalty("P1", decided_on=DECIDED),
        penalty("P2", decided_on=DECIDED),
        repair_request("F1", "P1"),
        repair_request("F2", "P2"),
        repair_grant("F1"),
    )
    head = api.head()

    refused = api.post_event(code, repair_grant("F2"))

    detail = assert_problem(refused, 409)["detail"]
    assert "F2 cannot be granted" in detail
    assert "already had 1 repairs within 5 years" in detail
    assert api.head() == head


def requested_on(api: Api, day: date, decided: date) -> dict[str, Any]:
    """The 201 answer to a repair request made on ``day`` (the clock set to
    it), of a penalty decided on ``decided``."""
    api.clock.set(datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
    code = api.register()
    [_, requested] = api.record(
        code,
        penalty("P1", decided_on=decided),
        repair_request("F1", "P1", requested_on=day),
    )
    return requested


def fallback_flags(api: Api, requested: dict[str, Any]) -> list[Any]:
    """The request's flag in its 201 answer, /v1/repairs/F1, /v1/repairs, the
    subject's state and its history."""
    [by_id] = rows(api, "/v1/repairs/F1", requested["position"])
    [listed] = rows(api, "/v1/repairs", requested["position"])
    [in_state] = api.state(requested["subject"])["repairs"]
    in_history = api.history(requested["subject"])[-1]["data"]
    return [
        requested["deadline_on_fallback_calendar"],
        requested["events"][0]["deadline_on_fallback_calendar"],
        by_id["deadline_on_fallback_calendar"],
        listed["deadline_on_fallback_calendar"],
        in_state["deadline_on_fallback_calendar"],
        in_history["deadline_on_fallback_calendar"],
    ]


def test_a_decision_deadline_counted_monday_to_friday_says_so(api: Api) -> None:
    # chinesecalendar ends with 2026: the deadline falls in 2027.
    requested = requested_on(api, date(2026, 12, 21), decided=date(2026, 6, 1))

    [repair] = rows(api, "/v1/repairs/F1", requested["position"])

    assert requested["type"] == "RepairRequested"
    assert fallback_flags(api, requested) == [True] * 6
    # Ten working days, New Year's Day counted among them.
    assert repair["decision_due_on"] == "2027-01-04"


def test_a_decision_deadline_the_calendar_covers_says_it_was_not_a_fallback(
    api: Api,
) -> None:
    requested = requested_on(api, date(2025, 6, 18), decided=date(2025, 1, 10))

    [repair] = rows(api, "/v1/repairs/F1", requested["position"])

    assert fallback_flags(api, requested) == [False] * 6
    assert repair["decision_due_on"] == "2025-07-02"
