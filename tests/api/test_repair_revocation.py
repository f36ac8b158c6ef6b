"""A repair obtained by fraud, revoked over HTTP: the record is published
again, the repair history shows the revocation, reviewers alone may do it."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.support import Api, assert_problem
from tests.factories import (
    listing,
    penalty,
    repair_grant,
    repair_request,
    repair_revocation,
)

OLD_LISTING = listing(
    "S1", decided_on=date(2021, 10, 1), notified_on=None, term_ends_on=date(2024, 10, 1)
)


def public(api: Api, path: str, position: int) -> list[dict[str, Any]]:
    response = api.client.get(path, params={"min_position": position})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_a_revoked_repair_publishes_the_penalty_and_the_listing_again(
    api: Api,
) -> None:
    code = api.register()
    api.record(code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    api.record(code, OLD_LISTING, repair_request("F2", "S1"), repair_grant("F2"))

    [penalty_back] = api.record(code, repair_revocation("F1"))
    [listing_back] = api.record(code, repair_revocation("F2"))

    assert [e["type"] for e in listing_back["events"]] == ["RepairRevoked"]
    position = listing_back["position"]
    penalties = public(api, "/v1/publicity/penalties", position)
    assert [(r["record_id"], r["decided_on"]) for r in penalties] == [
        ("P1", "2022-06-15")
    ]
    listed = public(api, "/v1/lists/serious-dishonesty", position)
    assert [r["record_id"] for r in listed] == ["S1"]
    state = api.state(code)
    assert [r["record_id"] for r in state["active_penalties"]] == ["P1"]
    assert [r["record_id"] for r in state["active_listings"]] == ["S1"]
    check = api.client.get(
        f"/v1/checks/{code}",
        params={"matter": "procurement", "min_position": position},
        headers=api.clerk,
    )
    assert check.status_code == 200, check.text
    assert check.json()["outcome"] == "restricted"
    assert [r["record_id"] for r in check.json()["restrictions"]] == ["S1"]
    repair = api.client.get(
        "/v1/repairs/F1",
        params={"min_position": penalty_back["position"]},
        headers=api.key("audit"),
    ).json()["data"][0]
    assert repair["status"] == "revoked"
    assert [d["decision"] for d in repair["decisions"]] == ["granted", "revoked"]


def test_revoking_needs_the_review_scope_and_a_granted_repair(api: Api) -> None:
    code = api.register()
    api.record(code, penalty("P1"), repair_request("F1", "P1"))
    before = api.head()

    refused = api.post_event(code, repair_revocation("F1"), api.key("record"))
    pending = api.post_event(code, repair_revocation("F1"))
    unknown = api.post_event(code, repair_revocation("F9"))

    assert_problem(refused, 403)
    assert "only a granted repair" in assert_problem(pending, 409)["detail"]
    assert_problem(unknown, 404)
    assert api.head() == before


def test_a_batch_line_may_revoke_a_repair(api: Api) -> None:
    code = api.register()
    api.record(code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    line = {"subject": code, "type": "RepairRevoked", "repair_id": "F1"}
    line |= {"reason": "forged receipt", "decided_on": "2022-10-20"}

    response = api.client.post("/v1/events:batch", json=[line], headers=api.clerk)

    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert result["status"] == 201, result
