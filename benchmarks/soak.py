"""Soak and fault run: minutes of recording over HTTP while the API and a consumer
are killed with SIGKILL at random moments (loopback only, bounded in time).

Run: python benchmarks/soak.py [seconds=180] [clients=8]

The production shape on real services: PostgreSQL, a Kafka-protocol broker,
``serve`` (API, projections not in-process), ``relay`` and one
``project --source kafka`` consumer, each a process. Clients send events with an
``Idempotency-Key`` and resend the same request until it is acknowledged, as a
careful client does. Afterwards it checks that:
- every acknowledged request is in the store exactly once (by its request key);
- the Kafka-fed views equal a rebuild from the store, row by row;
- the API's resident memory did not grow over its longest life (flat memory).
It prints the figures and exits 1 if any check fails.

Each client writes to its own ``SUBJECTS_PER_CLIENT`` subjects in turn, as a
county's many enterprises with a few records each. The API keeps decided-upon
subjects in memory up to a number of events; that bound is set small here
(``CACHE_EVENTS``) so the cache is full within seconds, and any growth after
that is a leak, not the cache filling.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from common import report

from application.commands import Actor
from application.keys import KeyService
from domain.events import SubjectEvent
from infrastructure.bootstrap import build_key_store
from tests.factories import as_json, information, uscc
from tests.kafka_pipeline import PARTITIONS, Pipeline, pipeline, wait_until
from tests.services import HOST, KafkaBroker, PostgresServer, free_port

TOPIC = "soak"
SOAK = Actor(department="market-regulation", actor="soak")
FLAT_MEMORY_KIB = 20 * 1024
SUBJECTS_PER_CLIENT = 100
CACHE_EVENTS = 2_000


def subject_code(client: int, n: int) -> str:
    return uscc(1 + client * SUBJECTS_PER_CLIENT + n % SUBJECTS_PER_CLIENT)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Api:
    """``serve`` restarted on the same port after each kill; RSS sampled per life."""

    def __init__(self, line: Pipeline) -> None:
        self.line = line
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.lives: list[list[tuple[float, int]]] = []
        self.start()

    def start(self) -> None:
        self.process = self.line.spawn(
            str(Path(sys.executable).with_name("credit-ledger")),
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            name="serve",
        )
        self.lives.append([])
        wait_until(self.healthy, 60, "serve answering /healthz")

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def kill_and_restart(self) -> None:
        self.line.kill(self.process)
        self.start()

    def sample(self) -> None:
        kib = rss_kib(self.process.pid)
        if kib is not None:
            self.lives[-1].append((time.monotonic(), kib))


def client(
    api: Api, key: str, number: int, stop: threading.Event, acked: dict[str, int]
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    http = httpx.Client(timeout=10)
    n = 0
    while not stop.is_set():
        code = subject_code(number, n)
        request_key = f"soak-{number}-{n}"
        body = as_json(information(f"I{number}-{n}"))
        while True:
            try:
                response = http.post(
                    f"{api.url}/v1/subjects/{code}/events",
                    json=body,
                    headers={**headers, "Idempotency-Key": request_key},
                )
            except httpx.TransportError:
                time.sleep(0.05)  # the API is being restarted: resend the same
                continue
            if response.status_code == 201:
                acked[request_key] = response.json()["version"]
                break
            if response.status_code >= 500:
                time.sleep(0.05)
                continue
            msg = f"{request_key}: {response.status_code} {response.text}"
            raise RuntimeError(msg)
        n += 1


def request_key_counts(line: Pipeline) -> Counter[str]:
    counts: Counter[str] = Counter()
    recorder, mapper = line.ledger.recorder, line.ledger.mapper
    start = 1
    while batch := recorder.select_notifications(start=start, limit=5000):
        for notification in batch:
            event = mapper.to_domain_event(notification)
            assert isinstance(event, SubjectEvent)
            counts[event.request_key] += 1
        start = batch[-1].id + 1
    return counts


def memory_growth(lives: list[list[tuple[float, int]]]) -> tuple[float, float]:
    """Growth over the longest life, second half against the first (KiB, s)."""
    longest = max(lives, key=lambda life: life[-1][0] - life[0][0] if life else 0)
    half = len(longest) // 2
    if half < 2:
        return 0.0, 0.0
    first = sum(k for _, k in longest[:half]) / half
    second = sum(k for _, k in longest[half:]) / (len(longest) - half)
    return second - first, longest[-1][0] - longest[0][0]


def run_chaos(
    line: Pipeline,
    api: Api,
    consumer: subprocess.Popen[bytes],
    seconds: float,
    chaos: random.Random,
) -> Counter[str]:
    """Kill -9 the API or the consumer every 10-30 s; sample memory each second."""
    kills = Counter[str]()
    ends = time.monotonic() + seconds
    next_kill = time.monotonic() + chaos.uniform(10, 30)
    while time.monotonic() < ends:
        api.sample()
        if time.monotonic() >= next_kill:
            if chaos.random() < 0.5:
                api.kill_and_restart()
                kills["api"] += 1
            else:
                line.kill(consumer)
                consumer = line.consumer()
                kills["consumer"] += 1
            next_kill = time.monotonic() + chaos.uniform(10, 30)
        time.sleep(1)
    return kills


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 180.0
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    chaos = random.Random(20221020)
    # The per-key rate limit would measure itself, not the service under faults.
    os.environ["CREDIT_LEDGER_RATE_LIMIT_PER_SECOND"] = "0"
    os.environ["CREDIT_LEDGER_SUBJECT_CACHE_EVENTS"] = str(CACHE_EVENTS)
    postgres, broker = PostgresServer(), KafkaBroker()
    postgres.start()
    broker.start()
    try:
        broker.create_topic(TOPIC, partitions=PARTITIONS)
        with (
            tempfile.TemporaryDirectory(prefix="soak-") as tmp,
            pipeline(
                postgres.make_database(), broker.bootstrap, TOPIC, Path(tmp)
            ) as line,
        ):
            keys = KeyService(build_key_store(line.settings))
            _, key = keys.create(
                "market-regulation", "soak", {"record"}, datetime.now(UTC)
            )
            keys.close()
            for number in range(clients):
                for n in range(SUBJECTS_PER_CLIENT):
                    line.ledger.register_subject(
                        subject_code(number, n), f"耐久测试{number}-{n}", SOAK
                    )
            line.relay()
            consumer = line.consumer()
            api = Api(line)
            stop = threading.Event()
            acked: dict[str, int] = {}
            threads = [
                threading.Thread(target=client, args=(api, key, n, stop, acked))
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            kills = run_chaos(line, api, consumer, seconds, chaos)
            stop.set()
            for thread in threads:
                thread.join(60)
            head = line.wait_caught_up(timeout=120)
            counts = request_key_counts(line)
            doubled = [k for k in acked if counts[k] != 1]
            line.assert_views_equal_a_rebuild()
            growth, lived = memory_growth(api.lives)
            rate = len(acked) / seconds
            print(
                f"soak {seconds:.0f} s, {clients} clients: {len(acked)} acknowledged "
                f"({rate:.0f}/s), head {head}, kills {dict(kills)}"
            )
            print(f"acknowledged but not stored exactly once: {len(doubled)}")
            print("Kafka-fed views equal a rebuild from the store: yes")
            print(
                f"API memory over its longest life ({lived:.0f} s): {growth:+.0f} KiB"
            )
            report(
                "soak: acknowledged events stored exactly once",
                f"{len(acked) - len(doubled)}/{len(acked)}",
                "every acknowledged",
                (len(acked) - len(doubled)) / max(1, len(acked)),
                "1.00",
            )
            return 1 if doubled or growth > FLAT_MEMORY_KIB else 0
    finally:
        broker.close()
        postgres.close()


if __name__ == "__main__":
    sys.exit(main())
