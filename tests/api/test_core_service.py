"""The working-day calendar endpoint, liveness and readiness."""

from __future__ import annotations

import pytest

from tests.api.support import Api, TestClient, assert_problem
from tests.factories import licence
from tests.kafka_pipeline import wait_until


@pytest.mark.parametrize(
    ("start", "working_days", "due_on"),
    [
        # National Day 2022: 10-01..10-07 off, Saturday and Sunday 10-08/09 worked.
        ("2022-09-30", 7, "2022-10-14"),
        ("2022-09-30", 1, "2022-10-08"),
        # Spring Festival 2022: 01-31..02-06 off, 01-29/30 (Sat/Sun) worked.
        ("2022-01-28", 1, "2022-01-29"),
        ("2022-01-28", 3, "2022-02-07"),
        ("2022-10-20", 0, "2022-10-20"),
    ],
)
def test_deadline_counts_chinese_working_days(
    api: Api, start: str, working_days: int, due_on: str
) -> None:
    response = api.client.get(
        "/v1/calendar/deadline", params={"from": start, "working_days": working_days}
    )

    assert response.status_code == 200
    answer = response.json()
    assert (answer["from"], answer["due_on"]) == (start, due_on)
    assert answer["fallback_used"] is False
    assert answer["note"] is None


def test_deadline_past_the_bundled_calendar_falls_back_and_says_so(api: Api) -> None:
    response = api.client.get(
        "/v1/calendar/deadline", params={"from": "2030-09-30", "working_days": 7}
    )

    answer = response.json()
    assert answer["due_on"] == "2030-10-09"  # Monday to Friday only
    assert answer["fallback_used"] is True
    assert "Monday-Friday" in answer["note"]
    assert 2030 not in answer["calendar_years"]


def test_deadline_with_a_negative_count_is_a_422(api: Api) -> None:
    response = api.client.get(
        "/v1/calendar/deadline", params={"from": "2022-09-30", "working_days": -1}
    )

    assert_problem(response, 422)


def test_healthz_answers_without_a_key(api: Api) -> None:
    response = api.client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_reports_the_store_head_and_calendar_cover(api: Api) -> None:
    code = api.register()
    api.record(code, licence())

    response = api.client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["store"] == {"ok": True, "head_position": 2}
    assert checks["calendar"]["covers_today"] is True


def test_readyz_names_views_whose_projection_keeps_failing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_models = api.services.read_models
    [runner] = read_models.runners

    def fails(*_: object) -> None:
        raise RuntimeError("cannot write")

    monkeypatch.setattr(read_models.public, "publish_licence", fails)
    code = api.register()
    api.record(code, licence())
    wait_until(lambda: runner.last_error is not None, 10, "the runner to fail")

    failing = api.client.get("/readyz").json()["checks"]["projections"]["failing"]

    assert failing == [
        {"views": ["public", "repairs", "indicators"], "error": "RuntimeError"}
    ]
    monkeypatch.undo()
    runner.wake()
    wait_until(lambda: runner.last_error is None, 10, "the runner to recover")
    assert api.client.get("/readyz").json()["checks"]["projections"]["failing"] == []


def test_openapi_schema_lists_the_core_paths(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]

    assert {
        "/v1/subjects",
        "/v1/subjects/{code}",
        "/v1/subjects/{code}/events",
        "/v1/subjects/{code}/history",
        "/v1/events:batch",
        "/v1/calendar/deadline",
    } <= set(paths)


def test_an_unexpected_failure_is_a_500_problem_that_tells_nothing_inside(
    api: Api,
) -> None:
    def fails() -> None:
        raise RuntimeError("secret internals")

    api.client.app.add_api_route("/v1/fails", fails)  # type: ignore[attr-defined]
    client = TestClient(api.client.app, raise_server_exceptions=False)

    response = client.get("/v1/fails")

    problem = assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert problem["type"].endswith("internal-error")
