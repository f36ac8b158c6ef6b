"""Events stored with NUL (an earlier release let it in) reach the views with
U+FFFD in its place, from the store and from Kafka; other events as they are."""

from __future__ import annotations

from types import SimpleNamespace

from infrastructure.kafka.consumer import _Fetched
from infrastructure.kafka.messages import EventMessage
from infrastructure.views.nul_text import for_views
from tests.factories import listing
from tests.unit.subject_desk import Desk


def listed(record_id: str, basis: str, measure: str) -> EventMessage:
    [event, *_] = Desk().do(listing(record_id, basis=basis, measures=[measure]))
    return EventMessage(position=7, event=event)


def test_a_kafka_message_with_nul_is_decoded_with_it_replaced() -> None:
    message = listed("S\x001", "Food\x00 Safety Law", "barred\x00")
    record = SimpleNamespace(value=message.value())

    decoded = _Fetched([record]).message(0).event

    shown = vars(decoded)
    assert (shown["record_id"], shown["basis"]) == ("S\ufffd1", "Food\ufffd Safety Law")
    assert shown["measures"] == ["barred\ufffd"]
    assert vars(message.event)["basis"] == "Food\x00 Safety Law"  # not changed


def test_an_event_without_nul_is_handed_on_as_it_is() -> None:
    message = listed("S1", "Food Safety Law", "barred")

    assert for_views(message.event, message.value()) is message.event
