"""The global log read straight from the recorders' tables, in large pages.

``select_notifications`` builds a ``Notification`` (and on SQLite a ``UUID``)
per row; ``audit verify`` wants the raw rows and many of them. Pages are read
by position (keyset), each in its own short transaction, so a running service
is never held up and events appended meanwhile are read too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

from application.audit_event_log import EventLogPages, LogRow, RecorderPages

PAGE_SIZE = 2000
# Where a whole read starts: the lowest position either table can hold. The
# store writes from 1 on; a row below that was written past it, and must be read
# for the scan to name it (the subject's history includes it, wherever it is).
LOWEST_POSITION = -(2**63)


class SQLitePages:
    def __init__(
        self, recorder: SQLiteApplicationRecorder, page_size: int = PAGE_SIZE
    ) -> None:
        self._datastore = recorder.datastore
        self._page_size = page_size
        self._statement = (
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {recorder.events_table_name} WHERE rowid >= ? "
            "ORDER BY rowid LIMIT ?"
        )

    def pages(self, start: int = LOWEST_POSITION) -> Iterator[Sequence[LogRow]]:
        while True:
            with self._datastore.transaction(commit=False) as cursor:
                cursor.execute(self._statement, (start, self._page_size))
                page: list[LogRow] = [tuple(row) for row in cursor.fetchall()]
            if not page:
                return
            yield page
            start = page[-1][0] + 1


class PostgresPages:
    def __init__(
        self, recorder: PostgresApplicationRecorder, page_size: int = PAGE_SIZE
    ) -> None:
        self._datastore = recorder.datastore
        self._page_size = page_size
        # The id as text: cheaper to load and to hand to worker processes.
        self._statement = sql.SQL(
            "SELECT notification_id, originator_id::text, originator_version, "
            "topic, state FROM {schema}.{table} WHERE notification_id >= %s "
            "ORDER BY notification_id LIMIT %s"
        ).format(
            schema=sql.Identifier(recorder.datastore.schema),
            table=sql.Identifier(recorder.events_table_name),
        )

    def pages(self, start: int = LOWEST_POSITION) -> Iterator[Sequence[LogRow]]:
        while True:
            with (
                self._datastore.get_connection() as connection,
                connection.cursor(binary=True, row_factory=tuple_row) as cursor,
            ):
                cursor.execute(self._statement, (start, self._page_size), prepare=True)
                page: list[LogRow] = cursor.fetchall()
            if not page:
                return
            yield page
            start = page[-1][0] + 1


def event_log_pages(
    recorder: ApplicationRecorder, page_size: int = PAGE_SIZE
) -> EventLogPages:
    """The fastest reader the recorder allows."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLitePages(recorder, page_size)
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresPages(recorder, page_size)
    return RecorderPages(recorder, page_size)
