"""Time comes in from outside, so tests can walk through years in a second."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def business_date(instant: datetime, timezone: ZoneInfo) -> date:
    """The county calendar date of an instant: deadlines count in local days."""
    return instant.astimezone(timezone).date()
