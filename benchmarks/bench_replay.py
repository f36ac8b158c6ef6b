"""Replay of a long subject: the current state and ``as_of`` a past moment.

Run: python benchmarks/bench_replay.py [events] [samples]

For each store (a fresh SQLite file; a fresh database of a temporary PostgreSQL
server started the way the test suite starts it), one subject is given
``events`` events (licences, penalties, information, commitments; one event per
transaction with the clock a minute apart, so snapshots are taken as in
service) and, in the same run:
- load: ``CreditLedger.load`` of the subject as it is now, median and p95 over
  ``samples`` loads (nothing is cached between loads: the repository has no
  aggregate cache and the ledger's kept copies are not consulted by ``load``);
- as_of: the subject as it was at random past moments, median and p95;
- baseline: reading the subject's stored events back without decoding them.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from common import median, percentile, report

from application.commands import Actor, RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import (
    FixedClock,
    commitment,
    fields_of,
    information,
    licence,
    penalty,
    uscc,
)
from tests.services import PostgresServer

OFFICER = Actor(department="market-regulation", actor="bench")
LOAD_TARGET_MS = 10.0
AS_OF_TARGET_MS = 20.0


def body_for(n: int) -> dict[str, object]:
    makers = (licence, penalty, information, commitment)
    return makers[n % len(makers)](f"R{n}")


def timings_ms(action: Callable[[], object], samples: int) -> list[float]:
    taken = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        taken.append((time.perf_counter() - started) * 1000)
    return taken


def measure(store: str, database_url: str, events: int, samples: int) -> None:
    clock = FixedClock()
    services = build_services(Settings(database_url=database_url), clock)
    try:
        ledger = services.ledger
        code = uscc(1)
        ledger.register_subject(code, "Long History Co.", OFFICER)
        moments = []
        started = time.perf_counter()
        for n in range(1, events):
            clock.advance(timedelta(minutes=1))
            body = body_for(n)
            ledger.record(
                RecordCommand(code, str(body["type"]), fields_of(body), OFFICER)
            )
            moments.append(clock.now())
        seeded = time.perf_counter() - started
        print(f"{store}: {events} events of one subject seeded in {seeded:.1f} s")
        subject = ledger.load(code)
        assert subject.version == events, subject.version

        originator = subject.id
        raw = timings_ms(lambda: ledger.recorder.select_events(originator), samples)
        load = timings_ms(lambda: ledger.load(code), samples)
        rng = random.Random(8)
        as_of = timings_ms(lambda: ledger.load(code, rng.choice(moments)), samples)
        base = median(raw)
        for name, taken, target in (
            ("load", load, LOAD_TARGET_MS),
            ("as_of", as_of, AS_OF_TARGET_MS),
        ):
            p50, p95 = median(taken), percentile(taken, 95)
            print(f"{store}: {name} median {p50:.2f} ms, p95 {p95:.2f} ms")
            report(
                f"{store} {name} of a {events:,}-event subject, median (ms)",
                f"{p50:.2f} (p95 {p95:.2f})",
                f"raw read of its events {base:.2f} ms",
                p50 / base,
                f"<= {target:.0f} ms",
            )
    finally:
        services.close()


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        measure("SQLite", url, events, samples)
    postgres = PostgresServer()
    try:
        postgres.start()
        measure("PostgreSQL", postgres.make_database("bench_replay"), events, samples)
    finally:
        postgres.close()


if __name__ == "__main__":
    main()
