"""``audit verify`` speed, and what the hash chain costs when recording.

Run: python benchmarks/bench_audit.py [events] [recorded]

On fresh SQLite files, in the same run:
- verify: a store of ``events`` events (subjects of 40 events each) with a
  signed checkpoint is checked end to end by the verifier ``audit verify``
  runs; the baseline reads and decodes the same store without any check.
- chain: ``recorded`` licences are recorded through the ledger, 100 per
  transaction and one per transaction, once as shipped and once with the
  event hash stubbed out (the chain then carries a constant); best of two
  alternating rounds each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import report

import domain.subject
from application.audit_verify import StoreVerifier
from application.commands import RecordCommand
from application.ledger import CreditLedger
from domain.canonical import GENESIS_HASH
from infrastructure.audit.signing import signature_check
from infrastructure.bootstrap import Services
from tests.audit_support import OFFICER, audited_services
from tests.factories import fields_of, licence, uscc

EVENTS_PER_SUBJECT = 40
BATCH = 100


@contextmanager
def fresh_store() -> Iterator[Services]:
    with tempfile.TemporaryDirectory() as directory:
        services = audited_services(
            f"sqlite:///{Path(directory) / 'ledger.sqlite3'}", Path(directory)
        )
        try:
            yield services
        finally:
            services.close()


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


def fill(ledger: CreditLedger, events: int) -> None:
    subjects = max(1, events // EVENTS_PER_SUBJECT)
    codes = [uscc(n) for n in range(1, subjects + 1)]
    for code in codes:
        ledger.register_subject(code, "Bench Co.", OFFICER)
    todo = commands(codes, events - subjects)
    for start in range(0, len(todo), 500):
        ledger.record_many(todo[start : start + 500])


def read_only(ledger: CreditLedger) -> int:
    count, start = 0, 1
    while batch := ledger.recorder.select_notifications(start=start, limit=1000):
        for notification in batch:
            ledger.mapper.to_domain_event(notification)
        count += len(batch)
        start = batch[-1].id + 1
    return count


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_verify(events: int) -> None:
    with fresh_store() as services:
        fill(services.ledger, events)
        audit = services.audit
        signing = timed(audit.sign_checkpoint)
        verifier = StoreVerifier(
            services.ledger,
            audit.leaves,
            audit.checkpoints,
            signature_check(audit.public_key_pem()),
        )
        reading = timed(lambda: read_only(services.ledger))
        result = verifier.run()
        verifying = timed(verifier.run)
    assert result.ok, result.findings[:3]
    rate, base = events / verifying, events / reading
    print(f"store: {events:,} events, {result.subjects:,} subjects")
    print(f"first checkpoint (log every event, sign)  {events / signing:10,.0f} ev/s")
    print(f"read + decode only (baseline)            {base:10,.0f} ev/s")
    print(f"audit verify                             {rate:10,.0f} ev/s")
    report(
        "audit verify (SQLite)",
        f"{rate:,.0f} ev/s",
        f"{base:,.0f} ev/s read+decode",
        rate / base,
        "-",
    )


def recording_rate(count: int, per_transaction: int) -> float:
    with fresh_store() as services:
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
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    recorded = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    bench_verify(events)
    bench_chain(recorded)


if __name__ == "__main__":
    main()
