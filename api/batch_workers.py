"""``POST /v1/events:batch`` through worker processes, as ``import`` does it.

Recording a line costs about a tenth of a millisecond of Python, so one process
caps a batch near what one core does, and while it records, the service's other
requests wait for it. A batch of at least ``MIN_LINES_FOR_WORKERS`` lines is
therefore recorded by worker processes (one per usable core unless configured),
each subject's lines always by the same one and in the batch's order; the
service's own process only splits the body and joins the answers. The workers
are set up in the background when the service starts and live as long as it;
after a failure, the next large batch starts new ones.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from operator import itemgetter

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

from api.line_workers import (
    Answers,
    InModule,
    Lines,
    LineWorkers,
    LoadLines,
)
from application.clock import SystemClock
from application.commands import Actor
from application.cores import usable_cores
from application.ledger import CreditLedger
from infrastructure.bootstrap import Services
from infrastructure.settings import Settings

# What the workers import before they fork, and where their functions are.
WORKER_MODULE = "api.batch_worker_setup"
BATCH_LINES = "api.batch_lines"
# Below this, handing the lines over costs more than it saves.
MIN_LINES_FOR_WORKERS = 500
# Lines a worker stores in one transaction, as the service does in-process.
CHUNK = 500
RETRY_AFTER_SECONDS = 1

log = logging.getLogger("credit_ledger.batch")


class BatchWorkers:
    """The service's batch workers, started once and replaced after a failure."""

    def __init__(self, settings: Settings, ledger: CreditLedger, count: int) -> None:
        self._settings = settings
        self._ledger = ledger
        self.count = count
        self._workers: LineWorkers | None = None
        self._lock = threading.Lock()

    def start_in_background(self) -> None:
        """Sets the workers up while the service answers, so that its first
        large batch does not wait for them (a second or so)."""
        warming = threading.Thread(target=self._warm_up, name="batch-workers")
        warming.daemon = True
        warming.start()

    async def answers(
        self, lines: Lines, actor: Actor, scopes: frozenset[str]
    ) -> list[tuple[int, bytes]]:
        """Each line's status and result as JSON, in the batch's order."""
        answer = InModule(BATCH_LINES, "answered_lines")
        load = partial(answer, actor=actor, scopes=scopes)
        # In a thread: workers that are not yet running start first.
        workers = await run_in_threadpool(self._started)
        try:
            answered = await run_in_threadpool(_recorded, workers, load, lines)
        except BrokenProcessPool:
            await run_in_threadpool(self._discard, workers)
            raise HTTPException(
                503,
                "A batch worker stopped; send the batch again (lines with an "
                "idempotency_key are not stored twice)",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            ) from None
        except Exception:
            # The store failed them, say: the next batch starts afresh.
            await run_in_threadpool(self._discard, workers)
            raise
        finally:
            await run_in_threadpool(self._ledger.stored_elsewhere)
        answered.sort(key=itemgetter(0))
        return [answer for _, answer in answered]

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.close()

    def _started(self) -> LineWorkers:
        with self._lock:
            if self._workers is None:
                setup = partial(InModule(WORKER_MODULE, "open_ledger"), self._settings)
                preload = [WORKER_MODULE, BATCH_LINES]
                self._workers = LineWorkers(self.count, setup, preload)
            return self._workers

    def _warm_up(self) -> None:
        workers = self._started()
        try:
            workers.start()
        except Exception as error:
            kind = type(error).__name__
            log.warning("batch workers could not start (%s): %s", kind, error)
            self._discard(workers)

    def _discard(self, workers: LineWorkers) -> None:
        """Leaves these workers (others may already have replaced them); what
        other batches handed them still runs, or fails on its own."""
        with self._lock:
            if self._workers is workers:
                self._workers = None
        workers.close(wait=False, cancel=False)


def _recorded(workers: LineWorkers, load: LoadLines, lines: Lines) -> Answers:
    """The lines handed to the workers a chunk at a time (each worker stores up
    to ``CHUNK`` of them in one transaction), and their answers, waited for in
    a thread: a worker killed while it sent its answers would leave an awaited
    future waiting for ever, where ``Share.answers`` notices the death."""
    step = CHUNK * workers.count
    shares = [
        share
        for start in range(0, len(lines), step)
        for share in workers.submit(load, lines[start : start + step])
    ]
    answered: Answers = []
    for share in shares:
        answered += share.answers()
    return answered


def batch_workers_for(settings: Settings, services: Services) -> BatchWorkers | None:
    """Workers for large batches, unless configured off (0), or the store lives
    in this process's memory, or the clock is not the system's (a clock the
    caller sets, as tests do, cannot be shared with other processes)."""
    count = settings.batch_workers
    if count is None:
        count = usable_cores()
    if (
        count == 0
        or settings.store_kind == "memory"
        or not isinstance(services.clock, SystemClock)
    ):
        return None
    return BatchWorkers(settings, services.ledger, count)
