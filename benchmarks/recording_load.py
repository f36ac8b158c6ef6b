"""Background recording at a steady rate, for the lag figures the issue asks for
"at half the recording load", and the commit times those figures start from.

The load is paced, not flat out: a thread submits one ``InformationRecorded``
command every ``1 / rate`` seconds to a group committer (as concurrent requests
would arrive), round robin over subjects of its own, and never waits for one
before submitting the next. The rate it reached is reported, and any command it
had refused fails the benchmark.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field

from application.commands import Actor, RecordCommand
from application.group_commit import GroupCommitter, Outcome
from application.ledger import CreditLedger
from tests.factories import fields_of, information, uscc

# Half of what the production layout records over HTTP on the 2-core machine
# (2,345-2,575 events/s in the README's table, by ``bench_recording.py``'s
# eight connections).
HALF_RECORDING_LOAD = 1250.0
LOAD_ACTOR = Actor(department="market-regulation", actor="load")


@dataclass
class Load:
    rate: float
    submitted: int = 0
    seconds: float = 0.0
    outcomes: list[Future[Outcome]] = field(default_factory=list)

    @property
    def reached(self) -> float:
        return self.submitted / self.seconds if self.seconds else 0.0


class CommitTimes:
    """A commit listener: when each commit ended, by the position it reached.

    With other commits going on, "the last commit" is not the sample's own; its
    position names it."""

    def __init__(self, ledger: CreditLedger) -> None:
        self._times: dict[int, float] = {}
        # First in line: the moment the commit is done, before any runner wakes.
        ledger.commit_listeners.insert(0, self._committed)

    def _committed(self, head: int) -> None:
        self._times[head] = time.perf_counter()

    def of(self, position: int) -> float:
        return self._times[position]


@contextmanager
def recording_load(
    ledger: CreditLedger, rate: float, first_serial: int, subjects: int = 50
) -> Iterator[Load]:
    codes = [uscc(first_serial + n) for n in range(subjects)]
    for code in codes:
        ledger.register_subject(code, "load", LOAD_ACTOR)
    committer = GroupCommitter(ledger)
    load = Load(rate)
    stop = threading.Event()

    def submit() -> None:
        started = next_at = time.perf_counter()
        while not stop.is_set():
            body = information(f"L{load.submitted}")
            command = RecordCommand(
                codes[load.submitted % subjects],
                "InformationRecorded",
                fields_of(body),
                LOAD_ACTOR,
            )
            load.outcomes.append(committer.submit(command))
            load.submitted += 1
            next_at += 1 / rate
            stop.wait(max(0.0, next_at - time.perf_counter()))
        load.seconds = time.perf_counter() - started

    thread = threading.Thread(target=submit, name="recording-load", daemon=True)
    thread.start()
    try:
        yield load
    finally:
        stop.set()
        thread.join()
        outcomes = [f.result(60) for f in load.outcomes]
        committer.stop()
        refused = [o for o in outcomes if isinstance(o, Exception)]
        if refused:
            msg = f"{len(refused)} load commands refused"
            raise RuntimeError(msg) from refused[0]
