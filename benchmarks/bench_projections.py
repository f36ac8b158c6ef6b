"""Read models: commit → visible-on-list latency, and rebuild speed.

Run: python benchmarks/bench_projections.py [events] [samples]

For each store (a fresh SQLite file; a fresh database of a temporary PostgreSQL
server started the way the test suite starts it), in the same run:
- seed: ``events`` events of a realistic mix (registrations, licences,
  penalties, commitments, listings, red list, repair requests), ~250 subjects
  per store transaction;
- rebuild: ``projections rebuild`` of each view, in events/s, beside the raw
  notification-log read rate (no decoding) and the read-and-decode rate;
- latency: with the in-process runners started, ``samples`` times a listing is
  committed and the time until the serious-dishonesty list shows it is taken
  (from the commit, as the ledger's commit listeners see it), beside the time
  to read the same event back from the notification log.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import median, percentile, report

from application.commands import Actor, RecordCommand
from application.dispatch import DECIDERS
from application.ledger import CreditLedger
from domain.codes import parse_subject_code
from domain.subject import CreditSubject
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
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
REBUILD_TARGET = 1_000_000 / 120  # 1M events in two minutes
LATENCY_TARGET_MS = 50.0


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


def measure_rebuild(store: str, services: Services) -> None:
    ledger = services.ledger
    head = ledger.head_position()
    raw = rate(head, timed(lambda: read_log(ledger, decode=False)))
    decoded = rate(head, timed(lambda: read_log(ledger, decode=True)))
    print(
        f"{store}: notification log read {raw:,.0f}/s, with decoding {decoded:,.0f}/s"
    )
    for name, spec in sorted(PROJECTIONS.items()):
        view = services.read_models.views[name]
        started = time.perf_counter()
        rebuild(ledger, view, spec.projection)
        seconds = time.perf_counter() - started
        speed = rate(head, seconds)
        print(f"{store}: rebuild {name}: {head:,} events in {seconds:.1f} s")
        report(
            f"{store} rebuild {name} (events/s)",
            f"{speed:,.0f}",
            f"log read {raw:,.0f}; decoded {decoded:,.0f}",
            speed / raw,
            f">= {REBUILD_TARGET:,.0f} (1M in 2 min)",
        )


def measure_latency(store: str, services: Services, samples: int) -> None:
    ledger = services.ledger
    views = services.read_models
    public = views.public
    committed: list[float] = []
    # First in line: the moment the commit is done, before any runner wakes.
    ledger.commit_listeners.insert(0, lambda _: committed.append(time.perf_counter()))
    views.start()
    visible: list[float] = []
    read_back: list[float] = []
    try:
        for n in range(samples):
            code = uscc(900_000 + n)
            ledger.register_subject(code, f"latency {n}", OFFICER)
            body = listing("S1")
            command = RecordCommand(code, "Listed", fields_of(body), OFFICER)
            position = ledger.record(command).primary.position
            public.wait(ledger.name, position, timeout=10)
            rows = public.serious_list(PageQuery(limit=1, subject_code=code)).rows
            assert rows, "the listing did not show"
            visible.append(time.perf_counter() - committed[-1])
            started = time.perf_counter()
            [notification] = ledger.recorder.select_notifications(position, 1)
            ledger.mapper.to_domain_event(notification)
            read_back.append(time.perf_counter() - started)
    finally:
        views.stop()
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


def measure(store: str, database_url: str, events: int, samples: int) -> None:
    with fresh_services(database_url) as services:
        started = time.perf_counter()
        seed(services.ledger, events)
        head = services.ledger.head_position()
        print(
            f"{store}: seeded {head:,} events in {time.perf_counter() - started:.1f} s"
        )
        measure_rebuild(store, services)
        measure_latency(store, services, samples)


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        measure("sqlite", url, events, samples)
    postgres = PostgresServer()
    try:
        postgres.start()
        measure(
            "postgres", postgres.make_database("bench_projections"), events, samples
        )
    finally:
        postgres.close()


if __name__ == "__main__":
    main()
