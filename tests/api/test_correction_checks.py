"""A correction's values pass the checks of the event that made the record."""

from __future__ import annotations

from typing import Any

import pytest

from api.schemas.events import CORRECTABLE, RECORD_MODELS
from tests.api.support import Api, assert_problem
from tests.factories import commitment, correction, information, licence, penalty


def test_a_field_shared_by_record_types_is_declared_alike_in_each() -> None:
    for name, model in CORRECTABLE.items():
        declared = model.model_fields[name]
        for other in RECORD_MODELS:
            if name in other.model_fields:
                alike = other.model_fields[name]
                assert (alike.annotation, alike.metadata, alike.is_required()) == (
                    declared.annotation,
                    declared.metadata,
                    declared.is_required(),
                ), f"{name} of {other.__name__} and {model.__name__}"


@pytest.mark.parametrize(
    ("record", "record_id", "changes", "says"),
    [
        (licence, "L1", {"content": None}, "content: Input should be a valid string"),
        (licence, "L1", {"content": "  "}, "content: String should have at least"),
        (licence, "L1", {"content": True}, "content: Input should be a valid string"),
        (licence, "L1", {"content": "x" * 4001}, "content: String should have at"),
        (licence, "L1", {"licence_category": "bogus"}, "licence_category: Input"),
        (licence, "L1", {"valid_from": None}, "valid_from: Input should be a valid"),
        (penalty, "P1", {"fine_amount": "not money"}, "fine_amount: String should"),
        (information, "I1", {"kind": "maybe"}, "kind: Input should be"),
        (commitment, "C1", {"due_on": "2022-02-30"}, "due_on: Input should be a"),
    ],
)
def test_a_correction_the_record_could_not_have_been_made_with_is_a_422(
    api: Api, record: Any, record_id: str, changes: dict[str, Any], says: str
) -> None:
    code = api.register()
    api.record(code, record(record_id))
    head = api.head()

    response = api.post_event(code, correction(record_id, changes=changes))

    problem = assert_problem(response, 422)
    assert says in str(problem)
    assert api.head() == head


def test_a_correction_putting_dates_out_of_order_is_a_422(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))
    head = api.head()

    response = api.post_event(
        code, correction("L1", changes={"valid_to": "2000-01-01"})
    )

    assert "valid_to is before valid_from" in assert_problem(response, 422)["detail"]
    assert api.head() == head


def test_a_corrected_value_is_stored_as_its_event_would_store_it(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))

    [answer] = api.record(
        code,
        correction(
            "L1",
            changes={"content": "  Bulk food too ", "licence_category": "franchise"},
        ),
    )

    state = api.client.get(f"/v1/subjects/{code}", headers=api.clerk).json()
    [record] = [r for r in state["licences"] if r["record_id"] == "L1"]
    assert answer["type"] == "RecordCorrected"
    assert (record["content"]["content"], record["content"]["licence_category"]) == (
        "Bulk food too",
        "franchise",
    )
