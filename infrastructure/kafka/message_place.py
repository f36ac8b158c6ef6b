"""Where a message is in the topic, as a consumer that fails on it names it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MessagePlace:
    partition: int
    offset: int
    # The event's position, from the message's header (None without one).
    position: int | None

    @classmethod
    def of(cls, record: Any) -> MessagePlace:
        return cls(record.partition, record.offset, header_position(record))

    def __str__(self) -> str:
        place = f"partition {self.partition}, offset {self.offset}"
        return place if self.position is None else f"{place} (position {self.position})"

    def passed_by(self, partition: int, last_offset: int) -> bool:
        """Whether records of ``partition`` up to ``last_offset`` include it."""
        return partition == self.partition and last_offset >= self.offset


def header_position(record: Any) -> int | None:
    for key, value in record.headers:
        if key == "position":
            try:
                return int(value)
            except ValueError:
                return None
    return None
