"""SQL views whose rows and tracked position commit in one transaction.

The position lives in ``view_tracking`` (one row per view), not in the
eventsourcing ``tracking`` table: several views, and a rebuild's shadow copy,
follow the same ledger, each at its own position.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Tracking

from infrastructure.views.sources import FROM_STORE, PositionSource
from infrastructure.views.stores import ViewStore, as_dict
from infrastructure.views.tracking_sql import (
    ADVANCE_POSITION,
    CREATE_TRACKING,
    FORGET_POSITION,
    LOCK_POSITION,
    SELECT_POSITION,
    SET_POSITION,
)
from infrastructure.views.waiting import NotifiedWaiting
from infrastructure.views.write_behind import WriteBehind
from projections.errors import PositionMoved
from projections.tracked_view import TrackedView


@dataclass
class CollectedBatch:
    """A batch's writes, and the position of the last event they come from."""

    writes: WriteBehind = field(default_factory=WriteBehind)
    last: Tracking | None = None


class _BatchedWrite:
    """One event's writes inside a batch (a class, not a generator: a rebuild
    enters one per event and view)."""

    def __init__(self, state: CollectedBatch, tracking: Tracking) -> None:
        self._state, self._tracking = state, tracking

    def __enter__(self) -> WriteBehind:
        last = self._state.last
        position = self._tracking.notification_id
        if last is not None and position <= last.notification_id:
            msg = f"position {position} was already processed"
            raise IntegrityError(msg)
        return self._state.writes

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._state.last = self._tracking


class SqlTrackedView(NotifiedWaiting, TrackedView):
    tables: ClassVar[Sequence[str]] = ()
    create_statements: ClassVar[Sequence[str]] = ()
    index_statements: ClassVar[Sequence[str]] = ()

    def __init__(
        self,
        store: ViewStore,
        upstream: str,
        prefix: str = "view_",
        view_name: str | None = None,
    ) -> None:
        self.store = store
        self.upstream = upstream
        self.prefix = prefix
        self.view_name = view_name or type(self).view_name
        self.table_names = {t: f"{prefix}{t}" for t in self.tables}
        # What moves the view: the store's log, unless fed through Kafka.
        self.source: PositionSource = FROM_STORE
        # Set while a rebuild fills the view's tables before anyone reads them.
        self.loading = False
        self._statements: dict[str, str] = {}
        self._local = threading.local()
        NotifiedWaiting.__init__(self)

    def sql(self, template: str) -> str:
        statement = self._statements.get(template)
        if statement is None:
            statement = self.store.statement(template.format(**self.table_names))
            self._statements[template] = statement
        return statement

    def create_table(self, *, with_indexes: bool = True) -> None:
        with self.store.transaction(commit=True) as c:
            for template in (CREATE_TRACKING, *self.create_statements):
                c.execute(self.sql(template))
            if with_indexes:
                self.create_indexes(c)

    def create_indexes(self, cursor: Any) -> None:
        for template in self.index_statements:
            cursor.execute(self.sql(template))

    def drop_tables(self) -> None:
        with self.store.transaction(commit=True) as c:
            for table in self.table_names.values():
                c.execute(f"DROP TABLE IF EXISTS {table}")
            c.execute(self.sql(CREATE_TRACKING))
            c.execute(self.sql(FORGET_POSITION), {"view": self.view_name})

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order: to compare two views."""
        tables: dict[str, list[tuple[Any, ...]]] = {}
        with self.store.snapshot() as c:
            for logical, table in self.table_names.items():
                c.execute(f"SELECT * FROM {table}")
                rows = [tuple(as_dict(r).values()) for r in c.fetchall()]
                tables[logical] = sorted(rows, key=repr)
        return tables

    # Tracking ----------------------------------------------------------------

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.writing(tracking):
            pass

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.store.transaction(commit=False) as c:
            if application_name == self.upstream:
                return self.source.reflected(self, c) or None
            return self.read_position(c, application_name) or None

    def read_position(self, cursor: Any, application_name: str) -> int:
        params = {"view": self.view_name, "app": application_name}
        cursor.execute(self.sql(SELECT_POSITION), params)
        row = cursor.fetchone()
        return 0 if row is None else int(row["notification_id"])

    @contextmanager
    def reading(self) -> Iterator[tuple[Any, int]]:
        """A snapshot to read from, and the position it reflects."""
        with self.store.snapshot() as c:
            yield c, self.source.reflected(self, c)

    def lock_position(self, cursor: Any, application_name: str) -> int:
        params = {"view": self.view_name, "app": application_name}
        cursor.execute(self.sql(LOCK_POSITION), params)
        return int(cursor.fetchone()["notification_id"])

    @contextmanager
    def batch(
        self, application_name: str, after: int, source_mark: Tracking | None = None
    ) -> Iterator[None]:
        """``source_mark`` is set as given in the same transaction (e.g. the
        Kafka offset to resume from)."""
        if getattr(self._local, "batch", None) is not None:
            raise RuntimeError("batches do not nest")
        with self.store.transaction(commit=True) as c:
            self.check_position(self.lock_position(c, application_name), after)
            with self.collecting() as state:
                yield
            self.store.flush(c, state.writes, loading=self.loading)
            if state.last is not None:
                self._advance(c, state.last)
            if source_mark is not None:
                self._set(c, source_mark)
        self.notify_advanced()

    @contextmanager
    def collecting(self) -> Iterator[CollectedBatch]:
        """A batch's writes, held in memory to be written later (for several
        views together: ``joint_batch.write_together``)."""
        if getattr(self._local, "batch", None) is not None:
            raise RuntimeError("batches do not nest")
        state = self._local.batch = CollectedBatch()
        try:
            yield state
        finally:
            self._local.batch = None

    def check_position(self, now: int, after: int) -> None:
        if now != after:
            msg = f"{self.view_name} is at {now}, not {after}"
            raise PositionMoved(msg)

    def writing(self, tracking: Tracking) -> AbstractContextManager[Any]:
        """The cursor for one event's writes, recorded with its position."""
        state: CollectedBatch | None = getattr(self._local, "batch", None)
        if state is not None:
            return _BatchedWrite(state, tracking)
        return self._writing_alone(tracking)

    @contextmanager
    def _writing_alone(self, tracking: Tracking) -> Iterator[Any]:
        with self.store.transaction(commit=True) as c:
            yield c
            self._advance(c, tracking)
        self.notify_advanced()

    def _set(self, cursor: Any, tracking: Tracking) -> None:
        cursor.execute(self.sql(SET_POSITION), self._position_params(tracking))

    def _position_params(self, tracking: Tracking) -> dict[str, Any]:
        return {
            "view": self.view_name,
            "app": tracking.application_name,
            "id": tracking.notification_id,
        }

    def _advance(self, cursor: Any, tracking: Tracking) -> None:
        cursor.execute(self.sql(ADVANCE_POSITION), self._position_params(tracking))
        if cursor.fetchone() is None:
            msg = f"{self.view_name} already processed {tracking.notification_id}"
            raise IntegrityError(msg)
