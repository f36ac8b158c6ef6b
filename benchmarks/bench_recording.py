"""Events/s recorded over HTTP on SQLite and PostgreSQL, beside the raw append rate.

Run: python benchmarks/bench_recording.py [events] [clients]

For each store, in the same run:
- raw: an ``eventsourcing.Application`` saves one trivial aggregate event per
  transaction, single writer, on a fresh database of that store;
- ledger: ``clients`` threads send the same commands through the ledger's group
  committer in this process (no HTTP), each to its own subject;
- HTTP: ``credit-ledger serve`` runs as a subprocess (one uvicorn worker) on another
  fresh database; ``clients`` keep-alive connections of one event loop
  (``http_load.py``) POST ``InformationRecorded`` events with a
  department key, either each to its own subject or all to one subject (shown
  without the issue's target, which is for requests to different subjects), in
  the embedded setup, where the views are fed in the API's own process; on
  PostgreSQL also with a Kafka broker configured, as in production, where consumer
  processes feed the views and the API does no projection work. Each request's
  latency is taken and the p99 printed.
- hello-world: a FastAPI app taking the same pydantic body, served by uvicorn
  in the same way. Each HTTP row is measured in ``SLICES`` slices, with the
  hello-world measured before each slice and after the last; the row's figure
  is the median of its slices and its baseline the median of the hello-world's.
  Measured once at the start, a baseline met the machine in another state than
  the rows tens of seconds later: these machines change speed from minute to
  minute, and the ratio moved by half (and by a quarter still, from one row to
  the next, with one slice between two measures of the baseline).
A temporary PostgreSQL server is started the way the test suite starts it and
stopped at the end. Every row is bounded by the event count and by a time budget
per client, so the whole run stays around a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from common import Dot, median, percentile, report
from eventsourcing.application import Application
from http_load import Request, post_loop

from application.commands import Actor, RecordCommand
from application.group_commit import GroupCommitter
from application.keys import KeyService
from infrastructure.bootstrap import build_key_store, build_services
from infrastructure.settings import Settings
from tests.factories import as_json, fields_of, information, uscc
from tests.services import HOST, KafkaBroker, PostgresServer, free_port, stop_process

CLI = str(Path(sys.executable).with_name("credit-ledger"))
DECIDED = date.today() - timedelta(days=3)
STARTUP_TIMEOUT = 30.0
SLICES = 3


class RawAppend(Application[UUID]):
    pass


def raw_append_rate(database_url: str, events: int) -> float:
    app = RawAppend(env=Settings(database_url=database_url).event_store_env())
    try:
        dot = Dot()
        app.save(dot)
        started = time.perf_counter()
        for _ in range(events):
            dot.tick()
            app.save(dot)
        return events / (time.perf_counter() - started)
    finally:
        app.close()


@contextmanager
def hello_world(workdir: Path) -> Iterator[tuple[str, str]]:
    """FastAPI hello-world taking the same pydantic body; yields (url, key)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "hello_app:app",
        "--app-dir",
        str(Path(__file__).resolve().parent),
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
    ]
    with running(command, port, workdir, os.environ.copy()) as (url, _):
        yield url, "no-key"


@contextmanager
def running(
    command: list[str], port: int, workdir: Path, env: dict[str, str]
) -> Iterator[tuple[str, int]]:
    url = f"http://{HOST}:{port}"
    log = workdir / f"server-{port}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/docs", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, server.pid
    finally:
        stop_process(server)


@contextmanager
def served(
    database_url: str,
    workdir: Path,
    kafka_bootstrap: str | None = None,
    **settings: str,
) -> Iterator[tuple[str, str, int]]:
    """``credit-ledger serve`` on the database, with these further settings;
    yields (url, key, process id).

    With a Kafka broker configured, as in production, the views are fed by
    consumer processes (not started here), so the API does no projection work.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")}
    env["CREDIT_LEDGER_DATABASE_URL"] = database_url
    env.update((f"CREDIT_LEDGER_{name.upper()}", v) for name, v in settings.items())
    if kafka_bootstrap is not None:
        env["CREDIT_LEDGER_KAFKA_BOOTSTRAP"] = kafka_bootstrap
    # The per-key rate limit (100/s by default) would measure itself, not recording.
    env["CREDIT_LEDGER_RATE_LIMIT_PER_SECOND"] = "0"
    keys = build_key_store(Settings(database_url=database_url))
    _, key = KeyService(keys).create(
        "market-regulation", "bench", {"record"}, datetime.now(UTC)
    )
    port = free_port()
    command = [CLI, "serve", "--host", HOST, "--port", str(port)]
    with running(command, port, workdir, env) as (url, pid):
        yield url, key, pid


def run_clients(
    clients: int, per_client: int, budget: float, send: Callable[[int, int], None]
) -> float:
    """Events/s of ``clients`` threads each sending up to ``per_client`` events.

    Bounded: a client stops early once ``budget`` seconds have passed.
    """
    start = threading.Barrier(clients + 1)
    done = [0] * clients
    failures: list[BaseException] = []

    def client(number: int) -> None:
        start.wait()
        deadline = time.perf_counter() + budget
        try:
            for n in range(per_client):
                if time.perf_counter() > deadline:
                    break
                send(number, n)
                done[number] += 1
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} clients failed") from failures[0]
    return sum(done) / elapsed


def http_rate(
    url: str,
    key: str,
    events: int,
    clients: int,
    one_subject: bool,
    budget: float,
    latencies: list[float] | None = None,
    slice_number: int = 0,
) -> float:
    headers = {"Authorization": f"Bearer {key}"}
    # Subjects of the slice's own: a subject's size is not what a slice measures
    # (a snapshot of it is taken in the commit that crosses each hundredth event).
    first = 1 + slice_number * clients
    codes = [uscc(first + n) for n in range(1 if one_subject else clients)]
    with httpx.Client(base_url=url, headers=headers) as http:
        for code in codes:
            http.post("/v1/subjects", json={"code": code, "name": "Bench Co."})
    paths = [f"/v1/subjects/{code}/events" for code in codes]

    def request(number: int, n: int) -> Request:
        body = as_json(information(f"c{number}-{n}", occurred_on=DECIDED))
        return paths[0 if one_subject else number], json.dumps(body).encode()

    load = post_loop(url, headers, clients, events // clients, budget, request)
    if latencies is not None:
        latencies.extend(load.latencies_ms)
    return load.rate


def ledger_rate(database_url: str, events: int, clients: int, budget: float) -> float:
    """The same commands through the ledger's group committer, in-process, no HTTP."""
    services = build_services(Settings(database_url=database_url))
    committer = GroupCommitter(services.ledger)
    actor = Actor("market-regulation", "bench")
    codes = [uscc(n) for n in range(1, clients + 1)]
    for code in codes:
        services.ledger.register_subject(code, "Bench Co.", actor)

    def send(number: int, n: int) -> None:
        body = information(f"c{number}-{n}", occurred_on=DECIDED)
        committer.record(
            RecordCommand(codes[number], str(body["type"]), fields_of(body), actor)
        )

    try:
        return run_clients(clients, events // clients, budget, send)
    finally:
        committer.stop()
        services.close()


@dataclass
class Row:
    store: str
    path: str
    rate: float
    raw: float
    p99_ms: float | None = None
    # Hello-world requests/s around this row (HTTP rows only).
    hello: float | None = None


def measure(
    store: str,
    fresh_url: Callable[[], str],
    workdir: Path,
    events: int,
    clients: int,
    budget: float,
    hello: Callable[[], float],
    kafka_bootstrap: str | None = None,
) -> list[Row]:
    raw = raw_append_rate(fresh_url(), events)
    rows = [Row(store, "raw Application.save", raw, raw)]
    rate = ledger_rate(fresh_url(), events, clients, budget)
    rows.append(Row(store, f"ledger, {clients} threads", rate, raw))
    layouts = [(False, None), (True, None)]
    if kafka_bootstrap is not None:
        layouts.append((False, kafka_bootstrap))
    for one_subject, bootstrap in layouts:
        latencies: list[float] = []
        rates, hellos = [], []
        with served(fresh_url(), workdir, bootstrap) as (url, key, _):
            for number in range(SLICES):
                hellos.append(hello())
                rates.append(
                    http_rate(
                        url,
                        key,
                        events,
                        clients,
                        one_subject,
                        budget,
                        latencies,
                        number,
                    )
                )
            hellos.append(hello())
        http = "HTTP" if bootstrap is None else "HTTP+Kafka"
        target = "1 subject" if one_subject else f"{clients} subjects"
        p99 = percentile(latencies, 99)
        rows.append(
            Row(store, f"{http}, {target}", median(rates), raw, p99, median(hellos))
        )
    return rows


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    budget = 10.0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-recording-") as tmp:
        workdir = Path(tmp)
        counter = iter(range(1_000_000))

        def sqlite_url() -> str:
            return f"sqlite:///{workdir / f'ledger-{next(counter)}.sqlite3'}"

        postgres, broker = PostgresServer(), KafkaBroker()
        with hello_world(workdir) as (hello_url, hello_key):

            def hello() -> float:
                return http_rate(hello_url, hello_key, events, clients, False, budget)

            rows = measure(
                "SQLite", sqlite_url, workdir, events, clients, budget, hello
            )
            try:
                postgres.start()
                broker.start()
                rows += measure(
                    "PostgreSQL",
                    postgres.make_database,
                    workdir,
                    events,
                    clients,
                    budget,
                    hello,
                    broker.bootstrap,
                )
            finally:
                broker.close()
                postgres.close()

    print(
        f"\nup to {events} events per slice (each client stops after {budget:.0f} s), "
        f"{clients} client threads (ledger) or connections (HTTP);\none event per "
        "request, command or raw "
        "transaction; one uvicorn worker;\nper-key rate limit off\n"
    )
    print(
        f"{'store':<11} {'path':<26} {'events/s':>9} {'vs raw':>7} {'p99 ms':>7} "
        f"{'hello-world/s':>14} {'vs hello':>9}"
    )
    for row in rows:
        p99 = f"{row.p99_ms:>7.1f}" if row.p99_ms is not None else f"{'-':>7}"
        around = (
            ""
            if row.hello is None
            else f" {row.hello:>14,.0f} {row.rate / row.hello:>8.2f}x"
        )
        print(
            f"{row.store:<11} {row.path:<26} {row.rate:>9,.0f} "
            f"{row.rate / row.raw:>6.2f}x {p99}{around}"
        )
    print(
        f"\neach HTTP row: the median of {SLICES} slices; hello-world: a FastAPI "
        "POST of the same body, measured before each slice and after the last "
        "(the median)"
    )
    print(f"\ntotal {time.perf_counter() - began:.0f} s")
    for row in rows:
        if row.hello is not None:
            report(
                f"recording over {row.path.split(', ')[0]}, {row.store}, "
                f"{row.path.split(', ')[1]}",
                f"{row.rate:,.0f} ev/s (p99 {row.p99_ms or 0:.0f} ms)",
                f"hello-world around it {row.hello:,.0f}/s",
                row.rate / row.hello,
                # The target is for requests to different subjects
                # sharing a transaction; all on one subject is shown beside it.
                "-" if row.path.endswith("1 subject") else ">= 0.60",
            )


if __name__ == "__main__":
    main()
