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
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
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

    def pipelined(self, cursor: Any) -> AbstractContextManager[object]:
        return nullcontext()

    def run_writer(self, *, loading: bool) -> RunWriter:
        """How a run of one statement is sent; ``loading`` when into tables
        nobody reads yet."""
        return execute_run

    def flush(self, cursor: Any, writes: WriteBehind, *, loading: bool) -> None:
        """Sends a batch's writes (``loading`` as for ``run_writer``): pipelined
        unless loading, whose bulk ways (COPY) cannot run in a pipeline and need
        no round trip a row anyway."""
        with nullcontext() if loading else self.pipelined(cursor):
            writes.flush(cursor, self.run_writer(loading=loading))

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

    def run_writer(self, *, loading: bool) -> RunWriter:
        return self._positional_inserts if loading else execute_run


class PostgresViewStore(ViewStore):
    serial_key = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore
        self._copy_inserts = CopyInserts()
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

    def pipelined(self, cursor: Any) -> AbstractContextManager[object]:
        # Writes need no answers until the end: send them without round trips.
        pipeline: AbstractContextManager[object] = cursor.connection.pipeline()
        return pipeline

    def run_writer(self, *, loading: bool) -> RunWriter:
        return self._copy_inserts if loading else self._multi_row_inserts

    @contextmanager
    def joint_transaction(self, *, loading: bool) -> Iterator[JointWrites]:
        """From ``BEGIN`` to ``COMMIT`` in one pipeline, waited on at each
        ``sync`` and at the end only (COPY, when loading, cannot be pipelined).

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
                with conn.pipeline() as pipeline:
                    cursor.execute("BEGIN")
                    write_run = self.run_writer(loading=False)
                    yield _Pipelined(conn, cursor, pipeline, write_run)
                    cursor.execute("COMMIT")
            except BaseException:
                if conn.info.transaction_status in _IN_TRANSACTION:
                    # A connection that cannot even roll back is the pool's to
                    # discard; the caller needs the first error, not this one.
                    with suppress(DriverError):
                        conn.rollback()
                raise


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
    cursor of its own (a cursor holds the results of its last statement)."""

    def __init__(
        self,
        conn: Connection[Any],
        cursor: Any,
        pipeline: Pipeline,
        write_run: RunWriter,
    ) -> None:
        self._conn, self._cursor, self._pipeline = conn, cursor, pipeline
        self._write_run = write_run

    def execute(self, statement: str, params: Params) -> None:
        self._cursor.execute(statement, params)

    def fetch_later(self, statement: str, params: Params) -> Callable[[], list[Any]]:
        cursor = self._conn.cursor()
        cursor.execute(statement, params)
        return cursor.fetchall

    def flush(self, writes: WriteBehind) -> None:
        # Already in the pipeline: each statement rides it without a sync.
        writes.flush(self._cursor, self._write_run)

    def sync(self) -> None:
        self._pipeline.sync()
