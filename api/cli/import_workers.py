"""Import lines spread over worker processes, each subject always to the same one.

One process is bound by Python's per-event work (validation, deciding, hashing,
encoding); several use several cores. A subject's lines all go to one worker, in
file order, so its events are decided in the order the file gives them.
"""

from __future__ import annotations

import multiprocessing
import queue
import zlib
from collections.abc import Callable, Iterator
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from typing import Any

from api.schemas.batch import BatchLineResult

Lines = list[tuple[int, str]]
# Per chunk of lines, the answer for each: (line, result) or an error message.
Answer = tuple[int, list[tuple[int, BatchLineResult]]] | tuple[int, str]
LoadChunk = Callable[[Any, Lines], list[BatchLineResult]]
BACKLOG = 4


def worker_for(raw_line: str, workers: int) -> int:
    """The worker a line goes to, by its subject (lines without one go to 0)."""
    start = raw_line.find('"subject"')
    if start < 0:
        return 0
    value = raw_line[start + 9 :].lstrip(" :").split('"', 2)
    subject = "".join(value[1].split()).upper() if len(value) > 1 else ""
    return zlib.crc32(subject.encode()) % workers


def _work(
    setup: Callable[[], tuple[Any, Callable[[], None]]],
    load_chunk: LoadChunk,
    inbox: Queue[tuple[int, Lines] | None],
    outbox: Queue[Answer],
) -> None:
    try:
        context, close = setup()
    except Exception as error:
        outbox.put((-1, f"worker could not start: {error}"))
        return
    try:
        while (job := inbox.get()) is not None:
            number, lines = job
            try:
                results = load_chunk(context, lines)
            except Exception as error:
                outbox.put((number, f"{type(error).__name__}: {error}"))
                continue
            outbox.put((number, list(zip((n for n, _ in lines), results, strict=True))))
    finally:
        close()


def load_in_workers(
    chunks: Iterator[Lines],
    workers: int,
    setup: Callable[[], tuple[Any, Callable[[], None]]],
    load_chunk: LoadChunk,
) -> Iterator[list[tuple[int, BatchLineResult]]]:
    """Each chunk's results (in no particular order between chunks) as workers
    finish them; a worker's failure stops the import with its message."""
    spawn = multiprocessing.get_context("spawn")
    inboxes: list[Queue[tuple[int, Lines] | None]] = [
        spawn.Queue(BACKLOG) for _ in range(workers)
    ]
    outbox: Queue[Answer] = spawn.Queue()
    processes: list[SpawnProcess] = [
        spawn.Process(target=_work, args=(setup, load_chunk, inbox, outbox))
        for inbox in inboxes
    ]
    for process in processes:
        process.start()
    pending = 0
    try:
        for number, chunk in enumerate(chunks):
            parts: list[Lines] = [[] for _ in range(workers)]
            for line in chunk:
                parts[worker_for(line[1], workers)].append(line)
            for inbox, part in zip(inboxes, parts, strict=True):
                if part:
                    inbox.put((number, part))
                    pending += 1
            while pending and (pending > workers * BACKLOG or not outbox.empty()):
                yield _answered(_next(outbox, processes))
                pending -= 1
        while pending:
            yield _answered(_next(outbox, processes))
            pending -= 1
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()


class ImportWorkerFailed(RuntimeError):
    pass


def _next(outbox: Queue[Answer], processes: list[SpawnProcess]) -> Answer:
    while True:
        try:
            return outbox.get(timeout=1.0)
        except queue.Empty:
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if dead:
                msg = f"an import worker died (exit code {dead[0]})"
                raise ImportWorkerFailed(msg) from None


def _answered(answer: Answer) -> list[tuple[int, BatchLineResult]]:
    _, body = answer
    if isinstance(body, str):
        raise ImportWorkerFailed(body)
    return body
