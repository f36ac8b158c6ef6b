"""Group commit: concurrent requests share one store transaction.

The store serialises writers (the PostgreSQL recorder locks the table per insert),
so throughput comes from more events per transaction. Callers on many threads
submit commands; one committer thread takes whatever is waiting, up to a bound,
and records it with ``record_many``. Each caller still gets its own result, and a
rule broken by one command never fails the others.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from application.commands import RecordCommand
from application.ledger import CreditLedger
from application.results import CommandResult

Outcome = CommandResult | Exception


def result_of(outcome: Outcome) -> CommandResult:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


class GroupCommitter:
    def __init__(self, ledger: CreditLedger, max_batch: int = 200) -> None:
        self._ledger = ledger
        self._max_batch = max_batch
        self._waiting: queue.SimpleQueue[tuple[RecordCommand, Future[Outcome]]] = (
            queue.SimpleQueue()
        )
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._commit_loop, name="group-commit", daemon=True
        )
        self._thread.start()

    def record(self, command: RecordCommand, timeout: float = 30.0) -> CommandResult:
        return result_of(self.submit(command).result(timeout=timeout))

    def submit(self, command: RecordCommand) -> Future[Outcome]:
        """The command queued for the next commit; its outcome arrives in the future
        (so an event loop can await it without holding a thread)."""
        future: Future[Outcome] = Future()
        self._waiting.put((command, future))
        return future

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _commit_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                first = self._waiting.get(timeout=0.1)
            except queue.Empty:
                continue
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[tuple[RecordCommand, Future[Outcome]]]) -> None:
        # A caller that gave up before its turn is not recorded; once running,
        # its future can no longer be cancelled and is always answered.
        batch = [(c, f) for c, f in batch if f.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            outcomes = self._ledger.record_many([command for command, _ in batch])
        except Exception as error:
            # Whatever went wrong, every waiting caller must get an answer.
            for _, future in batch:
                future.set_exception(error)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            future.set_result(outcome)
