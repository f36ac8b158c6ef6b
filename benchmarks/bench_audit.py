"""``audit verify`` speed on SQLite and PostgreSQL, and what the hash chain costs.

Run: python benchmarks/bench_audit.py [events] [recorded]

- verify: for each store (a fresh SQLite file; a fresh database of a temporary
  PostgreSQL server started the way the test suite starts it) ``events`` events
  are seeded (default 200,000: subjects of 40 events, 250 subjects per store
  transaction, so each subject's events lie 250 positions apart; licences,
  penalties, commitments and information records in turn) and a checkpoint is
  signed. ``audit verify`` is then timed end to end as the CLI runs it (its log
  readers, and worker processes as it picks them for the store's size), beside
  the same-run baseline: reading the notification log and decoding every event
  (``mapper.to_domain_event``), with no check at all; best of two alternating
  runs each. Also shown, not reported: the same verification without worker
  processes, and the CPU time each run took per event (this process and its
  workers), which other work on the machine does not inflate as much as the
  wall-clock rate. Target: 1M events in 60 s.
- chain: ``recorded`` licences are recorded through the ledger (SQLite), 100
  per transaction and one per transaction, once as shipped and once with the
  event hash stubbed out (the chain then carries a constant); best of two
  alternating rounds each.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common import report

import domain.subject
from application.audit_verify import StoreVerifier
from application.audit_workers import default_workers
from application.commands import RecordCommand
from application.ledger import CreditLedger
from domain.canonical import GENESIS_HASH
from infrastructure.audit.event_log import event_log_pages
from infrastructure.audit.signing import signature_check
from infrastructure.bootstrap import Services
from tests.audit_support import OFFICER, audited_services, seed
from tests.factories import fields_of, licence, uscc
from tests.services import PostgresServer

BATCH = 100
READ_BATCH = 1000
MILLION = 1_000_000
TARGET_SECONDS = 60
TARGET_RATE = MILLION / TARGET_SECONDS


@contextmanager
def fresh_sqlite() -> Iterator[Services]:
    with tempfile.TemporaryDirectory() as directory:
        services = audited_services(
            f"sqlite:///{Path(directory) / 'ledger.sqlite3'}", Path(directory)
        )
        try:
            yield services
        finally:
            services.close()


@contextmanager
def fresh_postgres(server: PostgresServer, name: str) -> Iterator[Services]:
    with tempfile.TemporaryDirectory() as directory:
        services = audited_services(server.make_database(name), Path(directory))
        try:
            yield services
        finally:
            services.close()


def read_and_decode(ledger: CreditLedger) -> int:
    count, start = 0, 1
    to_event = ledger.mapper.to_domain_event
    while batch := ledger.recorder.select_notifications(start=start, limit=READ_BATCH):
        for notification in batch:
            to_event(notification)
        count += len(batch)
        start = batch[-1].id + 1
    return count


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass
class Run:
    seconds: float
    cpu: float  # this process and its finished children, seconds


def measured(action: Callable[[], object]) -> Run:
    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    before = cpu()
    seconds = timed(action)
    return Run(seconds, cpu() - before)


def verify(services: Services, workers: int) -> None:
    audit = services.audit
    verifier = StoreVerifier(
        services.ledger,
        audit.leaves,
        audit.checkpoints,
        signature_check(audit.public_key_pem()),
        log=event_log_pages(services.ledger.recorder),
        workers=workers,
    )
    result = verifier.run()
    assert result.ok, result.findings[:3]
    assert result.events == services.ledger.head_position()


def bench_verify(store: str, services: Services, events: int) -> None:
    ledger = services.ledger
    seeding = timed(lambda: seed(ledger, events))
    head = ledger.head_position()
    signing = timed(services.audit.sign_checkpoint)
    print(
        f"{store}: seeded {head:,} events in {seeding:.0f} s; first checkpoint "
        f"(log every event, sign) {head / signing:,.0f} ev/s"
    )
    workers = default_workers(head)
    # Alternating, best of two: other work on the machine comes and goes.
    bases, runs = [], []
    for _ in range(2):
        bases.append(timed(lambda: read_and_decode(ledger)))
        runs.append(measured(lambda: verify(services, workers)))
    alone = measured(lambda: verify(services, 0))
    base = head / min(bases)
    best = min(runs, key=lambda run: run.seconds)
    rate = head / best.seconds
    million = MILLION / rate
    print(f"{store}: read + decode only (baseline)    {base:9,.0f} ev/s")
    for label, run in ((f"{workers} workers", best), ("in one process", alone)):
        print(
            f"{store}: audit verify, {label:<15} {head / run.seconds:9,.0f} ev/s "
            f"= 1M in {MILLION * run.seconds / head:3.0f} s; "
            f"CPU {run.cpu / head * 1e6:.0f} us/event"
        )
    report(
        f"audit verify ({store}, {head:,} events, {workers} workers)",
        f"{rate:,.0f} ev/s = 1M in {million:.0f} s",
        f"{base:,.0f} ev/s read+decode",
        rate / base,
        f">= {TARGET_RATE:,.0f} ev/s (1M in {TARGET_SECONDS} s)"
        f" - {'met' if rate >= TARGET_RATE else 'NOT met'}",
    )


def commands(codes: list[str], count: int) -> list[RecordCommand]:
    body = licence()
    return [
        RecordCommand(
            codes[n % len(codes)],
            body["type"],
            fields_of({**body, "record_id": f"L{n}"}),
            OFFICER,
        )
        for n in range(count)
    ]


def recording_rate(count: int, per_transaction: int) -> float:
    with fresh_sqlite() as services:
        ledger = services.ledger
        codes = [uscc(n) for n in range(1, 11)]
        for code in codes:
            ledger.register_subject(code, "Bench Co.", OFFICER)
        todo = commands(codes, count)
        started = time.perf_counter()
        for start in range(0, count, per_transaction):
            ledger.record_many(todo[start : start + per_transaction])
        return count / (time.perf_counter() - started)


@contextmanager
def chain_stubbed() -> Iterator[None]:
    # The aggregate hashes each event as it applies it; this turns that off.
    real = vars(domain.subject)["event_hash"]
    setattr(domain.subject, "event_hash", lambda _: GENESIS_HASH)  # noqa: B010
    try:
        yield
    finally:
        setattr(domain.subject, "event_hash", real)  # noqa: B010


def bench_chain(recorded: int) -> None:
    for per_transaction in (BATCH, 1):
        chained, stubbed = [], []
        for _ in range(2):
            chained.append(recording_rate(recorded, per_transaction))
            with chain_stubbed():
                stubbed.append(recording_rate(recorded, per_transaction))
        with_chain, without = max(chained), max(stubbed)
        label = f"record {per_transaction}/tx"
        print(
            f"{label:<14} with chain {with_chain:9,.0f} ev/s   "
            f"hash stubbed {without:9,.0f} ev/s   "
            f"cost {100 * (1 - with_chain / without):5.1f}%"
        )
        report(
            f"recording with hash chain, {per_transaction}/tx (SQLite)",
            f"{with_chain:,.0f} ev/s",
            f"{without:,.0f} ev/s unchained",
            with_chain / without,
            "-",
        )


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    recorded = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    with fresh_sqlite() as services:
        bench_verify("SQLite", services, events)
    postgres = PostgresServer()
    try:
        postgres.start()
        with fresh_postgres(postgres, "bench_audit") as services:
            bench_verify("PostgreSQL", services, events)
    finally:
        postgres.close()
    bench_chain(recorded)


if __name__ == "__main__":
    main()
