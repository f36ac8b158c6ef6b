"""Rebuilding groups of views in worker processes at the same time.

Each process reads and decodes the log once for its own group of views, so the
cores share the decoding and projecting that one process would do alone, at
the price of one more read of the log per process. Workers only fill shadow
tables: the caller then catches every shadow up and swaps them all in one
transaction, so a worker that fails or is stopped leaves the live views as
they were.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from infrastructure.views.fan_out import FanOutRunner
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import Progress, shadow_of

# The caller runs threads (connection pools): a forked child could inherit a
# lock held by one of them.
_SPAWN = multiprocessing.get_context("spawn")
POLL_SECONDS = 0.2
# Two shares balance well (the public views, then the others); more add reads.
DEFAULT_PROCESSES = 2
if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    Counter: TypeAlias = Synchronized[int]


class RebuildWorkerFailed(RuntimeError):
    """A worker process failed: ``which`` names each one and how it ended."""

    def __init__(self, which: str) -> None:
        super().__init__(f"failed in its own process: {which}")
        self.which = which


def balanced(weights: Mapping[str, int], groups: int) -> list[list[str]]:
    """The names in at most ``groups`` groups of near-equal total weight, the
    heaviest group first."""
    bins: list[tuple[int, list[str]]] = []
    for name in sorted(weights, key=lambda n: (-weights[n], n)):
        if len(bins) < groups:
            bins.append((weights[name], [name]))
            continue
        lightest = min(range(len(bins)), key=lambda i: bins[i][0])
        weight, names = bins[lightest]
        bins[lightest] = (weight + weights[name], [*names, name])
    return [names for _, names in sorted(bins, key=lambda b: -b[0])]


class WorkerProcesses:
    """Fills the shadows of the views named in ``PROJECTIONS``: the heaviest
    group in this process, every other group in a process of its own."""

    def __init__(self, settings: Settings, processes: int = DEFAULT_PROCESSES) -> None:
        self.settings = settings
        self.processes = processes

    def fill(
        self,
        ledger: CreditLedger,
        projections: Mapping[str, Projection[Any]],
        progress: Progress | None,
        batch_size: int,
    ) -> None:
        weights = {name: len(p.view.tables) for name, p in projections.items()}
        here, *elsewhere = balanced(weights, self.processes)
        counters: list[Counter] = []
        workers = []
        try:
            for names in elsewhere:
                counter: Counter = _SPAWN.Value("q", 0)
                worker = _SPAWN.Process(
                    target=fill_group,
                    args=(self.settings, names, batch_size, counter),
                    name=f"rebuild {', '.join(names)}",
                    daemon=True,
                )
                with _interrupts_held():
                    worker.start()
                counters.append(counter)
                workers.append(worker)
            combined = _Combined(progress, counters)
            runner = FanOutRunner(
                ledger, [projections[n] for n in here], batch_size=batch_size
            )
            runner.catch_up(combined.add_here)
            for worker in workers:
                while worker.is_alive():
                    worker.join(POLL_SECONDS)
                    combined.report()
            combined.report()
            failed = [w for w in workers if w.exitcode != 0]
            if failed:
                which = "; ".join(f"{w.name} ({_ended(w.exitcode)})" for w in failed)
                raise RebuildWorkerFailed(which)
        finally:
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join()


def _ended(exitcode: int | None) -> str:
    """How a worker process ended: ``exit 1``, ``killed by SIGKILL, exit -9``."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}, exit {exitcode}"
        except ValueError:
            pass
    return f"exit {exitcode}"


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """A process started meanwhile never takes Ctrl-C, which reaches every
    process of the terminal's job: the rebuild decides what it means, and stops
    its workers. This process takes it once it is let through again."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def worker_processes_for(
    settings: Settings, asked: int | None = None
) -> WorkerProcesses | None:
    """The processes that rebuild the views of this store: ``asked``, else one
    per core up to ``DEFAULT_PROCESSES`` on PostgreSQL, and one on SQLite,
    which takes one writer at a time (a second process mostly waits for its
    lock: measured slower). An in-memory store exists in this process only."""
    if settings.store_kind == "memory":
        return None
    if asked is None and settings.store_kind == "postgres":
        asked = min(DEFAULT_PROCESSES, os.cpu_count() or 1)
    elif asked is None:
        asked = 1
    return WorkerProcesses(settings, asked) if asked > 1 else None


def fill_group(
    settings: Settings, names: Sequence[str], batch_size: int, done: Counter
) -> None:
    """A worker process: fills the shadows of ``names`` up to the log's head."""
    services = build_services(settings)
    try:
        views = services.read_models.views
        runner = FanOutRunner(
            services.ledger,
            [PROJECTIONS[name].projection(shadow_of(views[name])) for name in names],
            batch_size=batch_size,
        )

        def count(events: int) -> None:
            with done.get_lock():
                done.value += events

        runner.catch_up(count)
    finally:
        services.close()


class _Combined:
    """Progress of the slowest group: every view holds the events up to it."""

    def __init__(self, progress: Progress | None, counters: list[Counter]) -> None:
        self._progress = progress
        self._counters = counters
        self._here = 0
        self._reported = 0

    def add_here(self, events: int) -> None:
        self._here += events
        self.report()

    def report(self) -> None:
        done = min([self._here, *(int(c.value) for c in self._counters)])
        if self._progress is not None and done > self._reported:
            self._progress(done - self._reported)
            self._reported = done
