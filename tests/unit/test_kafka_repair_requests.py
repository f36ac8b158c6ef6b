"""A repair request reaches the views from Kafka with its fallback flag: as
stored now, or left out (null) as stored before the flag was kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from eventsourcing.persistence import Tracking

from domain.canonical import event_hash
from domain.events import RepairRequested
from infrastructure.kafka.consumer import _Fetched
from infrastructure.kafka.messages import EventMessage
from infrastructure.views.repair_views import SqlRepairHistory
from infrastructure.views.stores import SQLiteViewStore
from projections.repair_projection import RepairHistoryProjection
from projections.repair_view import RepairQuery
from tests.factories import penalty, repair_request
from tests.unit.subject_desk import Desk
from tests.unit.test_canonical_added_fields import (
    FLAG,
    OLD_HASH,
    OLD_STATE,
    as_read_back,
)

UPSTREAM = "CreditLedger"


@pytest.fixture
def repairs() -> Iterator[SqlRepairHistory]:
    store = SQLiteViewStore.in_memory()
    view = SqlRepairHistory(store, UPSTREAM)
    view.create_table()
    yield view
    store.close()


def consumed(event: RepairRequested) -> RepairRequested:
    """The event as the consumer decodes its message (hash checked)."""
    message = EventMessage(position=7, event=event)
    decoded = _Fetched([SimpleNamespace(value=message.value())]).message(0).event
    assert isinstance(decoded, RepairRequested)
    return decoded


def shown(repairs: SqlRepairHistory, event: RepairRequested) -> bool | None:
    projection = RepairHistoryProjection(repairs)
    projection.process_event(event, Tracking(UPSTREAM, 7))
    [row] = repairs.repairs(RepairQuery(), date(2023, 1, 1)).rows
    return row.deadline_on_fallback_calendar


@pytest.mark.parametrize(
    ("requested_on", "fallback"),
    [(date(2022, 10, 18), False), (date(2022, 12, 28), True)],
)
def test_a_request_from_kafka_carries_its_flag_to_the_repair_view(
    repairs: SqlRepairHistory, requested_on: date, fallback: bool
) -> None:
    # The desk's calendar covers 2022 only.
    [_, request] = Desk(today=requested_on).do(
        penalty("P1", decided_on=date(2022, 1, 10)),
        repair_request("F1", "P1", requested_on=requested_on),
    )
    assert isinstance(request, RepairRequested)

    decoded = consumed(request)

    assert decoded.deadline_on_fallback_calendar is fallback
    assert shown(repairs, decoded) is fallback


def test_a_request_stored_before_the_flag_comes_without_it_and_shows_null(
    repairs: SqlRepairHistory,
) -> None:
    old = as_read_back(OLD_STATE)
    sent = json.loads(EventMessage(position=7, event=old).value())

    decoded = consumed(old)

    assert FLAG not in sent["event"]
    assert sent["hash"] == OLD_HASH == event_hash(decoded)
    assert decoded.deadline_on_fallback_calendar is None
    assert shown(repairs, decoded) is None
