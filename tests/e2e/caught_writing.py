"""A worker process caught while it writes its result: the process it answers is
stopped (SIGSTOP), so reads nothing, and a result larger than a pipe holds
(64 KiB) keeps the worker writing; killed then, it leaves the result
half-written."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from multiprocessing import connection
from pathlib import Path

# A worker busy with its work ends it and writes in well under this.
SETTLE_SECONDS = 2.0
TIMEOUT_SECONDS = 60.0


def waits_in(pid: int) -> str:
    """Where the kernel shows the process waiting; "" once it has left."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return ""


def writing(pid: int) -> bool:
    return "pipe_write" in waits_in(pid)  # anon_pipe_write since Linux 6.x


def stopped_with_a_worker_writing(
    command: int, workers: Callable[[], list[int]], busy: Callable[[], None]
) -> list[int]:
    """Stops ``command`` once one of its ``workers`` is held writing to a pipe:
    its workers, that one first. ``busy`` returns once the command has given
    its workers something to do; workers that had nothing when it was stopped
    have no result to write, so it goes on until ``busy`` returns again."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        busy()
        os.kill(command, signal.SIGSTOP)
        settled = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < settled:
            found = sorted(workers(), key=lambda pid: not writing(pid))
            if found and writing(found[0]):
                return found
            time.sleep(0.05)
        os.kill(command, signal.SIGCONT)
        assert time.monotonic() < deadline, f"no worker writes: {found}"


def descendants(pid: int) -> dict[int, int]:
    """Every live process below ``pid``, with its parent, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it left meanwhile
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child in children.get(parent, []):
            found[child] = parent
            todo.append(child)
    return found


def started_by_its_fork_server(command: int) -> list[int]:
    """The processes the command's fork server started: its workers."""
    return [pid for pid, parent in descendants(command).items() if parent != command]


def until_gone(pids: list[int], timeout: float) -> list[int]:
    """Waits, at most ``timeout`` seconds, for the processes to end (as their
    pidfds show, whoever their parent): those that did not."""
    descriptors: dict[int, int] = {}
    for pid in pids:
        try:
            descriptors[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            continue  # gone already
    try:
        deadline = time.monotonic() + timeout
        left = set(descriptors)
        while left and (remaining := deadline - time.monotonic()) > 0:
            left -= set(connection.wait(list(left), remaining))
        return sorted(descriptors[fd] for fd in left)
    finally:
        for fd in descriptors:
            os.close(fd)
