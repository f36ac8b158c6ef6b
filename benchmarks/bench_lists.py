"""Public list queries at 1M subjects against the same queries at 10k.

Run: python benchmarks/bench_lists.py [--queries 200] [--sizes 10000,1000000]
     [--stores postgres[,sqlite]]

PostgreSQL, the production store, by default (about 4 minutes on 2 cores);
``--stores postgres,sqlite`` adds the embedded store (about 3 more).

Issue 8 target: each list query's p95 at 1M subjects is at most twice its p95
at 10k subjects, measured in the same run (the 10k figure is the baseline).

What is measured: the read calls the API routes make, with the queries the
routes build from their parameters (limit 50, or 20 for the search):
- the serious-dishonesty list, the red list, the 双公示 licences and penalties
  and the commitment publicity column: first page; a deep page (the cursor of a
  random row); a department's first and deep pages; ``since`` with a deep page;
  one subject's rows;
- the repair history: first and deep page, pending, overdue, a department's
  deep page, one subject's, one repair by id;
- the subject search: full code; full name; a brand name (2 characters);
  brand and trade; a common trade word; one character of a brand.
Each call opens its own snapshot and reads the position it reflects, as a
request does; HTTP and JSON are left out, because their cost does not grow
with the tables and would only dilute the ratio. ``?format=csv`` exports every
row by design and is not a paged query.

Seeding: the rows are written straight into the views' own tables
(list_seeding.py, list_stores.py), not projected from events: projecting the
~4M events of 1M subjects takes hours at the measured recording and rebuild
rates, and the list queries read only the tables, not how the rows got there.
The tables and indexes are the production ones (the views' own create and
index statements, in the order a rebuild runs them).

Timing: both sizes are loaded side by side (two databases of one temporary
PostgreSQL server started as the test suite starts it; two SQLite files); after
a warm-up each variant's queries go to one size and the other in turn, so noise
from whatever else runs on the machine hits both alike (on a shared machine a
p95 still includes being descheduled: the p50s are printed beside it). Cursors
and filters are drawn so that a full page (50 rows) follows them wherever the
10k data has one: a page of 8 rows against one of 50 would measure the page,
not the table. Rows per page are printed for both sizes; where the 10k data
cannot fill a page (a small department's repairs, the few overdue repairs of a
small county, the subjects sharing a brand) the ratio also counts the longer
page, and its result line says so.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import median, percentile, report
from list_seeding import LIST_KEYS, TODAY, SampleSubject
from list_stores import Dataset, open_dataset, seed

from infrastructure.views.codec import to_sql
from infrastructure.views.stores import as_dict
from projections.paging import DEFAULT_LIMIT, Page, PageKey, PageQuery
from projections.repair_view import RepairQuery
from tests.services import PostgresServer

TARGET = 2.0
WARM_UP = 10
SEARCH_LIMIT = 20
Query = Callable[[], Page[Any]]
# A variant makes one query (with fresh random parameters) against a dataset.
Make = Callable[[Dataset, random.Random], Query]
Key = tuple[date, int]
OLDEST = """SELECT {on} AS on_, position FROM {{{table}}} WHERE 1 = 1{where}
ORDER BY {on}, position LIMIT 1 OFFSET {offset}"""


@dataclass(frozen=True)
class Variant:
    endpoint: str
    name: str
    make: Make


@dataclass(frozen=True)
class Timings:
    seconds: list[float]
    rows: list[int]


LISTS = {
    "serious-dishonesty": "serious_list",
    "red": "red_list",
    "licences": "licences",
    "penalties": "penalties",
    "commitments": "commitments",
}


class FullPages:
    """Picks cursors and filters that leave a full page after them wherever
    the dataset has one: a page of 8 rows against a page of 50 would measure
    the page, not the table it comes from."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._oldest: dict[tuple[str, str | None, date | None], Key | None] = {}

    def key(
        self,
        r: random.Random,
        table: str,
        department: str | None = None,
        since: date | None = None,
    ) -> PageKey:
        """A sampled row of the filtered list, with a full page after it if any
        row has one."""
        rows = [
            s
            for s in self.dataset.samples.rows[table]
            if department in (None, s.department) and (since is None or s.on >= since)
        ]
        oldest = self.oldest(table, department, since)
        full = [s for s in rows if oldest is not None and (s.on, s.position) > oldest]
        row = r.choice(full or rows or self.dataset.samples.rows[table])
        return PageKey(row.on, row.position)

    def department(self, r: random.Random, table: str) -> str:
        """A department, as often as its rows are, with a full page if any."""
        rows = self.dataset.samples.rows[table]
        full = [s for s in rows if self.oldest(table, s.department) is not None]
        return r.choice(full or rows).department

    def oldest(
        self, table: str, department: str | None = None, since: date | None = None
    ) -> Key | None:
        """The key of the oldest row a page could start after and still be
        full (None: the filtered list is shorter than a page)."""
        wanted = (table, department, since)
        if wanted not in self._oldest:
            on, department_column = LIST_KEYS[table]
            where = ""
            if department is not None:
                where += f" AND {department_column} = %(department)s"
            if since is not None:
                where += f" AND {on} >= %(since)s"
            view, _ = self.dataset.table(table)
            statement = OLDEST.format(
                on=on, table=table, where=where, offset=DEFAULT_LIMIT - 1
            )
            params = {"department": department, "since": to_sql(since)}
            with view.store.snapshot() as cursor:
                cursor.execute(view.sql(statement), params)
                found = cursor.fetchone()
            row = None if found is None else as_dict(found)
            self._oldest[wanted] = (
                None
                if row is None
                else (date.fromisoformat(row["on_"]), int(row["position"]))
            )
        return self._oldest[wanted]


def list_variants(endpoint: str, table: str) -> list[Variant]:
    def read(dataset: Dataset, query: PageQuery) -> Query:
        method = getattr(dataset.public, table)
        return lambda: method(query)

    def deep(d: Dataset, r: random.Random) -> Query:
        return read(d, PageQuery(after=full_pages(d).key(r, table)))

    def department(d: Dataset, r: random.Random) -> Query:
        return read(d, PageQuery(department=full_pages(d).department(r, table)))

    def department_deep(d: Dataset, r: random.Random) -> Query:
        pages = full_pages(d)
        chosen = pages.department(r, table)
        after = pages.key(r, table, department=chosen)
        return read(d, PageQuery(department=chosen, after=after))

    def since_deep(d: Dataset, r: random.Random) -> Query:
        since = TODAY - timedelta(days=r.randrange(60, 1000))
        after = full_pages(d).key(r, table, since=since)
        return read(d, PageQuery(since=since, after=after))

    def subject(d: Dataset, r: random.Random) -> Query:
        code = r.choice(d.samples.rows[table]).subject_code
        return read(d, PageQuery(subject_code=code))

    makes: dict[str, Make] = {
        "first page": lambda d, r: read(d, PageQuery()),
        "deep page": deep,
        "department": department,
        "department, deep": department_deep,
        "since, deep": since_deep,
        "subject": subject,
    }
    return [Variant(endpoint, name, make) for name, make in makes.items()]


def repair_variants() -> list[Variant]:
    def read(dataset: Dataset, query: RepairQuery) -> Query:
        return lambda: dataset.repairs.repairs(query, TODAY)

    def deep(d: Dataset, r: random.Random) -> Query:
        return read(d, RepairQuery(after=full_pages(d).key(r, "repairs")))

    def department_deep(d: Dataset, r: random.Random) -> Query:
        pages = full_pages(d)
        chosen = pages.department(r, "repairs")
        after = pages.key(r, "repairs", department=chosen)
        return read(d, RepairQuery(department=chosen, after=after))

    def subject(d: Dataset, r: random.Random) -> Query:
        code = r.choice(d.samples.rows["repairs"]).subject_code
        return read(d, RepairQuery(subject_code=code))

    def by_id(d: Dataset, r: random.Random) -> Query:
        repair_id, code = r.choice(d.samples.repair_ids)
        subject = code if r.random() < 0.5 else None
        return lambda: d.repairs.repairs_with_id(repair_id, subject, TODAY)

    makes: dict[str, Make] = {
        "first page": lambda d, r: read(d, RepairQuery()),
        "deep page": deep,
        "pending": lambda d, r: read(d, RepairQuery(status="pending")),
        "overdue": lambda d, r: read(d, RepairQuery(overdue=True)),
        "department, deep": department_deep,
        "subject": subject,
        "by id": by_id,
    }
    return [Variant("repairs", name, make) for name, make in makes.items()]


def search_variants() -> list[Variant]:
    def search(text: Callable[[SampleSubject], str]) -> Make:
        def make(dataset: Dataset, r: random.Random) -> Query:
            part = text(r.choice(dataset.samples.legal_persons))
            return lambda: dataset.public.search_subjects(part, SEARCH_LIMIT)

        return make

    makes: dict[str, Make] = {
        "full code": search(lambda s: s.code),
        "full name": search(lambda s: s.name),
        "brand": search(lambda s: s.brand),
        "brand and trade": search(lambda s: s.brand + s.trade),
        "trade word": search(lambda s: s.trade[:2]),
        "one character": search(lambda s: s.brand[0]),
    }
    return [Variant("subject search", name, make) for name, make in makes.items()]


VARIANTS = [
    *(v for endpoint, table in LISTS.items() for v in list_variants(endpoint, table)),
    *repair_variants(),
    *search_variants(),
]
_FULL_PAGES: dict[int, FullPages] = {}


def full_pages(dataset: Dataset) -> FullPages:
    return _FULL_PAGES.setdefault(id(dataset), FullPages(dataset))


def time_variant(
    variant: Variant, small: Dataset, large: Dataset, queries: int
) -> tuple[Timings, Timings]:
    """Each dataset's times and rows per query, one query on each in turn."""
    runs: list[list[Query]] = []
    for dataset in (small, large):
        r = random.Random(f"{variant.endpoint}/{variant.name}")
        runs.append([variant.make(dataset, r) for _ in range(queries + WARM_UP)])
    for run in runs:
        for query in run[:WARM_UP]:
            query()
    timings = (Timings([], []), Timings([], []))
    for n in range(WARM_UP, WARM_UP + queries):
        for run, timing in zip(runs, timings, strict=True):
            began = time.perf_counter()
            page = run[n]()
            timing.seconds.append(time.perf_counter() - began)
            timing.rows.append(len(page.rows))
    return timings


def measure(store: str, small: Dataset, large: Dataset, queries: int) -> None:
    worst: dict[str, tuple[float, str, float, float]] = {}
    label = f"{small.subjects:,} / {large.subjects:,} subjects"
    print(f"{store}: ms per query and rows per page, {label}, {queries} queries each")
    header = f"{'p50':>13} {'p95':>13}  ratio  {'rows':>9}"
    print(f"{store}: {'':<36} {header}")
    for variant in VARIANTS:
        at_small, at_large = time_variant(variant, small, large, queries)
        base = percentile(at_small.seconds, 95) * 1e3
        value = percentile(at_large.seconds, 95) * 1e3
        ratio = value / base
        medians = [median(t.seconds) * 1e3 for t in (at_small, at_large)]
        rows = [statistics.mean(t.rows) for t in (at_small, at_large)]
        print(
            f"{store}: {variant.endpoint:<18} {variant.name:<17} "
            f"{medians[0]:6.2f} {medians[1]:6.2f} {base:6.2f} {value:6.2f}  "
            f"x{ratio:.2f}  {rows[0]:4.0f} {rows[1]:4.0f}",
            flush=True,
        )
        name = variant.name
        if round(rows[0]) != round(rows[1]):
            name += f", {rows[1]:.0f} rows a page against {rows[0]:.0f}"
        if variant.endpoint not in worst or ratio > worst[variant.endpoint][0]:
            worst[variant.endpoint] = (ratio, name, base, value)
    for endpoint, (ratio, name, base, value) in worst.items():
        report(
            f"{store} {endpoint} p95 at {large.subjects:,} subjects (ms), worst query",
            f"{value:.2f} ({name})",
            f"{small.subjects:,} subjects: {base:.2f}",
            ratio,
            f"<= {TARGET:.2f}",
        )


@contextmanager
def postgres_urls(count: int) -> Iterator[list[str]]:
    server = PostgresServer()
    try:
        server.start()
        yield [server.make_database(f"bench_lists_{n}") for n in range(count)]
    finally:
        server.close()


@contextmanager
def sqlite_urls(count: int) -> Iterator[list[str]]:
    with tempfile.TemporaryDirectory() as directory:
        yield [
            f"sqlite:///{Path(directory) / f'lists-{n}.sqlite3'}" for n in range(count)
        ]


def run(stores: Sequence[str], sizes: Sequence[int], queries: int) -> None:
    with ExitStack() as stack:
        opened: dict[str, list[Dataset]] = {}
        for store in stores:
            urls = postgres_urls if store == "postgres" else sqlite_urls
            databases = stack.enter_context(urls(len(sizes)))
            opened[store] = [
                open_dataset(store, url, size)
                for url, size in zip(databases, sizes, strict=True)
            ]
            for dataset in opened[store]:
                stack.callback(dataset.close)
        for n, size in enumerate(sizes):
            started = time.perf_counter()
            seed([datasets[n] for datasets in opened.values()], size)
            seconds = time.perf_counter() - started
            print(f"seeded {size:,} subjects in {', '.join(stores)}: {seconds:.0f} s")
        for store, datasets in opened.items():
            measure(store, datasets[0], datasets[-1], queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--stores", default="postgres")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    run(args.stores.split(","), sizes, args.queries)


if __name__ == "__main__":
    main()
