"""Registering subjects, changing their details, reading state, past state, history."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from urllib.parse import quote

import httpx
import pytest

from domain.canonical import GENESIS_HASH
from tests.api.support import Api, assert_problem
from tests.factories import (
    NOW,
    ambiguous_code,
    licence,
    listing,
    penalty,
    red_listing,
    resident_id,
    uscc,
    with_wrong_check_char,
)


def test_registering_a_new_subject_answers_201_with_its_details(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={
            "code": uscc(1),
            "name": "Jishan Foods Co.",
            "legal_representative": "Li",
        },
        headers=api.clerk,
    )

    assert response.status_code == 201
    assert response.json() == {
        "subject": uscc(1),
        "kind": "legal_person",
        "name": "Jishan Foods Co.",
        "legal_representative": "Li",
        "version": 1,
        "position": api.head(),
    }
    assert response.headers["etag"] == '"1"'


def test_code_is_normalised_before_use(api: Api) -> None:
    spaced = " ".join(uscc(2)[i : i + 6] for i in range(0, 18, 6)).lower()

    response = api.client.post(
        "/v1/subjects", json={"code": spaced, "name": "Acme"}, headers=api.clerk
    )

    assert response.status_code == 201
    assert response.json()["subject"] == uscc(2)


@pytest.mark.parametrize("read", ["/v1/subjects/{}", "/v1/subjects/{}/history"])
def test_reads_name_the_normalised_code_whatever_case_and_spaces_were_asked(
    api: Api, read: str
) -> None:
    code = api.register(uscc(2))
    asked = f" {code[:4]} {code[4:10].lower()}\t{code[10:]}"

    response = api.client.get(read.format(quote(asked)), headers=api.clerk)

    assert response.status_code == 200, response.text
    assert response.json()["subject"] == code


def test_registering_again_with_the_same_details_answers_200_and_stores_nothing(
    api: Api,
) -> None:
    api.register(uscc(1), "Jishan Foods Co.")
    registered_at = api.head()
    api.register(uscc(2), "Another Co.")
    head = api.head()

    response = api.client.post(
        "/v1/subjects",
        json={"code": uscc(1), "name": "Jishan Foods Co."},
        headers=api.clerk,
    )

    assert response.status_code == 200
    # Where it was registered: a position to read the views at.
    assert (response.json()["version"], response.json()["position"]) == (
        1,
        registered_at,
    )
    assert api.head() == head


def test_registering_again_with_other_details_is_a_409_conflict(api: Api) -> None:
    api.register(uscc(1), "Jishan Foods Co.")
    head = api.head()

    response = api.client.post(
        "/v1/subjects", json={"code": uscc(1), "name": "Other Name"}, headers=api.clerk
    )

    problem = assert_problem(response, 409)
    assert "PATCH" in problem["detail"]
    assert problem["differing"] == ["name"]
    assert api.head() == head


def test_registering_again_without_the_representative_names_it_as_differing(
    api: Api,
) -> None:
    body = {"code": uscc(1), "name": "Acme", "legal_representative": "Li"}
    api.client.post("/v1/subjects", json=body, headers=api.clerk)

    response = api.client.post(
        "/v1/subjects", json={"code": uscc(1), "name": "Acme"}, headers=api.clerk
    )

    problem = assert_problem(response, 409)
    assert problem["differing"] == ["legal_representative"]
    assert "legal representative is 'Li', not none" in problem["detail"]


def test_kind_is_inferred_from_a_resident_identity_number(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={"code": resident_id(2), "name": "Zhang San"},
        headers=api.clerk,
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "natural_person"


def test_a_code_valid_as_both_kinds_needs_its_kind_said(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={"code": ambiguous_code(), "name": "Zhang San"},
        headers=api.clerk,
    )

    problem = assert_problem(response, 422)
    assert "say which it is (kind)" in problem["detail"]
    assert api.head() == 0


@pytest.mark.parametrize("kind", ["natural_person", "legal_person"])
def test_a_code_valid_as_both_kinds_is_registered_as_the_kind_said(
    api: Api, kind: str
) -> None:
    code = ambiguous_code()
    body = {"code": code, "name": "Zhang San", "kind": kind}

    first = api.client.post("/v1/subjects", json=body, headers=api.clerk)
    again = api.client.post(
        "/v1/subjects", json={**body, "kind": None}, headers=api.clerk
    )

    assert (first.status_code, first.json()["kind"]) == (201, kind)
    assert (again.status_code, again.json()["kind"]) == (200, kind)


def test_a_code_valid_as_both_kinds_is_masked_when_a_person_s(api: Api) -> None:
    code = ambiguous_code()
    api.client.post(
        "/v1/subjects",
        json={"code": code, "name": "张三", "kind": "natural_person"},
        headers=api.clerk,
    )
    [listed] = api.record(code, listing("S1"))

    response = api.client.get(
        "/v1/lists/serious-dishonesty", params={"min_position": listed["position"]}
    )

    assert response.status_code == 200, response.text
    assert code not in response.text
    assert "110105********" + code[-4:] in response.text


def test_a_registered_subject_s_kind_cannot_be_said_otherwise(api: Api) -> None:
    code = ambiguous_code()
    body = {"code": code, "name": "Zhang San", "kind": "natural_person"}
    api.client.post("/v1/subjects", json=body, headers=api.clerk)

    response = api.client.post(
        "/v1/subjects", json={**body, "kind": "legal_person"}, headers=api.clerk
    )

    assert "(natural_person)" in assert_problem(response, 409)["detail"]


def test_kind_that_contradicts_the_code_is_a_422(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={"code": uscc(1), "name": "Acme", "kind": "natural_person"},
        headers=api.clerk,
    )

    problem = assert_problem(response, 422)
    assert "legal_person" in problem["detail"]
    assert api.head() == 0


def test_code_with_a_bad_check_character_is_a_422_naming_the_right_one(
    api: Api,
) -> None:
    code = with_wrong_check_char(uscc(1))

    response = api.client.post(
        "/v1/subjects", json={"code": code, "name": "Acme"}, headers=api.clerk
    )

    problem = assert_problem(response, 422)
    assert f"should be {uscc(1)[-1]!r}" in problem["detail"]
    assert api.head() == 0


def test_patch_changes_the_name_and_keeps_the_representative(api: Api) -> None:
    api.client.post(
        "/v1/subjects",
        json={"code": uscc(1), "name": "Old Name", "legal_representative": "Li"},
        headers=api.clerk,
    )

    response = api.client.patch(
        f"/v1/subjects/{uscc(1)}", json={"name": "New Name"}, headers=api.clerk
    )

    assert response.status_code == 200
    assert response.json()["type"] == "SubjectDetailsChanged"
    assert response.json()["version"] == 2
    state = api.state(uscc(1))
    assert (state["name"], state["legal_representative"]) == ("New Name", "Li")


def test_patch_with_a_stale_if_match_is_412_and_stores_nothing(api: Api) -> None:
    code = api.register()
    api.client.patch(f"/v1/subjects/{code}", json={"name": "B"}, headers=api.clerk)
    head = api.head()

    response = api.client.patch(
        f"/v1/subjects/{code}",
        json={"name": "C"},
        headers={**api.clerk, "If-Match": '"1"'},
    )

    assert assert_problem(response, 412)["current_version"] == 2
    assert api.head() == head


def patch(
    api: Api, code: str, body: dict[str, str | None], **headers: str
) -> httpx.Response:
    response: httpx.Response = api.client.patch(
        f"/v1/subjects/{code}", json=body, headers={**api.clerk, **headers}
    )
    return response


def test_patch_that_changes_nothing_stores_nothing_and_answers_where_it_stands(
    api: Api,
) -> None:
    code = api.register(name="Same Name")
    [licensed] = api.record(code, licence("L1"))
    head = api.head()

    response = patch(api, code, {"name": "Same Name"}, **{"If-Match": '"2"'})

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["version"], answer["position"]) == (2, licensed["position"])
    assert (answer["event_id"], answer["events"]) == (licensed["event_id"], [])
    assert not answer["replayed"]
    assert response.headers["etag"] == '"2"'
    assert api.head() == head
    assert api.post_event(
        code, licence("L2"), {**api.clerk, "If-Match": '"2"'}
    ).is_success


def test_patch_that_would_change_nothing_is_still_412_on_a_stale_if_match(
    api: Api,
) -> None:
    code = api.register(name="Same Name")
    api.record(code, licence("L1"))

    response = patch(api, code, {"name": "Same Name"}, **{"If-Match": '"1"'})

    assert assert_problem(response, 412)["current_version"] == 2


def test_patch_answers_the_new_version_as_its_etag(api: Api) -> None:
    code = api.register()

    response = patch(api, code, {"name": "New Name"})

    assert response.headers["etag"] == '"2"'


def test_patch_retried_with_its_idempotency_key_is_answered_from_the_store(
    api: Api,
) -> None:
    code = api.register()
    first = patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})
    head = api.head()

    retries = [
        patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})
        for _ in range(2)
    ]

    assert "idempotent-replayed" not in first.headers
    for retry in retries:
        assert retry.status_code == 200, retry.text
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.headers["etag"] == '"2"'
        assert retry.json() == {**first.json(), "replayed": True}
    assert api.head() == head
    assert [e["request_key"] for e in api.history(code)][1:] == ["rename-1"]


def test_patch_replayed_even_after_the_subject_moved_on(api: Api) -> None:
    code = api.register()
    first = patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})
    patch(api, code, {"name": "Newer Name"})

    retry = patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})

    assert retry.json()["event_id"] == first.json()["event_id"]
    assert api.state(code)["name"] == "Newer Name"


@pytest.mark.parametrize(
    "other_body",
    [{"name": "Other Name"}, {"name": "New Name", "legal_representative": None}],
)
def test_patch_with_a_used_idempotency_key_and_another_body_is_a_409(
    api: Api, other_body: dict[str, str | None]
) -> None:
    code = api.register()
    patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})
    head = api.head()

    response = patch(api, code, other_body, **{"Idempotency-Key": "rename-1"})

    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/idempotency-key-reused")
    assert "rename-1" in problem["detail"]
    assert api.head() == head


def test_an_event_s_idempotency_key_is_not_a_patch_s(api: Api) -> None:
    code = api.register()
    api.post_event(code, licence("L1"), {**api.clerk, "Idempotency-Key": "req-1"})

    response = patch(api, code, {"name": "New Name"}, **{"Idempotency-Key": "req-1"})

    assert assert_problem(response, 409)["type"].endswith("/idempotency-key-reused")


def test_patch_keys_are_per_subject(api: Api) -> None:
    first, second = api.register(uscc(1)), api.register(uscc(2))
    patch(api, first, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"})

    response = patch(
        api, second, {"name": "New Name"}, **{"Idempotency-Key": "rename-1"}
    )

    assert response.status_code == 200, response.text
    assert "idempotent-replayed" not in response.headers
    assert api.state(second)["name"] == "New Name"


def test_patch_with_a_null_representative_removes_it(api: Api) -> None:
    code = uscc(1)
    registration = {"code": code, "name": "Acme", "legal_representative": "Li"}
    api.client.post("/v1/subjects", json=registration, headers=api.clerk)

    response = patch(api, code, {"legal_representative": None})
    again = api.client.post(
        "/v1/subjects", json={"code": code, "name": "Acme"}, headers=api.clerk
    )

    assert response.status_code == 200, response.text
    assert response.json()["type"] == "SubjectDetailsChanged"
    state = api.state(code)
    assert (state["name"], state["legal_representative"]) == ("Acme", None)
    assert again.status_code == 200, again.text


def test_patch_without_the_representative_keeps_it(api: Api) -> None:
    code = uscc(1)
    registration = {"code": code, "name": "Acme", "legal_representative": "Li"}
    api.client.post("/v1/subjects", json=registration, headers=api.clerk)

    patch(api, code, {"name": "Acme Group"})

    assert api.state(code)["legal_representative"] == "Li"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_patch_cannot_remove_or_empty_the_name(api: Api, name: str | None) -> None:
    code = api.register()
    head = api.head()

    response = patch(api, code, {"name": name})

    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["name"]
    assert api.head() == head


def test_state_lists_records_by_section(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"), penalty("P1"))

    state = api.state(code)

    assert state["subject"] == code
    assert state["version"] == 3
    assert [r["record_id"] for r in state["licences"]] == ["L1"]
    assert [r["record_id"] for r in state["active_penalties"]] == ["P1"]
    assert state["active_listings"] == []


def test_records_past_their_end_are_not_active_before_the_expiry_run(
    api: Api,
) -> None:
    listed, red = api.register(uscc(1)), api.register(uscc(2))
    api.record(
        listed,
        penalty("P1", decided_on=date(2021, 9, 1)),  # published until 2022-09-01
        listing(
            "S1",
            decided_on=date(2019, 9, 2),
            term_ends_on=date(2022, 9, 2),
            notified_on=None,
        ),
    )
    api.record(
        red,
        red_listing("R1", decided_on=date(2021, 4, 1), valid_to=date(2022, 3, 31)),
    )

    state, red_state = api.state(listed), api.state(red)

    assert state["grade"] == "high"
    assert (state["active_listings"], state["active_penalties"]) == ([], [])
    assert {r["status"] for r in state["records"]} == {"active"}
    assert red_state["red_list"] == []


def test_as_of_rebuilds_the_state_as_it_was_then(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))
    api.clock.advance(timedelta(hours=2))
    api.record(code, penalty("P1"))
    between = (NOW + timedelta(hours=1)).isoformat()

    past = api.state(code, as_of=between)
    present = api.state(code)

    assert past["version"] == 2
    assert [r["record_id"] for r in past["records"]] == ["L1"]
    assert {r["record_id"] for r in present["records"]} == {"L1", "P1"}


def test_as_of_before_registration_is_a_404(api: Api) -> None:
    code = api.register()

    response = api.client.get(
        f"/v1/subjects/{code}",
        params={"as_of": (NOW - timedelta(days=1)).isoformat()},
        headers=api.clerk,
    )

    assert_problem(response, 404)


def test_as_of_later_than_now_is_a_422(api: Api) -> None:
    code = api.register()

    response = api.client.get(
        f"/v1/subjects/{code}",
        params={"as_of": (NOW + timedelta(seconds=1)).isoformat()},
        headers=api.clerk,
    )

    assert "later than now" in assert_problem(response, 422)["detail"]


def test_as_of_now_is_the_present_state(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))

    state = api.state(code, as_of=NOW.isoformat())

    assert [r["record_id"] for r in state["licences"]] == ["L1"]


def test_as_of_without_a_time_zone_is_a_422(api: Api) -> None:
    code = api.register()

    response = api.client.get(
        f"/v1/subjects/{code}",
        params={"as_of": "2022-10-20T11:00:00"},
        headers=api.clerk,
    )

    assert_problem(response, 422)


def test_history_chains_each_event_to_the_hash_of_the_one_before(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"), penalty("P1"), licence("L2"))

    history = api.history(code)

    assert [e["version"] for e in history] == [1, 2, 3, 4]
    assert history[0]["previous_hash"] == GENESIS_HASH
    for before, after in pairwise(history):
        assert after["previous_hash"] == before["hash"]
    assert len({e["hash"] for e in history}) == 4


def test_history_names_department_actor_and_positions(api: Api) -> None:
    code = api.register()
    headers = api.key("record", department="tax-bureau", actor="zhao")
    api.post_event(code, licence("L1"), headers=headers)

    entry = api.history(code)[-1]

    assert (entry["department"], entry["actor"]) == ("tax-bureau", "zhao")
    assert entry["position"] == api.head()
    assert entry["recorded_at"].startswith("2022-10-20T03:00:00")


def test_unknown_subject_state_is_a_404(api: Api) -> None:
    response = api.client.get(f"/v1/subjects/{uscc(9)}", headers=api.clerk)

    assert_problem(response, 404)
