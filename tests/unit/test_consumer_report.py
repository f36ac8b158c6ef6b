"""The line ``project`` prints while its consumer fails: where, and why,
without the identity numbers an error may quote."""

from __future__ import annotations

from types import SimpleNamespace

from infrastructure.kafka.consumer_process import describe
from infrastructure.kafka.message_place import MessagePlace
from tests.factories import resident_id

PERSON = resident_id(5)


def consumer(error: Exception | None, at: MessagePlace | None) -> SimpleNamespace:
    view = SimpleNamespace(view_name="public")
    return SimpleNamespace(
        partitions=[0, 1],
        targets=[SimpleNamespace(view=view, positions={0: 4, 1: 6})],
        last_error=error,
        failing_at=at,
    )


def test_a_consumer_that_runs_says_its_positions() -> None:
    assert describe(consumer(None, None)) == "project: public p0 at 4, p1 at 6"


def test_a_failing_message_is_named_by_partition_offset_and_position() -> None:
    error = ValueError(f"no event: subject {PERSON}")

    line = describe(consumer(error, MessagePlace(1, 12, 7)))

    masked = f"{PERSON[:6]}********{PERSON[-4:]}"
    assert line == (
        "project: public p0 at 4, p1 at 6 (failing at partition 1, offset 12 "
        f"(position 7): ValueError: no event: subject {masked})"
    )


def test_a_failure_at_no_message_says_why_alone() -> None:
    line = describe(consumer(ConnectionError("database away"), None))

    assert line.endswith(" (failing: ConnectionError: database away)")
