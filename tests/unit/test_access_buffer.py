"""Access-log write-behind: stopping or a failed flush loses nothing appended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from application.access import AccessRecord
from application.access_buffer import BufferedAccessLog


class FlakyLog:
    def __init__(self) -> None:
        self.stored: list[AccessRecord] = []
        self.failures_left = 0
        self.transactions = 0

    def append(self, record: AccessRecord) -> None:
        self.append_many([record])

    def append_many(self, records: Sequence[AccessRecord]) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise OSError("store unavailable")
        self.transactions += 1
        self.stored.extend(records)

    def recent(self, limit: int) -> list[AccessRecord]:
        return self.stored[::-1][:limit]

    def close(self) -> None:
        pass


def record(n: int) -> AccessRecord:
    return AccessRecord(
        at=datetime(2024, 6, 10, tzinfo=UTC),
        key_id="k",
        department="tax",
        actor="wang",
        method="POST",
        path=f"/v1/subjects/{n}",
        status=201,
    )


def test_records_appended_together_are_written_in_one_transaction() -> None:
    inner = FlakyLog()
    buffered = BufferedAccessLog(inner, flush_seconds=60)
    for n in range(50):
        buffered.append(record(n))

    buffered.close()

    assert [r.path for r in inner.stored] == [f"/v1/subjects/{n}" for n in range(50)]
    assert inner.transactions == 1


def test_a_failed_flush_keeps_the_records_for_the_next_one() -> None:
    inner = FlakyLog()
    inner.failures_left = 1
    buffered = BufferedAccessLog(inner, flush_seconds=60)
    buffered.append(record(1))

    with pytest.raises(OSError):
        buffered.flush()
    buffered.append(record(2))
    buffered.close()

    assert [r.path for r in inner.stored] == ["/v1/subjects/1", "/v1/subjects/2"]


def test_reading_recent_records_sees_what_is_still_buffered() -> None:
    inner = FlakyLog()
    buffered = BufferedAccessLog(inner, flush_seconds=60)
    buffered.append(record(7))

    assert [r.path for r in buffered.recent(5)] == ["/v1/subjects/7"]
    buffered.close()
