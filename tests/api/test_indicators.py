"""The indicators of the scripted county year (``tests/api/indicator_history``),
against figures worked out by hand from its table."""

from __future__ import annotations

from datetime import date
from typing import Any

from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from tests.api.indicator_history import A, B, C, county_year, listed, on, red
from tests.api.support import Api, assert_problem
from tests.factories import penalty, repair_request

YEAR = {"from": "2022-01-01", "to": "2022-12-31"}
SECOND_HALF = {"from": "2022-07-01", "to": "2022-12-31"}


def indicators(api: Api, position: int, period: dict[str, str]) -> dict[str, Any]:
    response = api.client.get(
        "/v1/indicators", params={**period, "min_position": position}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert response.headers["Credit-Ledger-Position"] == str(answer["position"])
    return answer


def test_the_year_s_indicators_are_the_hand_counted_figures(api: Api) -> None:
    head = county_year(api)

    year = indicators(api, head, YEAR)

    assert (year["from"], year["to"], year["position"]) == (
        "2022-01-01",
        "2022-12-31",
        head,
    )
    # A licence on time and a penalty late (market regulation); two by tax on
    # time; D's 2021 decision and B's unpublishable licence do not count.
    assert year["double_publicity"] == {
        "published": 4,
        "on_time": 3,
        "late": 1,
        "on_time_share": 0.75,
        "by_department": [
            {
                "department": "market-regulation",
                "published": 2,
                "on_time": 1,
                "late": 1,
                "on_time_share": 0.5,
            },
            {
                "department": "tax",
                "published": 2,
                "on_time": 2,
                "late": 0,
                "on_time_share": 1.0,
            },
        ],
    }
    commitments = year["commitment_publicity"]
    assert (
        commitments["published"],
        commitments["on_time"],
        commitments["on_time_share"],
    ) == (4, 2, 0.5)
    # A–E registered (F only on 2023-01-01); on 12-31 only C is listed (P is a
    # person); B, P, C and D were listed in 2022; A, B, P, C, D were on the list
    # at some time in 2022, and A (repaired), B (expired), D (revoked) left it.
    assert year["serious_list"] == {
        "enterprises": 5,
        "listed_enterprises": 1,
        "share_of_enterprises": 0.2,
        "new_last_12_months": 4,
        "new_in_period": 4,
        "on_list_in_period": 5,
        "exits": 3,
        "exit_share": 0.6,
        "exits_by_reason": {"expired": 1, "repaired": 1, "revoked": 1},
        "exit_share_by_reason": {"expired": 0.2, "repaired": 0.2, "revoked": 0.2},
    }
    # E and B are A-grade taxpayers on 12-31; C's AEO was revoked on listing,
    # D's ran out on 06-30; A's scheme (other) is not counted in the share.
    assert year["red_list"] == {
        "enterprises": 5,
        "red_listed_enterprises": 2,
        "share_of_enterprises": 0.4,
        "by_scheme": {"a_grade_taxpayer": 2, "other": 1},
    }
    # F1 granted in 5 working days, F2 rejected in 13 (after its deadline),
    # F3 pending past 12-15.
    assert year["repairs"] == {
        "requested": 3,
        "granted": 1,
        "rejected": 1,
        "overdue": 1,
        "decided_late": 1,
        "mean_working_days_to_decide": 9.0,
    }
    assert year["checks"] == {
        "performed": 4,
        "by_matter": {"licensing": 1, "procurement": 2, "subsidy": 1},
    }


def test_a_shorter_period_counts_only_its_own_days(api: Api) -> None:
    head = county_year(api)

    half = indicators(api, head, SECOND_HALF)

    assert (
        half["double_publicity"]["published"],
        half["double_publicity"]["on_time_share"],
    ) == (0, None)
    assert (
        half["commitment_publicity"]["published"],
        half["commitment_publicity"]["on_time"],
    ) == (2, 1)
    serious = half["serious_list"]
    assert (serious["new_last_12_months"], serious["new_in_period"]) == (4, 2)
    assert (serious["on_list_in_period"], serious["exits"], serious["exit_share"]) == (
        4,
        2,
        0.5,
    )
    assert serious["exits_by_reason"] == {"expired": 1, "repaired": 0, "revoked": 1}
    assert half["repairs"] == {
        "requested": 2,
        "granted": 0,
        "rejected": 1,
        "overdue": 1,
        "decided_late": 1,
        "mean_working_days_to_decide": 13.0,
    }
    assert half["checks"]["performed"] == 2


def test_the_figures_are_recounted_the_same_from_the_history(api: Api) -> None:
    head = county_year(api)
    before = indicators(api, head, YEAR)
    read_models = api.services.read_models

    rebuilt_at = rebuild(
        api.services.ledger,
        read_models.indicators,
        PROJECTIONS["indicators"].projection,
    )

    assert rebuilt_at == head
    assert indicators(api, head, YEAR) == before


def test_a_period_ending_before_it_starts_is_refused(api: Api) -> None:
    response = api.client.get(
        "/v1/indicators", params={"from": "2022-02-01", "to": "2022-01-01"}
    )

    assert "after" in assert_problem(response, 422)["detail"]


def test_without_dates_the_period_is_the_twelve_months_up_to_today(api: Api) -> None:
    answer = api.client.get("/v1/indicators").json()

    assert (answer["from"], answer["to"]) == ("2021-10-21", "2022-10-20")


def test_subjects_registered_later_with_backfilled_records_count_in_the_base(
    api: Api,
) -> None:
    # A county loading its past: B and C are registered in July, with listings
    # and a red-list entry decided in March.
    on(api, 2026, 1, 5)
    api.register(A, "enterprise A")
    on(api, 2026, 7, 10)
    api.register(B, "enterprise B")
    api.register(C, "enterprise C")
    api.record(B, listed("S1", date(2026, 3, 1), date(2029, 3, 1)))
    api.record(C, red("R1", "a_grade_taxpayer", date(2026, 3, 1), date(2027, 3, 1)))

    half = indicators(api, api.head(), {"from": "2026-01-01", "to": "2026-06-30"})

    serious, red_list = half["serious_list"], half["red_list"]
    assert (serious["enterprises"], serious["listed_enterprises"]) == (3, 1)
    assert serious["share_of_enterprises"] == round(1 / 3, 4)
    assert (red_list["enterprises"], red_list["red_listed_enterprises"]) == (3, 1)


def test_a_period_ending_after_today_is_counted_up_to_today(api: Api) -> None:
    on(api, 2022, 10, 20)
    api.register(A, "enterprise A")
    api.record(A, penalty("P1"), repair_request("F1", "P1"))

    answer = indicators(api, api.head(), {"from": "2022-10-01", "to": "2023-12-31"})

    assert answer["to"] == "2022-10-20"
    # Requested on 10-18, due on 11-01: not overdue today, whatever day the
    # question names.
    assert answer["repairs"]["overdue"] == 0
