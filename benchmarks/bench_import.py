"""Bulk import on PostgreSQL: ``credit-ledger import`` beside raw batched appends.

Run: python benchmarks/bench_import.py [lines] [subjects]

On fresh databases of a temporary PostgreSQL server started the way the test
suite starts it, in the same run:
- baseline: an ``eventsourcing.Application`` saves trivial aggregate events 500
  per transaction (the store's own ceiling, no rules, no hashing);
- import: ``subjects`` subjects are registered, then ``credit-ledger import`` (a
  subprocess, as an operator runs it) loads an NDJSON file of ``lines`` events
  spread over them (licences and information records, interleaved), with one
  worker process, one per core, and one more than cores (a worker waiting on
  the database leaves its core to another); the figure is lines/s over the
  whole command, start-up included;
- rerun: the same file imported again (every line is answered from its stored
  receipt, nothing is written), which is what resuming an interrupted import
  costs for the part already done;
- batch endpoint: the same lines, each given an idempotency key, sent to
  ``POST /v1/events:batch`` of ``credit-ledger serve`` in NDJSON bodies of
  ``BATCH_LINES`` lines, then sent again (all replayed). The service records
  them in its batch worker processes (one per core), measured from its start
  (the first batch may wait for them to be set up): embedded (views fed in the
  API's process) and with a Kafka broker configured as in production (views fed
  by consumer processes, not run here), each by one client and by two at once
  (one client leaves the cores idle while a batch's answer goes back and the
  next batch comes in); and, for comparison, with Kafka and no batch workers
  (every line recorded in the API's own process, as before they existed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from uuid import UUID

import httpx
import msgspec
from bench_recording import served
from common import Dot, interpreter, processor, report
from cpu_use import postmaster_pid, sampled
from eventsourcing.application import Application

from application.commands import Actor
from domain.codes import parse_subject_code
from domain.subject import CreditSubject
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, as_json, information, licence, uscc
from tests.services import KafkaBroker, PostgresServer

CLI = str(Path(sys.executable).with_name("credit-ledger"))
OFFICER = Actor(department="market-regulation", actor="bench")
RAW_BATCH = 500
BATCH_LINES = 1_000
TARGET = 15_000
# How the batch endpoint is measured: the figure's name, whether Kafka is
# configured, clients sending at once, and further settings of the service.
BATCH_LAYOUTS: list[tuple[str, bool, int, dict[str, str]]] = [
    ("embedded", False, 1, {}),
    ("embedded, 2 clients", False, 2, {}),
    ("+ Kafka", True, 1, {}),
    ("+ Kafka, 2 clients", True, 2, {}),
    ("+ Kafka, no batch workers", True, 1, {"batch_workers": "0"}),
]


def raw_batched_rate(database_url: str, events: int) -> float:
    app = Application[UUID](env=Settings(database_url=database_url).event_store_env())
    try:
        started = time.perf_counter()
        written = 0
        while written < events:
            dots = [Dot() for _ in range(RAW_BATCH)]
            app.save(*dots)
            written += RAW_BATCH
        return written / (time.perf_counter() - started)
    finally:
        app.close()


def register(database_url: str, subjects: int) -> None:
    services = build_services(Settings(database_url=database_url), FixedClock())
    try:
        ledger = services.ledger
        for first in range(1, subjects + 1, 250):
            batch = [
                CreditSubject.register(
                    parse_subject_code(uscc(n)),
                    f"企业{n}",
                    None,
                    ledger.provenance(OFFICER),
                )
                for n in range(first, min(first + 250, subjects + 1))
            ]
            ledger.save(*batch)
    finally:
        services.close()


def write_lines(path: Path, lines: int, subjects: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            subject, k = n % subjects + 1, n // subjects
            body = licence(f"L{k}") if k % 2 else information(f"I{k}")
            line = {"subject": uscc(subject), **as_json(body)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def timed_import(
    database_url: str, source: Path, workers: int, sampled_roots: dict[int, str]
) -> float:
    """Seconds the command takes. Its process is added to ``sampled_roots``
    (see cpu_use.sampled) as the service."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")}
    env["CREDIT_LEDGER_DATABASE_URL"] = database_url
    command = [CLI, "import", str(source), "--department", "market-regulation"]
    started = time.perf_counter()
    with subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as importing:
        sampled_roots[importing.pid] = "service"
        out, err = importing.communicate()
    seconds = time.perf_counter() - started
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    if importing.returncode != 0 or " 0 rejected" not in summary:
        raise RuntimeError(f"import failed ({importing.returncode}): {err[-2000:]}")
    return seconds


def batch_bodies(source: Path) -> list[bytes]:
    """The file as NDJSON request bodies, each line with a key of its own."""
    lines = [
        json.dumps({"idempotency_key": f"bench:{n}", **json.loads(line)})
        for n, line in enumerate(source.read_text(encoding="utf-8").splitlines())
    ]
    return [
        "\n".join(lines[start : start + BATCH_LINES]).encode()
        for start in range(0, len(lines), BATCH_LINES)
    ]


class BatchCounts(msgspec.Struct):
    """What a client checks of a batch's answer. The benchmark's own process
    shares the cores with the service: msgspec reads these two numbers and
    skips the per-line results in C, where ``json`` would build them all (a
    sixth of the CPU time of a line)."""

    accepted: int
    rejected: int


def timed_batches(url: str, key: str, bodies: list[bytes], clients: int) -> float:
    """Seconds to send every body, ``clients`` of them at a time."""
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/x-ndjson",
    }

    def send(share: list[bytes]) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=300) as http:
            for body in share:
                response = http.post("/v1/events:batch", content=body)
                counts = (
                    msgspec.json.decode(response.content, type=BatchCounts)
                    if response.status_code == 200
                    else None
                )
                if counts != BatchCounts(body.count(b"\n") + 1, 0):
                    raise RuntimeError(f"batch refused: {response.text[:2000]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, [bodies[n::clients] for n in range(clients)]))
    return time.perf_counter() - started


def registered(postgres: PostgresServer, subjects: int) -> str:
    """A fresh database with the subjects registered; its URL."""
    url = postgres.make_database()
    register(url, subjects)
    return url


def first_and_again(
    lines: int, timed: Callable[[], float], roots: dict[int, str]
) -> tuple[float, float]:
    """Lines/s of a run and of the same run again (every line replayed); for
    the first, where the processes of ``roots`` (to which ``timed`` may add)
    spent their CPU time."""
    with sampled(roots) as use:
        first = lines / timed()
    print(f"  {use.per_line(lines)}")
    return first, lines / timed()


def show(figure: str, rate: float, again: float, raw: float) -> None:
    """A run's figure and its rerun's (every line replayed), and the result row."""
    print(f"{figure}: {rate:,.0f} lines/s; sent again (all replayed) {again:,.0f}/s")
    report_rate(figure, rate, raw)


def report_rate(figure: str, rate: float, raw: float) -> None:
    report(
        f"{figure} (lines/s)",
        f"{rate:,.0f}",
        f"raw save, {RAW_BATCH}/tx: {raw:,.0f}/s",
        rate / raw,
        f">= {TARGET:,}",
    )


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    subjects = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    cores = os.cpu_count() or 1
    postgres, kafka = PostgresServer(), KafkaBroker()

    def broker() -> str:
        """A broker configured, as in production: the views are then fed by
        consumer processes (not started here), not in the API's process."""
        if kafka.base_dir is None:
            kafka.start()
        return kafka.bootstrap

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        source = Path(tmp) / "events.ndjson"
        write_lines(source, lines, subjects)
        try:
            postgres.start()
            raw = raw_batched_rate(postgres.make_database(), lines)
            print(
                f"raw Application.save, {RAW_BATCH} per transaction: {raw:,.0f}/s "
                f"on {interpreter()}, {processor()}"
            )
            print(
                f"{lines:,} lines over {subjects:,} subjects; the batch endpoint is "
                f"sent them {BATCH_LINES:,} a request"
            )
            database_server = postmaster_pid(postgres.data_dir)
            client = {os.getpid(): "client", database_server: "PostgreSQL"}
            for workers in sorted({1, cores, cores + 1}):
                url = registered(postgres, subjects)
                roots = dict(client)
                rate, again = first_and_again(
                    lines, partial(timed_import, url, source, workers, roots), roots
                )
                show(f"import PostgreSQL, {workers} worker(s)", rate, again, raw)
            bodies = batch_bodies(source)
            for layout, with_kafka, clients, settings in BATCH_LAYOUTS:
                database = registered(postgres, subjects)
                served_at = served(
                    database,
                    Path(tmp),
                    broker() if with_kafka else None,
                    **settings,
                )
                with served_at as (api, key, service):
                    rate, again = first_and_again(
                        lines,
                        partial(timed_batches, api, key, bodies, clients),
                        {**client, service: "service"},
                    )
                show(f"POST /v1/events:batch PostgreSQL {layout}", rate, again, raw)
        finally:
            kafka.close()
            postgres.close()


if __name__ == "__main__":
    main()
