"""What feeds a view, and so which position it reflects.

A view fed from the store's notification log tracks one position and reflects
exactly it. A view fed through a partitioned topic tracks one position per
partition (see ``infrastructure/kafka/view_positions.py``) and reflects the
position up to which it is known to hold every event.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infrastructure.views.tracking_sql import TAKE_POSITION

if TYPE_CHECKING:
    from infrastructure.views.tracked import SqlTrackedView


@dataclass(frozen=True)
class PartitionProgress:
    topic: str
    partition: int
    position: int
    """The last position applied from the partition."""
    reach: int
    """Every event of the partition up to here is applied."""


@dataclass(frozen=True)
class SourceProgress:
    name: str
    position: int
    partitions: tuple[PartitionProgress, ...] = ()
    topic: str | None = None
    relay_position: int | None = None


class PositionSource(ABC):
    name: str

    @abstractmethod
    def progress(self, view: SqlTrackedView, cursor: Any) -> SourceProgress: ...

    def reflected(self, view: SqlTrackedView, cursor: Any) -> int:
        """Every event up to this position is in the view."""
        return self.progress(view, cursor).position

    @abstractmethod
    def lock(self, view: SqlTrackedView, cursor: Any) -> int:
        """Locks the rows that advance the view; the furthest position they hold."""

    @abstractmethod
    def take(self, view: SqlTrackedView, cursor: Any, position: int) -> None:
        """A rebuild has put in place every event up to ``position``."""


class FromStore(PositionSource):
    name = "store"

    def progress(self, view: SqlTrackedView, cursor: Any) -> SourceProgress:
        return SourceProgress(self.name, self.reflected(view, cursor))

    def reflected(self, view: SqlTrackedView, cursor: Any) -> int:
        return view.read_position(cursor, view.upstream)

    def lock(self, view: SqlTrackedView, cursor: Any) -> int:
        return view.lock_position(cursor, view.upstream)

    def take(self, view: SqlTrackedView, cursor: Any, position: int) -> None:
        params = {"view": view.view_name, "app": view.upstream, "id": position}
        cursor.execute(view.sql(TAKE_POSITION), params)


FROM_STORE = FromStore()
