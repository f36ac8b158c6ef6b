"""A view whose rows and tracked position are written in one transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager

from eventsourcing.persistence import TrackingRecorder


class TrackedView(TrackingRecorder, ABC):
    """A materialised view of the ledger.

    Each write method takes the ``Tracking`` of the event it comes from and
    records it with the rows. Inside :meth:`batch` all writes of many events share
    one transaction, so a crash keeps all or none of them.
    """

    view_name: str

    @abstractmethod
    def batch(self, application_name: str, after: int) -> AbstractContextManager[None]:
        """One transaction for the events that follow position ``after``.

        Raises ``PositionMoved`` if the view is not at ``after`` when the
        transaction starts.
        """

    def position(self, application_name: str) -> int:
        """The last position processed (0 before the first event)."""
        return self.max_tracking_id(application_name) or 0
