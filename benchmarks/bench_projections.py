"""Read models: rebuild speed, and commit → visible-on-list latency.

Run: python benchmarks/bench_projections.py [events] [samples]
         [--stores sqlite,postgres] [--database URL] [--processes 1,2] [--per-view]

For each store (a fresh SQLite file; a fresh database of a temporary PostgreSQL
server started the way the test suite starts it), in the same run:
- seed: ``events`` events (default 100,000) of a realistic mix (registrations,
  licences, penalties, commitments, listings, red list, repair requests), ~250
  subjects per store transaction; ``--database URL`` measures an existing store
  instead (seeded up to ``events`` if it holds fewer), e.g. one seeded with 1M;
- baseline: the notification log read raw and read with decoding, the floor of
  any rebuild (every rebuild reads and decodes every event);
- rebuild all views: ``projections rebuild`` (swapped in together), in one
  process (one pass over the log for every view) and in 2 processes sharing the
  views out (the command's default here), in events/s and as the time 1M
  events would take; ``--per-view`` also rebuilds each view alone;
- latency: with the in-process runners started and other events recorded
  meanwhile at half the recording load (see ``recording_load.py``), ``samples``
  times a listing is committed and the time until the serious-dishonesty list
  shows it is taken (from its commit, as the ledger's commit listeners see it),
  beside the time to read the same event back from the notification log.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import median, percentile, report
from recording_load import HALF_RECORDING_LOAD, CommitTimes, recording_load

from application.commands import Actor, RecordCommand
from application.dispatch import DECIDERS
from application.ledger import CreditLedger
from domain.codes import parse_subject_code
from domain.subject import CreditSubject
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import RebuildTarget, rebuild, rebuild_all
from infrastructure.views.rebuild_workers import (
    WorkerProcesses,
    worker_processes_for,
)
from projections.paging import PageQuery
from tests.factories import (
    FixedClock,
    commitment,
    fields_of,
    information,
    licence,
    listing,
    penalty,
    red_listing,
    repair_request,
    uscc,
)
from tests.services import PostgresServer

OFFICER = Actor(department="market-regulation", actor="bench")
SUBJECTS_PER_SAVE = 250
READ_BATCH = 2000
TARGET_EVENTS, TARGET_SECONDS = 1_000_000, 120.0
REBUILD_TARGET = TARGET_EVENTS / TARGET_SECONDS  # 1M events in two minutes
LATENCY_TARGET_MS = 50.0
WORKERS = 2  # on PostgreSQL, what `projections rebuild` uses on 2 cores
LATENCY_SERIALS = 2_000_000  # above every seeded subject's serial


def life_of(n: int) -> list[dict[str, object]]:
    """Seven events after registration, of every kind the views handle."""
    adverse = listing("S1") if n % 4 == 0 else red_listing("R1")
    return [
        licence("L1"),
        penalty("P1"),
        commitment("C1"),
        adverse,
        information("I1"),
        repair_request("F1", "P1"),
    ]


def seed(ledger: CreditLedger, events: int) -> None:
    n = 0
    while ledger.head_position() < events:
        subjects = []
        for _ in range(SUBJECTS_PER_SAVE):
            n += 1
            code = parse_subject_code(uscc(n))
            p = ledger.provenance(OFFICER)
            subject = CreditSubject.register(code, f"企业{n}", None, p)
            for body in life_of(n):
                decide = DECIDERS[str(body["type"])]
                decide(
                    subject, ledger.provenance(OFFICER), ledger.rules, fields_of(body)
                )
            subjects.append(subject)
        ledger.save(*subjects)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def read_log(ledger: CreditLedger, decode: bool) -> int:
    start, count = 1, 0
    to_event = ledger.mapper.to_domain_event
    while batch := ledger.recorder.select_notifications(start, READ_BATCH):
        if decode:
            for n in batch:
                to_event(n)
        count += len(batch)
        start = batch[-1].id + 1
    return count


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_rebuild(
    store: str, services: Services, modes: list[int], per_view: bool
) -> None:
    ledger = services.ledger
    views = services.read_models.views
    head = ledger.head_position()
    raw = rate(head, timed(lambda: read_log(ledger, decode=False)))
    decoded = rate(head, timed(lambda: read_log(ledger, decode=True)))
    print(
        f"{store}: notification log read {raw:,.0f}/s, with decoding {decoded:,.0f}/s"
    )
    targets = [RebuildTarget(views[n], s.projection) for n, s in PROJECTIONS.items()]
    default = worker_processes_for(services.settings)
    print(
        f"{store}: `projections rebuild` uses "
        f"{default.processes if default else 1} process(es) here"
    )
    for processes in modes:
        split = WorkerProcesses(services.settings, processes) if processes > 1 else None
        seconds = timed(lambda s=split: rebuild_all(ledger, targets, split=s))
        speed = rate(head, seconds)
        at_target_size = TARGET_EVENTS / speed
        how = f"{processes} process{'es' if processes > 1 else ''}"
        print(
            f"{store}: rebuild all {len(targets)} views, {how}: {head:,} events in "
            f"{seconds:.1f} s, {speed:,.0f} events/s; 1M events ≈ "
            f"{at_target_size:.0f} s"
        )
        report(
            f"{store} rebuild all views, {how} (events/s)",
            f"{speed:,.0f}",
            f"log read + decode {decoded:,.0f}/s",
            speed / decoded,
            f">= {REBUILD_TARGET:,.0f} (1M in 2 min)",
        )
        report(
            f"{store} rebuild all views, {how}, 1M events (s)",
            f"{at_target_size:.0f} (from {head:,})",
            f"log read + decode {TARGET_EVENTS / decoded:.0f} s",
            at_target_size / (TARGET_EVENTS / decoded),
            f"<= {TARGET_SECONDS:.0f}",
        )
    if not per_view:
        return
    for name, spec in sorted(PROJECTIONS.items()):
        alone = timed(lambda v=views[name], p=spec.projection: rebuild(ledger, v, p))
        print(f"{store}: rebuild {name} alone: {head:,} events in {alone:.1f} s")
        report(
            f"{store} rebuild {name} alone (events/s)",
            f"{rate(head, alone):,.0f}",
            f"log read + decode {decoded:,.0f}/s",
            rate(head, alone) / decoded,
            "-",
        )


def measure_latency(store: str, services: Services, samples: int) -> None:
    ledger = services.ledger
    views = services.read_models
    public = views.public
    commits = CommitTimes(ledger)
    views.start()
    visible: list[float] = []
    read_back: list[float] = []
    # Codes no earlier run used: each run moves the head past its own codes.
    first = LATENCY_SERIALS + ledger.head_position()
    try:
        with recording_load(ledger, HALF_RECORDING_LOAD, first + samples) as load:
            for n in range(samples):
                code = uscc(first + n)
                ledger.register_subject(code, f"latency {n}", OFFICER)
                body = listing("S1")
                command = RecordCommand(code, "Listed", fields_of(body), OFFICER)
                position = ledger.record(command).primary.position
                public.wait(ledger.name, position, timeout=10)
                rows = public.serious_list(PageQuery(limit=1, subject_code=code)).rows
                assert rows, "the listing did not show"
                visible.append(time.perf_counter() - commits.of(position))
                started = time.perf_counter()
                [notification] = ledger.recorder.select_notifications(position, 1)
                ledger.mapper.to_domain_event(notification)
                read_back.append(time.perf_counter() - started)
    finally:
        views.stop()
    print(f"{store}: recording meanwhile at {load.reached:,.0f} events/s")
    p50, p99 = percentile(visible, 50) * 1e3, percentile(visible, 99) * 1e3
    base50 = median(read_back) * 1e3
    base99 = percentile(read_back, 99) * 1e3
    print(f"{store}: commit → visible on the list p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"{store}: read back from the log p50 {base50:.2f} ms, p99 {base99:.2f} ms")
    report(
        f"{store} commit→list p50 (ms)",
        f"{p50:.1f}",
        f"log read-back {base50:.2f}",
        p50 / base50,
        f"p99 <= {LATENCY_TARGET_MS:.0f}",
    )
    report(
        f"{store} commit→list p99 (ms)",
        f"{p99:.1f}",
        f"log read-back {base99:.2f}",
        p99 / base99,
        f"<= {LATENCY_TARGET_MS:.0f}",
    )


@contextmanager
def fresh_services(database_url: str) -> Iterator[Services]:
    services = build_services(Settings(database_url=database_url), FixedClock())
    try:
        yield services
    finally:
        services.close()


def measure(store: str, database_url: str, args: argparse.Namespace) -> None:
    with fresh_services(database_url) as services:
        started = time.perf_counter()
        seed(services.ledger, args.events)
        head = services.ledger.head_position()
        print(
            f"{store}: seeded {head:,} events in {time.perf_counter() - started:.1f} s"
        )
        modes = [int(n) for n in args.processes.split(",")]
        measure_rebuild(store, services, modes, args.per_view)
        measure_latency(store, services, args.samples)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", nargs="?", type=int, default=100_000)
    parser.add_argument("samples", nargs="?", type=int, default=200)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--database", help="measure this existing store instead")
    parser.add_argument(
        "--processes", default=f"1,{WORKERS}", help="rebuild all views with these"
    )
    parser.add_argument("--per-view", action="store_true")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.database:
        store = "postgres" if args.database.startswith("postgres") else "sqlite"
        measure(store, args.database, args)
        return
    stores = args.stores.split(",")
    if "sqlite" in stores:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            measure("sqlite", url, args)
    if "postgres" in stores:
        postgres = PostgresServer()
        try:
            postgres.start()
            url = postgres.make_database("bench_projections")
            measure("postgres", url, args)
        finally:
            postgres.close()


if __name__ == "__main__":
    main()
