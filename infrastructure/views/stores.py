"""Where view tables live: beside the ledger's events, in the same database.

Statements are written once, with ``%(name)s`` parameters (psycopg's style);
the SQLite store rewrites them to ``:name``. Everything else is the SQL both
databases share.
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import (
    AbstractContextManager,
    ExitStack,
    contextmanager,
    suppress,
)
from typing import Any, Protocol

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg import Connection, Pipeline
from psycopg import Error as DriverError
from psycopg.pq import TransactionStatus

from infrastructure.views.bulk_inserts import (
    CopyInserts,
    MultiRowInserts,
    PositionalInserts,
)
from infrastructure.views.write_behind import (
    Params,
    RunWriter,
    WriteBehind,
    execute_run,
)

_NAMED = re.compile(r"%\((\w+)\)s")
# A live batch's INSERT run of at least this many rows goes as COPY: below
# it, the waits on the server around a COPY cost more than it saves.
LIVE_COPY_ROWS = 100
_COLUMN_NAMES = """SELECT attname AS name FROM pg_attribute
WHERE attrelid = to_regclass(%(table)s) AND attnum > 0 AND NOT attisdropped"""


class Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ...) -> object: ...

    def executemany(self, statement: Any, params: Any) -> object: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class JointWrites(Protocol):
    """A transaction whose statements the store may send together: a result
    is there to read only once ``sync`` has returned."""

    def execute(self, statement: str, params: Params) -> None: ...

    def fetch_later(self, statement: str, params: Params) -> Callable[[], list[Any]]:
        """Sends the statement; what is returned gives its rows after ``sync``."""

    def flush(self, writes: WriteBehind) -> None: ...

    def sync(self) -> None: ...


def as_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, Mapping):
        return dict(row)
    return {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row


class ViewStore(ABC):
    serial_key: str
    """Column type of an append-only table's own increasing id."""

    @abstractmethod
    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Any]:
        """A read-only transaction in which every statement sees one state."""

    @abstractmethod
    def statement(self, text: str) -> str: ...

    @abstractmethod
    def column_names(self, cursor: Any, table: str) -> set[str]:
        """The columns ``table`` has (none if there is no such table)."""

    @abstractmethod
    def flush(self, cursor: Any, writes: WriteBehind, *, loading: bool) -> None:
        """Sends a batch's writes; ``loading`` when into tables nobody reads
        yet."""

    @contextmanager
    def joint_transaction(self, *, loading: bool) -> Iterator[JointWrites]:
        """A transaction for several views' batches (``loading`` as for
        ``flush``), committed when the block ends without an error."""
        with self.transaction(commit=True) as cursor:
            yield _StatementByStatement(self, cursor, loading)

    @abstractmethod
    def recover(self) -> None:
        """After a database error: drop pooled connections that no longer work."""

    @abstractmethod
    def close(self) -> None:
        """Closes what the store opened itself (never the ledger's datastore)."""


class SQLiteViewStore(ViewStore):
    serial_key = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, datastore: SQLiteDatastore, *, owned: bool = False) -> None:
        self._datastore = datastore
        self._owned = owned
        self._positional_inserts = PositionalInserts()

    @classmethod
    def in_memory(cls) -> SQLiteViewStore:
        name = f"file:credit-views-{uuid.uuid4().hex}?mode=memory&cache=shared"
        return cls(SQLiteDatastore(name), owned=True)

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return self._datastore.transaction(commit=commit)

    def snapshot(self) -> AbstractContextManager[Any]:
        # In WAL mode a transaction reads one snapshot from its first SELECT on.
        return self._datastore.transaction(commit=False)

    def statement(self, text: str) -> str:
        return _NAMED.sub(r":\1", text)

    def column_names(self, cursor: Any, table: str) -> set[str]:
        cursor.execute("SELECT name FROM pragma_table_info(:table)", {"table": table})
        return {as_dict(row)["name"] for row in cursor.fetchall()}

    def close(self) -> None:
        if self._owned:
            self._datastore.close()

    def recover(self) -> None:
        pass  # a file: nothing to reconnect to

    def flush(self, cursor: Any, writes: WriteBehind, *, loading: bool) -> None:
        writes.flush(cursor, self._positional_inserts if loading else execute_run)


class PostgresViewStore(ViewStore):
    serial_key = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore
        self._copy_inserts = CopyInserts()
        self._live_copies = CopyInserts(min_rows=LIVE_COPY_ROWS)
        self._multi_row_inserts = MultiRowInserts()

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return self._datastore.transaction(commit=commit)

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield cursor

    def statement(self, text: str) -> str:
        return text

    def column_names(self, cursor: Any, table: str) -> set[str]:
        # Found as the unqualified name in a statement finds it (search_path).
        cursor.execute(_COLUMN_NAMES, {"table": table})
        return {as_dict(row)["name"] for row in cursor.fetchall()}

    def close(self) -> None:
        pass  # the datastore is the ledger's

    def recover(self) -> None:
        # A restarted server leaves every idle pooled connection broken; without
        # this each would fail one attempt before being replaced.
        self._datastore.pool.check()

    def flush(self, cursor: Any, writes: WriteBehind, *, loading: bool) -> None:
        """Pipelined unless loading, whose COPY cannot run in a pipeline and
        needs no round trip a row anyway."""
        if loading:
            writes.flush(cursor, self._copy_inserts)
            return
        with self._pipelined(cursor) as joint:
            joint.flush(writes)

    @contextmanager
    def joint_transaction(self, *, loading: bool) -> Iterator[JointWrites]:
        """From ``BEGIN`` to ``COMMIT`` in a pipeline, waited on at each
        ``sync``, around each large INSERT run (see ``_Pipelined``) and at the
        end only (COPY, when loading, cannot be pipelined).

        A transaction each view, as ``SqlTrackedView.batch`` opens, waits on the
        server five times: every wait gives up the interpreter's lock, which the
        API's requests then hold, in the process that feeds its own views.
        Begun and committed by statements, not by psycopg's ``transaction()``,
        which would sync a nested pipeline of its own at each end.
        """
        if loading:
            with super().joint_transaction(loading=True) as joint:
                yield joint
            return
        with self._datastore.get_connection() as conn, conn.cursor() as cursor:
            try:
                with self._pipelined(cursor) as joint:
                    joint.execute("BEGIN")
                    yield joint
                    joint.execute("COMMIT")
            except BaseException:
                if conn.info.transaction_status in _IN_TRANSACTION:
                    # A connection that cannot even roll back is the pool's to
                    # discard; the caller needs the first error, not this one.
                    with suppress(DriverError):
                        conn.rollback()
                raise

    def _pipelined(self, cursor: Any) -> _Pipelined:
        return _Pipelined(cursor, self._multi_row_inserts, self._live_copies)


_IN_TRANSACTION = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class _StatementByStatement:
    """Joint writes that run as they are sent: every result is there at once."""

    def __init__(self, store: ViewStore, cursor: Any, loading: bool) -> None:
        self._store, self._cursor, self._loading = store, cursor, loading

    def execute(self, statement: str, params: Params) -> None:
        self._cursor.execute(statement, params)

    def fetch_later(self, statement: str, params: Params) -> Callable[[], list[Any]]:
        self._cursor.execute(statement, params)
        rows: list[Any] = self._cursor.fetchall()
        return lambda: rows

    def flush(self, writes: WriteBehind) -> None:
        self._store.flush(self._cursor, writes, loading=self._loading)

    def sync(self) -> None:
        pass


class _Pipelined:
    """Joint writes queued in a pipeline; each result to read later has a
    cursor of its own (a cursor holds the results of its last statement).

    A large INSERT run leaves the pipeline (what was queued is synced) and goes
    as COPY, which no pipeline can carry; the next statement takes a pipeline
    again. Under bulk loads the views' batches are hundreds of events: COPY
    then costs both psycopg and the server about a third less a row than one
    statement of many rows, for two more waits a run."""

    def __init__(self, cursor: Any, write_run: RunWriter, copies: CopyInserts) -> None:
        self._conn: Connection[Any] = cursor.connection
        self._cursor = cursor
        self._write_run, self._copies = write_run, copies
        self._pipeline: Pipeline | None = None
        self._pipelines = ExitStack()

    def __enter__(self) -> _Pipelined:
        return self

    def __exit__(self, *exc_info: Any) -> bool | None:
        self._pipeline = None
        return self._pipelines.__exit__(*exc_info)

    def execute(self, statement: str, params: Params | None = None) -> None:
        self._pipelined().execute(statement, params)

    def fetch_later(self, statement: str, params: Params) -> Callable[[], list[Any]]:
        self._pipelined()
        cursor = self._conn.cursor()
        cursor.execute(statement, params)
        return cursor.fetchall

    def flush(self, writes: WriteBehind) -> None:
        writes.flush(self._cursor, self._write)

    def sync(self) -> None:
        if self._pipeline is not None:
            self._pipeline.sync()

    def _write(self, cursor: Any, statement: str, params: list[Params]) -> None:
        if self._copies.copies(statement, len(params)):
            self._leave_pipeline()
            self._copies(cursor, statement, params)
        else:
            self._pipelined()
            self._write_run(cursor, statement, params)

    def _pipelined(self) -> Any:
        """The cursor, its connection in a pipeline."""
        if self._pipeline is None:
            self._pipeline = self._pipelines.enter_context(self._conn.pipeline())
        return self._cursor

    def _leave_pipeline(self) -> None:
        if self._pipeline is not None:
            self._pipeline = None
            self._pipelines.close()
