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

from infrastructure.views.stores import ViewStore
from infrastructure.views.tracked import CollectedBatch, SqlTrackedView
from infrastructure.views.tracking_sql import ADVANCE_POSITIONS, LOCK_POSITIONS
from infrastructure.views.write_behind import Params


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
    loading = {b.view.loading for b in batches}
    if len(loading) > 1:
        raise ValueError("views written together are all loading, or none is")
    with store.joint_transaction(loading=loading.pop()) as joint:
        # Taken before anything is written: a runner that got there first
        # holds these rows until it commits, and is then seen to have moved on.
        # A view without a row yet starts at 0, as ``SqlTrackedView.batch``'s.
        locked = joint.fetch_later(
            *_rows_of(
                store, LOCK_POSITIONS, application_name, [(b.view, 0) for b in batches]
            )
        )
        joint.sync()
        now = {row["view_name"]: int(row["notification_id"]) for row in locked()}
        for batch in batches:
            batch.view.check_position(now[batch.view.view_name], batch.after)
        for batch in batches:
            joint.flush(batch.collected.writes)
        # Cannot fail to advance: the rows are locked at ``after``, and only
        # events past it are collected.
        advanced = [
            (b.view, last.notification_id)
            for b in batches
            if (last := b.collected.last) is not None
        ]
        if advanced:
            joint.execute(
                *_rows_of(store, ADVANCE_POSITIONS, application_name, advanced)
            )
    for batch in batches:
        batch.view.notify_advanced()


def _rows_of(
    store: ViewStore,
    template: str,
    application_name: str,
    positions: Sequence[tuple[SqlTrackedView, int]],
) -> tuple[str, Params]:
    """``template``'s statement and parameters, a row for each view and position."""
    rows = ", ".join(
        f"(%(view{n})s, %(app)s, %(id{n})s)" for n in range(len(positions))
    )
    params: Params = {"app": application_name}
    for n, (view, position) in enumerate(positions):
        params[f"view{n}"] = view.view_name
        params[f"id{n}"] = position
    return store.statement(template.format(rows=rows)), params
