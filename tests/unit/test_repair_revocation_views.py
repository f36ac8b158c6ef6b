"""A revoked repair in the views: the record published again, the revocation
in the repair history, the listing's exit undone, rebuilt alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import Tracking

from domain.canonical import event_hash
from domain.events import RepairRevoked
from infrastructure.kafka.messages import EventMessage, decode_message
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from infrastructure.views.stores import SQLiteViewStore
from projections.paging import PageQuery
from projections.public_projection import PublicViewsProjection
from projections.repair_view import RepairQuery
from tests.factories import (
    correction,
    listing,
    penalty,
    repair_grant,
    repair_request,
    repair_revocation,
    uscc,
)
from tests.view_scene import Scene

ALL = PageQuery(limit=None)
OLD_LISTING = {"decided_on": date(2021, 1, 4), "notified_on": date(2020, 12, 1)}
FINE = {"content": "Fine of 4000 yuan", "fine_amount": "4000.00"}


def repaired_listing(scene: Scene) -> str:
    """A new subject's listing S1, repaired (F1): the subject's code."""
    code = scene.register()
    scene.record(code, listing("S1", **OLD_LISTING), repair_request("F1", "S1"))
    scene.record(code, repair_grant("F1"))
    return code


def test_a_penalty_whose_repair_is_revoked_is_in_the_publicity_again(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), correction("P1", changes=FINE))
    scene.project()
    [published] = scene.public.penalties(ALL).rows
    scene.record(code, repair_request("F1", "P1"), repair_grant("F1"))
    scene.project()
    assert scene.public.penalties(ALL).rows == []

    position = scene.record(code, repair_revocation("F1"))
    scene.project()

    [again] = scene.public.penalties(ALL).rows
    assert again.position == position
    assert again == published.__class__(**{**vars(published), "position": position})
    assert again.fine_amount == "4000.00"
    assert again.corrections == 1
    profile = scene.public.credit_profile(code)
    assert profile is not None
    [record] = profile.records
    assert (record.status, record.closed_on) == ("active", None)


def test_a_listing_whose_repair_is_revoked_is_on_the_serious_list_again(
    scene: Scene,
) -> None:
    code = repaired_listing(scene)
    scene.project()
    assert scene.public.serious_list(ALL).rows == []

    scene.record(code, repair_revocation("F1"))
    scene.project()

    [row] = scene.public.serious_list(ALL).rows
    assert (row.record_id, row.listed_on) == ("S1", date(2021, 1, 4))
    assert row.term_ends_on == date(2025, 10, 1)
    profile = scene.public.credit_profile(code)
    assert profile is not None
    assert [listed.record_id for listed in profile.listings] == ["S1"]


def test_a_penalty_past_its_maximum_period_is_not_shown_again(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    scene.clock.set(datetime(2023, 7, 3, 3, tzinfo=UTC))

    scene.record(code, repair_revocation("F1", decided_on=date(2023, 7, 3)))
    scene.project()

    assert scene.public.penalties(ALL).rows == []
    assert scene.public.subjects_due(date(2023, 7, 3)) == [code]


def test_the_repair_history_shows_the_revocation(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    scene.record(code, repair_revocation("F1"))
    scene.project()

    [row] = scene.repairs.repairs(RepairQuery(), today=date(2022, 10, 20)).rows
    assert (row.status, row.decided_on) == ("revoked", date(2022, 10, 20))
    granted, revoked = row.decisions
    assert granted.decision == "granted"
    assert (revoked.decision, revoked.reason) == (
        "revoked",
        "training certificate found forged",
    )
    assert (revoked.department, revoked.actor) == ("credit-office", "li")
    query = RepairQuery(status="revoked")
    assert len(scene.repairs.repairs(query, today=date(2022, 10, 20)).rows) == 1


def test_a_revoked_repair_undoes_the_listings_exit_in_the_indicators(
    scene: Scene,
) -> None:
    code = repaired_listing(scene)
    scene.project()
    indicators = scene.read_models.views["indicators"]
    [(*_, exited_on, reason)] = indicators.snapshot()["indicator_listings"]
    assert (exited_on, reason) == ("2022-10-20", "repaired")

    scene.record(code, repair_revocation("F1"))
    scene.project()

    [(*_, ended_on, exit_reason)] = indicators.snapshot()["indicator_listings"]
    assert (ended_on, exit_reason) == (None, None)


@pytest.mark.parametrize("name", sorted(PROJECTIONS))
def test_a_rebuilt_view_equals_the_one_kept_up_event_by_event(
    scene: Scene, name: str
) -> None:
    one, two = scene.register(), scene.register(uscc(2), "Two Co.")
    scene.record(one, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    scene.record(one, repair_revocation("F1"), correction("P1", changes=FINE))
    scene.record(two, listing("S1", **OLD_LISTING), repair_request("F1", "S1"))
    scene.record(two, repair_grant("F1"), repair_revocation("F1"))
    head = scene.project()
    view = scene.read_models.views[name]
    live = view.snapshot()

    position = rebuild(scene.ledger, view, PROJECTIONS[name].projection)

    assert position == head
    assert view.snapshot() == live


def test_fed_from_kafka_the_views_publish_the_record_again_alike(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, listing("S1", **OLD_LISTING), repair_request("F1", "S1"))
    scene.record(code, repair_grant("F1"), repair_revocation("F1"))
    scene.project()
    kafka_fed = SqlPublicViews(SQLiteViewStore.in_memory(), scene.ledger.name)
    kafka_fed.create_table()
    projection = PublicViewsProjection(kafka_fed)

    for n in scene.ledger.recorder.select_notifications(1, 100):
        stored = scene.ledger.mapper.to_domain_event(n)
        event = decode_message(EventMessage(n.id, stored).value()).event
        if isinstance(event, RepairRevoked):
            assert event == stored
            assert event_hash(event) == event_hash(stored)
        projection.process_event(event, Tracking(scene.ledger.name, n.id))

    assert kafka_fed.snapshot() == scene.public.snapshot()
    assert [row.record_id for row in kafka_fed.serious_list(ALL).rows] == ["S1"]
