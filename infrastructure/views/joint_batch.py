"""Several views' batches written in one transaction: what a runner feeding
them from one read of the log writes for each batch of events.

Every view's writes are collected in memory first (they are write-behind).
Then one transaction locks every view's position and checks it is still where
the batch started (else ``PositionMoved``, and nothing is written), writes
every view's rows and advances every position. On PostgreSQL that is two
waits on the server, where a transaction a view waited five times each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infrastructure.views.tracked import CollectedBatch, SqlTrackedView
from infrastructure.views.tracking_sql import ADVANCE_POSITION, LOCK_POSITION


@dataclass(frozen=True)
class ViewBatch:
    view: SqlTrackedView
    after: int
    """The position the batch was collected from."""
    collected: CollectedBatch


def write_together(application_name: str, batches: Sequence[ViewBatch]) -> None:
    if not batches:
        return
    store = batches[0].view.store
    if any(b.view.store is not store for b in batches):
        raise ValueError("views written together must share one store")
    loading = any(b.view.loading for b in batches)
    with store.joint_transaction(loading=loading) as joint:
        # Taken before anything is written: a runner that got there first
        # holds these rows until it commits, and is then seen to have moved on.
        locked = [
            joint.fetch_later(
                b.view.sql(LOCK_POSITION), b.view.position_params(application_name)
            )
            for b in batches
        ]
        joint.sync()
        for batch, position in zip(batches, locked, strict=True):
            batch.view.check_position(int(position()["notification_id"]), batch.after)
        for batch in batches:
            joint.flush(batch.collected.writes)
            last = batch.collected.last
            if last is not None:
                # Cannot fail to advance: the row is locked at ``after``, and
                # only events past it are collected.
                joint.execute(
                    batch.view.sql(ADVANCE_POSITION), batch.view.advance_params(last)
                )
    for batch in batches:
        batch.view.notify_advanced()
