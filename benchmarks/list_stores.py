"""The list benchmark's databases: the service's own view tables, bulk-loaded.

Tables are made by the views' own ``create_table`` without secondary indexes
(as a rebuild makes its shadow), loaded with COPY (PostgreSQL) or one
``executemany`` per chunk (SQLite) from a thread per database, so the
databases take rows while the next ones are made. The name search's rows are
then derived from the subjects in the database, in key order (what
``name_grams`` gives for these names, which have no cased characters: checked
on the sampled subjects), and the views' own ``create_indexes`` runs, as a
rebuild does after its swap. PostgreSQL then gets ``VACUUM ANALYZE``, which
autovacuum does to a table after a bulk load, and a ``CHECKPOINT``; SQLite is
not analysed, because the service never does that.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg
from list_seeding import TABLES, Row, Samples, Seeder

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.name_grams import name_grams
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.repair_views import SqlRepairHistory
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from tests.factories import FixedClock

# Every pair of adjacent characters of each legal person's name, in key order
# (appending to the key's B-tree is far cheaper than inserting at random).
PAIRS = {
    "postgres": (
        "SET LOCAL work_mem = '1GB'",  # one sort in memory
        """INSERT INTO {subject_grams} (gram, name, subject_code)
SELECT DISTINCT substr(s.name, i, 2), s.name, s.subject_code
FROM {subjects} s CROSS JOIN LATERAL generate_series(1, char_length(s.name) - 1) i
WHERE s.kind = 'legal_person' ORDER BY 1, 2, 3""",
    ),
    "sqlite": (
        "CREATE TEMP TABLE IF NOT EXISTS offsets (n INTEGER PRIMARY KEY)",
        """WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i
WHERE n < 200) INSERT OR IGNORE INTO offsets SELECT n FROM i""",
        """INSERT INTO {subject_grams} (gram, name, subject_code)
SELECT DISTINCT substr(s.name, i.n, 2), s.name, s.subject_code
FROM {subjects} s JOIN offsets i ON i.n < length(s.name)
WHERE s.kind = 'legal_person' ORDER BY 1, 2, 3""",
    ),
}
COUNT_PAIRS = "SELECT count(*) AS n FROM {subject_grams}"
HAS_PAIR = """SELECT 1 FROM {subject_grams}
WHERE gram = %(gram)s AND name = %(name)s AND subject_code = %(code)s"""
Chunk = tuple[str, Sequence[Row]]


@dataclass
class Dataset:
    store: str
    subjects: int
    services: Services
    samples: Samples = field(default_factory=Samples)

    @property
    def public(self) -> SqlPublicViews:
        return self.services.read_models.public

    @property
    def repairs(self) -> SqlRepairHistory:
        return self.services.read_models.repairs

    @property
    def views(self) -> tuple[SqlTrackedView, ...]:
        return (self.public, self.repairs)

    def table(self, logical: str) -> tuple[SqlTrackedView, str]:
        for view in self.views:
            if logical in view.table_names:
                return view, view.table_names[logical]
        raise KeyError(logical)

    def close(self) -> None:
        self.services.close()


def open_dataset(store: str, database_url: str, subjects: int) -> Dataset:
    services = build_services(Settings(database_url=database_url), FixedClock())
    dataset = Dataset(store, subjects, services)
    for view in dataset.views:
        view.drop_tables()
        view.create_table(with_indexes=False)
    return dataset


def append(dataset: Dataset, logical: str, rows: Sequence[Row]) -> None:
    view, table = dataset.table(logical)
    columns = ", ".join(TABLES[logical])
    with view.store.transaction(commit=True) as cursor:
        if dataset.store == "postgres":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(TABLES[logical]))
            statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            cursor.executemany(statement, rows)


class Writer(threading.Thread):
    """Appends the chunks it is given to one dataset, in order."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(name=f"seed-{dataset.store}-{dataset.subjects}")
        self.dataset = dataset
        self.chunks: queue.Queue[Chunk | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    append(self.dataset, *chunk)
                except BaseException as error:
                    self.error = error

    def finish(self) -> None:
        self.chunks.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def seed(datasets: Sequence[Dataset], subjects: int) -> None:
    """The same rows into every dataset, indexed as after a rebuild."""
    started = time.perf_counter()
    writers = [Writer(dataset) for dataset in datasets]
    for writer in writers:
        writer.start()

    def sink(logical: str, rows: Sequence[Row]) -> None:
        for writer in writers:
            writer.chunks.put((logical, rows))

    try:
        samples = Seeder(subjects, sink).run()
    finally:
        for writer in writers:
            writer.finish()
    print(f"{subjects:,} subjects: rows made and loaded in {lap(started):.0f} s")
    # Each database finishes in its own thread: their servers work side by side.
    finishers = [
        threading.Thread(target=finish, args=(dataset, samples)) for dataset in datasets
    ]
    for finisher in finishers:
        finisher.start()
    for finisher in finishers:
        finisher.join()
    for dataset in datasets:
        if dataset.samples is not samples:
            raise RuntimeError(f"{dataset.store}: seeding failed (see above)")


def finish(dataset: Dataset, samples: Samples) -> None:
    """The name search's rows, the secondary indexes and the statistics."""
    started = time.perf_counter()
    add_name_pairs(dataset, samples)
    pairs = lap(started)
    for view in dataset.views:
        with view.store.transaction(commit=True) as cursor:
            if dataset.store == "postgres":
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            view.create_indexes(cursor)
    indexes = lap(started) - pairs
    if dataset.store == "postgres":
        analyse(dataset)
    dataset.samples = samples
    print(
        f"{dataset.store} {dataset.subjects:,} subjects: name pairs {pairs:.0f} s, "
        f"indexes {indexes:.0f} s, analyse {lap(started) - pairs - indexes:.0f} s",
        flush=True,
    )


def lap(started: float) -> float:
    return time.perf_counter() - started


def add_name_pairs(dataset: Dataset, samples: Samples) -> None:
    """The rows, checked: as many as ``name_grams`` gives, and the sampled
    subjects' ones."""
    view = dataset.public
    with view.store.transaction(commit=True) as cursor:
        for statement in PAIRS[dataset.store]:
            cursor.execute(view.sql(statement))
        cursor.execute(view.sql(COUNT_PAIRS))
        assert as_dict(cursor.fetchone())["n"] == samples.name_pairs
        for subject in samples.legal_persons[:100]:
            for gram in name_grams(subject.name):
                key = {"gram": gram, "name": subject.name, "code": subject.code}
                cursor.execute(view.sql(HAS_PAIR), key)
                assert cursor.fetchone() is not None, (subject, gram)


def analyse(dataset: Dataset) -> None:
    url = dataset.services.settings.postgres_conninfo
    tables = [t for view in dataset.views for t in view.table_names.values()]
    with psycopg.connect(url, autocommit=True) as connection:
        for table in tables:
            connection.execute(f"VACUUM ANALYZE {table}")
        # The load's pages are written now, not by a checkpoint that falls in
        # the middle of the timings (a stall of the whole server, which one
        # query shape's p95 then shows and the other shapes' do not).
        connection.execute("CHECKPOINT")
