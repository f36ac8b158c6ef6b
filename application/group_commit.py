"""Group commit: concurrent requests share one store transaction.

The store serialises writers (the PostgreSQL recorder locks the table per insert),
so throughput comes from more events per transaction. Callers on many threads
submit commands; one committer thread takes whatever is waiting, up to a bound,
and records it with ``record_many``. Each caller still gets its own result, and a
rule broken by one command never fails the others.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from application.commands import RecordCommand
from application.ledger import CreditLedger
from application.results import CommandResult

Outcome = CommandResult | Exception
LoopAnswer = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Outcome]"]
# A future, its outcome, and whether the outcome is the commit's own failure.
Settled = tuple["asyncio.Future[Outcome]", Outcome, bool]


@dataclass(frozen=True, slots=True)
class _Waiting:
    command: RecordCommand
    # Running once the command's commit starts; cancelled before, it is skipped.
    turn: Future[Outcome]
    answer: LoopAnswer | None = None


def result_of(outcome: Outcome) -> CommandResult:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


class GroupCommitter:
    def __init__(self, ledger: CreditLedger, max_batch: int = 200) -> None:
        self._ledger = ledger
        self._max_batch = max_batch
        self._waiting: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._commit_loop, name="group-commit", daemon=True
        )
        self._thread.start()

    def record(self, command: RecordCommand, timeout: float = 30.0) -> CommandResult:
        return result_of(self.submit(command).result(timeout=timeout))

    def submit(self, command: RecordCommand) -> Future[Outcome]:
        """The command queued for the next commit; its outcome arrives in the
        future."""
        future: Future[Outcome] = Future()
        self._waiting.put(_Waiting(command, future))
        return future

    def submit_from(
        self, loop: asyncio.AbstractEventLoop, command: RecordCommand
    ) -> asyncio.Future[Outcome]:
        """The command queued for the next commit, its outcome answered in the
        event loop (cancelled before its commit starts, it is not recorded).

        All of a loop's commands in a commit are answered in one call of the
        loop. A future each, wrapped for the loop, woke it once per command:
        each wake-up a system call that gave up the interpreter's lock to the
        request thread, and a wait for the committer to get it back.
        """
        answer: asyncio.Future[Outcome] = loop.create_future()
        turn: Future[Outcome] = Future()
        answer.add_done_callback(partial(_skip_if_cancelled, turn))
        self._waiting.put(_Waiting(command, turn, (loop, answer)))
        return answer

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

    def _commit(self, batch: list[_Waiting]) -> None:
        # A caller that gave up before its turn is not recorded; once running,
        # its turn can no longer be cancelled and is always answered.
        batch = [w for w in batch if w.turn.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            outcomes = self._ledger.record_many([w.command for w in batch])
        except Exception as error:
            # Whatever went wrong, every waiting caller must get an answer.
            _answer(batch, [error] * len(batch), failed=True)
            return
        _answer(batch, outcomes, failed=False)


def _skip_if_cancelled(turn: Future[Outcome], answer: asyncio.Future[Outcome]) -> None:
    if answer.cancelled():
        turn.cancel()


def _answer(batch: list[_Waiting], outcomes: list[Outcome], failed: bool) -> None:
    in_loops: dict[asyncio.AbstractEventLoop, list[Settled]] = {}
    for waiting, outcome in zip(batch, outcomes, strict=True):
        if waiting.answer is None:
            _settle(waiting.turn, outcome, failed)
        else:
            loop, answer = waiting.answer
            in_loops.setdefault(loop, []).append((answer, outcome, failed))
    for loop, settled in in_loops.items():
        # A loop closed meanwhile (the server stopping) has no one waiting.
        with suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle_all, settled)


def _settle_all(settled: list[Settled]) -> None:
    for answer, outcome, failed in settled:
        if not answer.done():  # its caller may have given up (a timeout)
            _settle(answer, outcome, failed)


def _settle(
    future: Future[Outcome] | asyncio.Future[Outcome], outcome: Outcome, failed: bool
) -> None:
    if failed and isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
