"""Recording each event type; deadlines and lateness; idempotency; If-Match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.api.support import Api, assert_problem
from tests.factories import (
    NOW,
    Body,
    as_json,
    breach,
    commitment,
    correction,
    delisting,
    expiry,
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
    revocation,
)


@dataclass(frozen=True)
class Shown:
    """Where the recorded fact shows in the subject's state."""

    section: str
    key: str
    value: str
    field: str
    expected: Any


@dataclass(frozen=True)
class Case:
    before: tuple[Body, ...]
    body: Body
    shown: Shown

    @property
    def id(self) -> str:
        return str(self.body["type"])


OLD_PENALTY = penalty("P1", decided_on=date(2021, 9, 1))  # published until 2022-09-01
ENDED_LISTING = listing(
    "S1", decided_on=date(2019, 9, 2), term_ends_on=date(2022, 9, 2), notified_on=None
)
CASES = [
    Case((), licence("L1"), Shown("licences", "record_id", "L1", "status", "active")),
    Case(
        (),
        penalty("P1"),
        Shown("active_penalties", "record_id", "P1", "maximum_until", "2023-06-15"),
    ),
    Case(
        (),
        information("I1"),
        Shown("information", "record_id", "I1", "status", "active"),
    ),
    Case(
        (),
        commitment("C1"),
        Shown("commitments", "record_id", "C1", "status", "active"),
    ),
    Case(
        (commitment("C1"),),
        fulfilment("C1"),
        Shown("commitments", "record_id", "C1", "status", "fulfilled"),
    ),
    Case(
        (commitment("C1"),),
        breach("C1"),
        Shown("commitments", "record_id", "C1", "status", "breached"),
    ),
    Case(
        (),
        listing("S1"),
        Shown("active_listings", "record_id", "S1", "maximum_until", "2025-10-01"),
    ),
    Case(
        (ENDED_LISTING,),
        delisting("S1", reason="expired", decided_on=date(2022, 9, 2)),
        Shown("records", "record_id", "S1", "status", "delisted"),
    ),
    Case(
        (),
        red_listing("R1"),
        Shown("red_list", "record_id", "R1", "maximum_until", "2023-03-31"),
    ),
    Case(
        (red_listing("R1"),),
        red_list_revocation("R1"),
        Shown("records", "record_id", "R1", "status", "revoked"),
    ),
    Case(
        (OLD_PENALTY,),
        expiry("P1", expired_on=date(2022, 9, 1)),
        Shown("records", "record_id", "P1", "status", "expired"),
    ),
    Case(
        (penalty("P1"),),
        repair_request("F1", "P1"),
        Shown("open_repairs", "repair_id", "F1", "decision_due_on", "2022-11-01"),
    ),
    Case(
        (penalty("P1"), repair_request("F1", "P1")),
        repair_grant("F1"),
        Shown("records", "record_id", "P1", "status", "repaired"),
    ),
    Case(
        (penalty("P1"), repair_request("F1", "P1")),
        repair_rejection("F1"),
        Shown("repairs", "repair_id", "F1", "reason", "fine not paid"),
    ),
    Case(
        (penalty("P1"), repair_request("F1", "P1"), repair_grant("F1")),
        repair_revocation("F1"),
        Shown("repairs", "repair_id", "F1", "status", "revoked"),
    ),
    Case(
        (licence("L1"),),
        correction("L1"),
        Shown("licences", "record_id", "L1", "corrected", True),
    ),
    Case(
        (licence("L1"),),
        revocation("L1"),
        Shown("records", "record_id", "L1", "status", "revoked"),
    ),
]


def find(state: dict[str, Any], shown: Shown) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [
        item for item in state[shown.section] if item[shown.key] == shown.value
    ]
    assert len(matches) == 1, f"{shown.value} not once in {shown.section}"
    return matches[0]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_event_type_is_stored_and_its_fields_round_trip(
    api: Api, case: Case
) -> None:
    code = api.register()
    api.record(code, *case.before)

    response = api.post_event(code, case.body)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert (answer["type"], answer["subject"]) == (case.body["type"], code)
    assert answer["version"] == len(case.before) + 2
    assert answer["position"] == api.head()
    stored = api.history(code)[answer["version"] - 1]
    assert stored["event_id"] == answer["event_id"]
    assert stored["type"] == case.body["type"]
    sent = as_json({k: v for k, v in case.body.items() if k != "type"})
    assert {k: stored["data"][k] for k in sent} == sent
    item = find(api.state(code), case.shown)
    if case.shown.field == "corrected":
        assert item["content"]["content"] == case.body["changes"]["content"]
    else:
        assert item[case.shown.field] == case.shown.expected


def test_every_recordable_type_has_a_happy_path_case() -> None:
    from application.dispatch import DECIDERS

    assert {c.body["type"] for c in CASES} == set(DECIDERS)


def test_record_published_after_the_deadline_is_accepted_but_late(api: Api) -> None:
    # Seven working days after 2022-09-30 skip the National Day week and count the
    # adjusted Saturday and Sunday 10-08 and 10-09: the deadline is 10-14.
    code = api.register()

    response = api.post_event(code, licence("L1", decided_on=date(2022, 9, 30)))

    assert response.status_code == 201
    assert response.json()["publicity_deadline"] == "2022-10-14"
    assert response.json()["late"] is True


def test_a_deadline_counted_monday_to_friday_says_so_in_the_answer(api: Api) -> None:
    code = api.register()
    covered = api.record(code, licence("L1", decided_on=date(2022, 9, 30)))[0]
    api.clock.set(datetime.fromisoformat("2030-10-10T03:00:00+00:00"))

    fallback = api.record(code, licence("L2", decided_on=date(2030, 9, 30)))[0]

    assert covered["deadline_on_fallback_calendar"] is False
    assert fallback["publicity_deadline"] == "2030-10-09"  # Monday to Friday only
    assert fallback["deadline_on_fallback_calendar"] is True
    assert fallback["events"][0]["deadline_on_fallback_calendar"] is True


def test_record_published_on_the_deadline_day_is_on_time(api: Api) -> None:
    code = api.register()
    api.clock.set(datetime.fromisoformat("2022-10-14T15:59:00+00:00"))  # 23:59 CST

    answer = api.record(code, licence("L1", decided_on=date(2022, 9, 30)))[0]

    assert (answer["publicity_deadline"], answer["late"]) == ("2022-10-14", False)


def test_lateness_is_judged_on_the_county_date_not_the_utc_date(api: Api) -> None:
    code = api.register()
    api.clock.set(datetime.fromisoformat("2022-10-14T16:00:00+00:00"))  # 10-15 00:00

    answer = api.record(code, licence("L1", decided_on=date(2022, 9, 30)))[0]

    assert answer["late"] is True


def test_events_without_a_publication_deadline_say_so(api: Api) -> None:
    code = api.register()

    answer = api.record(code, listing("S1"))[0]

    assert (answer["late"], answer["publicity_deadline"]) == (None, None)


def test_warning_only_penalty_is_stored_but_not_published(api: Api) -> None:
    code = api.register()

    api.record(code, penalty("P1", penalty_types=["warning"], fine_amount=None))

    record = api.state(code)["active_penalties"][0]
    assert record["published"] is False
    assert record["maximum_until"] is None


def test_listing_revokes_red_list_status_in_the_same_request(api: Api) -> None:
    code = api.register()
    api.record(code, red_listing("R1"))

    answer = api.record(code, listing("S1"))[0]

    assert [e["type"] for e in answer["events"]] == ["Listed", "RedListRevoked"]
    state = api.state(code)
    assert state["red_list"] == []
    assert [r["record_id"] for r in state["active_listings"]] == ["S1"]


def test_retry_with_the_same_idempotency_key_replays_the_original(api: Api) -> None:
    code = api.register()
    headers = {**api.clerk, "Idempotency-Key": "req-0001"}
    first = api.post_event(code, licence("L1"), headers=headers)
    head = api.head()

    retry = api.post_event(code, licence("L1"), headers=headers)

    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    same = ("event_id", "version", "position", "recorded_at", "publicity_deadline")
    assert {k: retry.json()[k] for k in same} == {k: first.json()[k] for k in same}
    assert api.head() == head
    assert len(api.history(code)) == 2


def test_replay_of_a_command_that_stored_two_events_returns_both(api: Api) -> None:
    code = api.register()
    api.record(
        code, listing("S1", decided_on=date(2021, 1, 4), notified_on=date(2020, 12, 1))
    )
    api.record(code, repair_request("F1", "S1"))
    headers = {**api.clerk, "Idempotency-Key": "grant-F1"}
    first = api.post_event(code, repair_grant("F1"), headers=headers)

    retry = api.post_event(code, repair_grant("F1"), headers=headers)

    assert [e["type"] for e in first.json()["events"]] == ["Repaired", "Delisted"]
    assert retry.json()["events"] == first.json()["events"]
    assert len(api.history(code)) == 5


def test_same_idempotency_key_with_another_body_is_a_409(api: Api) -> None:
    code = api.register()
    headers = {**api.clerk, "Idempotency-Key": "req-0001"}
    api.post_event(code, licence("L1"), headers=headers)
    head = api.head()

    response = api.post_event(code, licence("L2"), headers=headers)

    problem = assert_problem(response, 409)
    assert "req-0001" in problem["detail"]
    assert api.head() == head


def test_if_match_with_the_current_version_records(api: Api) -> None:
    code = api.register()
    etag = api.client.get(f"/v1/subjects/{code}", headers=api.clerk).headers["etag"]

    response = api.post_event(
        code, licence("L1"), headers={**api.clerk, "If-Match": etag}
    )

    assert response.status_code == 201
    assert response.headers["etag"] == '"2"'


def test_if_match_with_a_stale_version_is_412_with_the_current_one(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))
    head = api.head()

    response = api.post_event(
        code, licence("L2"), headers={**api.clerk, "If-Match": '"1"'}
    )

    problem = assert_problem(response, 412)
    assert problem["current_version"] == 2
    assert response.headers["etag"] == '"2"'
    assert api.head() == head


def test_if_match_that_is_not_a_version_is_a_422(api: Api) -> None:
    code = api.register()

    response = api.post_event(
        code, licence("L1"), headers={**api.clerk, "If-Match": "abc"}
    )

    assert_problem(response, 422)
    assert api.head() == 1


def test_recorded_at_is_the_server_clock(api: Api) -> None:
    code = api.register()
    api.clock.advance(timedelta(days=1, minutes=5))

    answer = api.record(code, licence("L1"))[0]

    assert datetime.fromisoformat(answer["recorded_at"]) == NOW + timedelta(
        days=1, minutes=5
    )
