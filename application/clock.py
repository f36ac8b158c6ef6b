"""Time comes in from outside, so tests can walk through years in a second."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


# A transaction's events share one instant (the ledger's batches), so the same
# instant is asked for again and again.
@lru_cache(maxsize=16)
def business_date(instant: datetime, timezone: ZoneInfo) -> date:
    """The county calendar date of an instant: deadlines count in local days."""
    return instant.astimezone(timezone).date()
