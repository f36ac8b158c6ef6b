"""Rebuild a view from position 0 into shadow tables while the live ones keep
serving, then swap them in one transaction.

The swap happens only once the shadow has reached the live view's position
(the live runner may have moved on meanwhile: then the shadow catches up
again), so the position never goes backwards and no event is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from infrastructure.views.runner import ProjectionRunner
from infrastructure.views.tracked import SqlTrackedView
from infrastructure.views.tracking_sql import FORGET_POSITION

SHADOW_PREFIX = "rebuild_"
MAX_SWAP_ATTEMPTS = 50
Progress = Callable[[int], object]


def shadow_of(live: SqlTrackedView) -> SqlTrackedView:
    return type(live)(
        live.store,
        live.upstream,
        prefix=SHADOW_PREFIX,
        view_name=f"{live.view_name}.rebuild",
    )


def rebuild(
    ledger: CreditLedger,
    live: SqlTrackedView,
    projection: Callable[[Any], Projection[Any]],
    progress: Progress | None = None,
    batch_size: int = 2000,
) -> int:
    """Rebuilds ``live``; the position the rebuilt view took over at."""
    shadow = shadow_of(live)
    shadow.drop_tables()
    # Secondary indexes come after the swap: loading is faster without them.
    shadow.create_table(with_indexes=False)
    runner = ProjectionRunner(ledger, projection(shadow), batch_size=batch_size)
    for _ in range(MAX_SWAP_ATTEMPTS):
        while processed := runner.process_batch():
            if progress is not None:
                progress(processed)
        position = swap(live, shadow)
        if position is not None:
            return position
    msg = f"{live.view_name}: the live view kept moving ahead of the rebuild"
    raise RuntimeError(msg)


def swap(live: SqlTrackedView, shadow: SqlTrackedView) -> int | None:
    """Puts the shadow's tables in place of the live ones, or None if it is
    behind the live view."""
    app = live.upstream
    with live.store.transaction(commit=True) as c:
        live_at = live.source.lock(live, c)
        shadow_at = shadow.read_position(c, app)
        if shadow_at < live_at:
            return None
        for logical, table in live.table_names.items():
            c.execute(f"DROP TABLE IF EXISTS {table}")
            c.execute(f"ALTER TABLE {shadow.table_names[logical]} RENAME TO {table}")
        live.create_indexes(c)
        live.source.take(live, c, shadow_at)
        c.execute(live.sql(FORGET_POSITION), {"view": shadow.view_name})
    live.notify_advanced()
    return shadow_at
