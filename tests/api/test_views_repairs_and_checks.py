"""Repair history, the credit check and the subject's position over HTTP."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import Api, assert_problem
from tests.factories import (
    listing,
    penalty,
    repair_grant,
    repair_request,
    uscc,
)


def test_repair_history_is_read_with_an_audit_or_review_key(api: Api) -> None:
    code = api.register()
    *_, last = api.record(code, penalty("P1"), repair_request("F1", "P1"))
    at = {"min_position": str(last["position"])}

    assert_problem(api.client.get("/v1/repairs", params=at), 401)
    assert_problem(
        api.client.get("/v1/repairs", params=at, headers=api.key("record")), 403
    )
    for scope in ("audit", "review"):
        response = api.client.get("/v1/repairs", params=at, headers=api.key(scope))
        assert response.status_code == 200, response.text


def test_a_repair_shows_its_request_decision_and_deadline(api: Api) -> None:
    code = api.register()
    *_, granted = api.record(
        code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1")
    )

    response = api.client.get(
        "/v1/repairs/F1",
        params={"subject": code, "min_position": granted["position"]},
        headers=api.key("audit"),
    )

    assert response.status_code == 200, response.text
    [repair] = response.json()["data"]
    assert repair["materials"] == ["fine receipt", "training certificate"]
    assert (repair["status"], repair["decision_due_on"]) == ("granted", "2022-11-01")
    [decision] = repair["decisions"]
    assert (decision["decision"], decision["department"], decision["actor"]) == (
        "granted",
        "market-regulation",
        "wang",
    )
    assert decision["recorded_at"].startswith("2022-10-20T03:00:00")


def test_a_pending_repair_past_its_deadline_is_overdue(api: Api) -> None:
    code = api.register()
    *_, requested = api.record(code, penalty("P1"), repair_request("F1", "P1"))
    api.clock.advance(timedelta(days=30))

    response = api.client.get(
        "/v1/repairs",
        params={"overdue": "true", "min_position": requested["position"]},
        headers=api.key("review"),
    )

    [repair] = response.json()["data"]
    assert (repair["repair_id"], repair["overdue"]) == ("F1", True)


def test_an_unknown_repair_is_a_404(api: Api) -> None:
    assert_problem(api.client.get("/v1/repairs/F9", headers=api.key("audit")), 404)


def test_a_check_restricts_a_listed_subject_and_is_recorded(api: Api) -> None:
    code = api.register()
    [listed] = api.record(code, listing("S1"))

    response = api.client.get(
        f"/v1/checks/{code}",
        params={"matter": "procurement", "min_position": listed["position"]},
        headers=api.key("record", department="finance"),
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["outcome"], answer["grade"]) == ("restricted", "poor")
    assert answer["restrictions"][0]["record_id"] == "S1"
    assert answer["position"] >= listed["position"]
    [entry] = api.services.read_models.check_log.entries(code)
    assert (entry.department, entry.matter, entry.outcome) == (
        "finance",
        "procurement",
        "restricted",
    )


def test_a_check_on_another_matter_of_a_listed_subject_calls_for_caution(
    api: Api,
) -> None:
    code = api.register()
    [listed] = api.record(code, listing("S1"))

    answer = api.client.get(
        f"/v1/checks/{code}",
        params={"matter": "award", "min_position": listed["position"]},
        headers=api.key("record"),
    ).json()

    assert (answer["outcome"], answer["restrictions"]) == ("caution", [])


def test_an_unknown_matter_or_subject_is_a_problem(api: Api) -> None:
    code = api.register()
    key = api.key("record")

    unknown_matter = api.client.get(
        f"/v1/checks/{code}", params={"matter": "parking"}, headers=key
    )
    unknown_subject = api.client.get(
        f"/v1/checks/{uscc(77)}", params={"matter": "award"}, headers=key
    )

    assert_problem(unknown_matter, 422)
    assert_problem(unknown_subject, 404)


def test_a_check_needs_a_record_key(api: Api) -> None:
    code = api.register()

    response = api.client.get(
        f"/v1/checks/{code}", params={"matter": "award"}, headers=api.key("audit")
    )

    assert_problem(response, 403)


def test_the_subject_state_reports_the_position_it_reflects(api: Api) -> None:
    code = api.register()
    [listed] = api.record(code, listing("S1"))

    response = api.client.get(
        f"/v1/subjects/{code}",
        params={"min_position": listed["position"]},
        headers=api.clerk,
    )

    assert response.status_code == 200, response.text
    assert response.json()["position"] == listed["position"]
    assert response.headers["credit-ledger-position"] == str(listed["position"])


def test_the_subject_state_is_a_503_for_a_position_not_yet_stored(api: Api) -> None:
    code = api.register()
    api.services.settings.read_wait_seconds = 0.1

    response = api.client.get(
        f"/v1/subjects/{code}",
        params={"min_position": api.head() + 10},
        headers=api.clerk,
    )

    assert_problem(response, 503)
    assert response.headers["retry-after"] == "1"


def test_a_history_names_its_position_and_waits_for_one_not_yet_stored(
    api: Api,
) -> None:
    code = api.register()
    [listed] = api.record(code, listing("S1"))
    api.services.settings.read_wait_seconds = 0.1

    reached = api.client.get(
        f"/v1/subjects/{code}/history",
        params={"min_position": listed["position"]},
        headers=api.clerk,
    )
    beyond = api.client.get(
        f"/v1/subjects/{code}/history",
        params={"min_position": api.head() + 10},
        headers=api.clerk,
    )

    assert reached.status_code == 200, reached.text
    assert reached.json()["position"] == listed["position"]
    assert reached.headers["credit-ledger-position"] == str(listed["position"])
    assert_problem(beyond, 503)


def test_pending_repairs_are_paged_by_their_cursors(api: Api) -> None:
    codes = [api.register(uscc(n)) for n in range(1, 6)]
    for n, code in enumerate(codes):
        api.record(code, penalty("P1"), repair_request("F1", "P1"))
        if n == 2:
            api.record(code, repair_grant("F1"))
    params = {"limit": "2", "status": "pending", "min_position": str(api.head())}

    subjects = []
    while True:
        page = api.client.get("/v1/repairs", params=params, headers=api.key("audit"))
        assert page.status_code == 200, page.text
        subjects += [row["subject"] for row in page.json()["data"]]
        if page.json()["next_cursor"] is None:
            break
        params["cursor"] = page.json()["next_cursor"]

    assert subjects == [codes[4], codes[3], codes[1], codes[0]]
