"""Rebuild views from position 0 into shadow tables while the live ones keep
serving, then swap them all in one transaction.

Every view is rebuilt in the same pass over the log (``FanOutRunner``): each
event is read and decoded once. The swap happens only once every shadow has
reached its live view's position (the live runners may have moved on
meanwhile: then the shadows catch up again), so no position goes backwards and
no event is lost or doubled. Until the swap commits, the live views are
untouched: a rebuild that fails or is interrupted leaves them as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from infrastructure.views.fan_out import FanOutRunner
from infrastructure.views.tracked import SqlTrackedView
from infrastructure.views.tracking_sql import FORGET_POSITION

SHADOW_PREFIX = "rebuild_"
MAX_SWAP_ATTEMPTS = 50
DEFAULT_BATCH_SIZE = 10_000
Progress = Callable[[int], object]
ProjectionFactory = Callable[[Any], Projection[Any]]


@dataclass(frozen=True)
class RebuildTarget:
    live: SqlTrackedView
    projection: ProjectionFactory


class Split(Protocol):
    """Fills the shadows (projections by live view name) up to about the head,
    sharing the work out; the rebuild then catches them all up itself."""

    def fill(
        self,
        ledger: CreditLedger,
        projections: Mapping[str, Projection[Any]],
        progress: Progress | None,
        batch_size: int,
    ) -> None: ...


def shadow_of(live: SqlTrackedView) -> SqlTrackedView:
    shadow = type(live)(
        live.store,
        live.upstream,
        prefix=SHADOW_PREFIX,
        view_name=f"{live.view_name}.rebuild",
    )
    shadow.loading = True
    return shadow


def rebuild(
    ledger: CreditLedger,
    live: SqlTrackedView,
    projection: ProjectionFactory,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Rebuilds ``live``; the position the rebuilt view took over at."""
    target = RebuildTarget(live, projection)
    return rebuild_all(ledger, [target], progress, batch_size)


def rebuild_all(
    ledger: CreditLedger,
    targets: Sequence[RebuildTarget],
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    split: Split | None = None,
) -> int:
    """Rebuilds every target's view in one pass over the log (or, with
    ``split``, one pass per share of the views) and swaps them in together;
    the position they took over at."""
    pairs = [(t.live, shadow_of(t.live)) for t in targets]
    for _, shadow in pairs:
        shadow.drop_tables()
        # Secondary indexes come after the swap: loading is faster without them.
        shadow.create_table(with_indexes=False)
    projections = {
        live.view_name: t.projection(shadow)
        for t, (live, shadow) in zip(targets, pairs, strict=True)
    }
    if split is not None:
        split.fill(ledger, projections, progress, batch_size)
    runner = FanOutRunner(ledger, list(projections.values()), batch_size=batch_size)
    for _ in range(MAX_SWAP_ATTEMPTS):
        runner.catch_up(progress)
        position = swap_all(pairs)
        if position is not None:
            return position
    names = ", ".join(live.view_name for live, _ in pairs)
    msg = f"{names}: the live views kept moving ahead of the rebuild"
    raise RuntimeError(msg)


def swap(live: SqlTrackedView, shadow: SqlTrackedView) -> int | None:
    """Puts the shadow's tables in place of the live ones, or None if it is
    behind the live view."""
    return swap_all([(live, shadow)])


def swap_all(pairs: list[tuple[SqlTrackedView, SqlTrackedView]]) -> int | None:
    """Puts every shadow's tables in place of its live view's in one
    transaction; None (and nothing swapped) if any shadow is behind."""
    store = pairs[0][0].store
    if any(live.store is not store for live, _ in pairs):
        raise ValueError("views swapped together must share one store")
    taken = []
    with store.transaction(commit=True) as c:
        for live, shadow in pairs:
            live_at = live.source.lock(live, c)
            shadow_at = shadow.read_position(c, live.upstream)
            if shadow_at < live_at:
                return None
            taken.append(shadow_at)
        for (live, shadow), position in zip(pairs, taken, strict=True):
            for logical, table in live.table_names.items():
                c.execute(f"DROP TABLE IF EXISTS {table}")
                c.execute(
                    f"ALTER TABLE {shadow.table_names[logical]} RENAME TO {table}"
                )
            live.create_indexes(c)
            live.source.take(live, c, position)
            c.execute(live.sql(FORGET_POSITION), {"view": shadow.view_name})
    for live, _ in pairs:
        live.notify_advanced()
    return min(taken)
