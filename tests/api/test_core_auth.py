"""Department keys: missing or bad keys are 401, a missing scope is 403."""

from __future__ import annotations

from tests.api.support import Api, assert_problem
from tests.factories import (
    delisting,
    licence,
    listing,
    penalty,
    repair_grant,
    repair_request,
    revocation,
)


def test_writing_without_a_key_is_a_401_with_a_bearer_challenge(api: Api) -> None:
    code = api.register()

    response = api.post_event(code, licence(), headers={})

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.head() == 1


def test_an_unknown_key_is_a_401(api: Api) -> None:
    code = api.register()

    response = api.post_event(
        code, licence(), headers={"Authorization": "Bearer cl_000000000000_forged"}
    )

    assert_problem(response, 401)
    assert api.head() == 1


def test_a_revoked_key_is_a_401(api: Api) -> None:
    code = api.register()
    record, secret = api.services.keys.create(
        "tax-bureau", "zhao", {"record"}, api.clock.now()
    )
    api.services.keys.revoke(record.key_id, api.clock.now())

    response = api.post_event(
        code, licence(), headers={"Authorization": f"Bearer {secret}"}
    )

    assert_problem(response, 401)
    assert api.head() == 1


def test_a_record_only_key_cannot_decide_a_repair(api: Api) -> None:
    code = api.register()
    api.record(code, penalty("P1"), repair_request("F1", "P1"))
    head = api.head()

    response = api.post_event(code, repair_grant("F1"), headers=api.key("record"))

    problem = assert_problem(response, 403)
    assert "'review'" in problem["detail"]
    assert api.head() == head
    assert api.state(code)["open_repairs"][0]["repair_id"] == "F1"


def test_a_review_key_decides_the_repair(api: Api) -> None:
    code = api.register()
    api.record(code, penalty("P1"), repair_request("F1", "P1"))

    response = api.post_event(code, repair_grant("F1"), headers=api.key("review"))

    assert response.status_code == 201


def test_a_record_only_key_cannot_take_a_subject_off_the_list_by_revocation(
    api: Api,
) -> None:
    code = api.register()
    api.record(code, listing("S1"))
    head = api.head()
    clerk = api.key("record")

    revoked = api.post_event(code, revocation("S1"), headers=clerk)
    delisted = api.post_event(code, delisting("S1", reason="revoked"), headers=clerk)

    assert "'review'" in assert_problem(revoked, 403)["detail"]
    assert "RecordRevoked" in assert_problem(delisted, 422)["detail"]
    assert api.head() == head
    assert [s["record_id"] for s in api.state(code)["active_listings"]] == ["S1"]


def test_a_review_key_revokes_a_listing_and_delists_it(api: Api) -> None:
    code = api.register()
    api.record(code, listing("S1"))

    response = api.post_event(code, revocation("S1"), headers=api.key("review"))

    assert response.status_code == 201, response.text
    events = response.json()["events"]
    assert [e["type"] for e in events] == ["RecordRevoked", "Delisted"]
    assert api.state(code)["active_listings"] == []


def test_an_audit_only_key_cannot_record(api: Api) -> None:
    code = api.register()

    response = api.post_event(code, licence(), headers=api.key("audit"))

    assert_problem(response, 403)
    assert api.head() == 1


def test_registering_needs_the_record_scope(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={"code": "91350100M000100Y43", "name": "Acme"},
        headers=api.key("audit"),
    )

    assert_problem(response, 403)
    assert api.head() == 0


def test_history_needs_the_audit_scope(api: Api) -> None:
    code = api.register()

    refused = api.client.get(f"/v1/subjects/{code}/history", headers=api.key("record"))
    allowed = api.client.get(f"/v1/subjects/{code}/history", headers=api.key("audit"))

    assert_problem(refused, 403)
    assert allowed.status_code == 200


def test_events_name_the_department_and_actor_of_the_key(api: Api) -> None:
    code = api.register()
    headers = api.key("record", department="transport-bureau", actor="sun")

    api.post_event(code, licence(), headers=headers)

    entry = api.history(code)[-1]
    assert (entry["department"], entry["actor"]) == ("transport-bureau", "sun")
