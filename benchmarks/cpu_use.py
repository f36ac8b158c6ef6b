"""Where a benchmark's CPU time goes, process by process (Linux ``/proc``).

Every process of the run shares the machine's cores: the client sending the
work, the service or command recording it, its worker processes and
PostgreSQL's. Their CPU time per line, summed, says how many lines a second
the cores could give at best at that cost, and so how much of a shortfall is
waiting rather than work.

A process's CPU time is read from ``/proc/<pid>/stat`` every ``INTERVAL``; one
that ends between two readings loses what it spent since the last (a worker of
an import ends with it), so the figures are slightly low, never high.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.1
TICKS = os.sysconf("SC_CLK_TCK")
# The roles, in the order they are reported.
ROLES = ("client", "service", "workers", "PostgreSQL")
# The role of a root's descendants, for the roots whose descendants count.
DESCENDANTS = {"service": "workers", "PostgreSQL": "PostgreSQL"}


@dataclass
class CpuUse:
    """CPU seconds by role, summed once the sampling has ended. ``roots`` may
    be added to while sampling (the command a benchmark has just started)."""

    roots: dict[int, str]
    seconds: dict[str, float] = field(default_factory=dict)

    def per_line(self, lines: int) -> str:
        """``client 12.9, ...; 155.7 in all, so N cores allow at most X/s``."""
        parts = [
            f"{role} {1e6 * self.seconds[role] / lines:.1f}"
            for role in ROLES
            if role in self.seconds
        ]
        total = sum(self.seconds.values()) / lines
        cores = os.cpu_count() or 1
        return (
            f"CPU per line (µs): {', '.join(parts)}; {1e6 * total:.1f} in all, "
            f"so {cores} cores allow at most {cores / total:,.0f} lines/s"
        )


@contextmanager
def sampled(roots: dict[int, str]) -> Iterator[CpuUse]:
    """Samples the CPU time of ``roots`` (pid: role) while the block runs, and
    of the descendants of the ``service`` (the service, or the import command),
    its ``workers``, and of ``PostgreSQL`` (its backends). The ``client`` is the
    benchmark's own process alone: the servers it starts are not its work."""
    use = CpuUse(roots)
    first: dict[int, float] = {}
    last: dict[int, tuple[str, float]] = {}
    stop = threading.Event()

    def sample(initial: bool = False) -> None:
        for pid, (role, cpu) in _tree(use.roots).items():
            # What a process spent before the block is not counted.
            first.setdefault(pid, cpu if initial else 0.0)
            last[pid] = (role, cpu)

    sample(initial=True)

    def keep_sampling() -> None:
        while not stop.wait(INTERVAL):
            sample()

    sampler = threading.Thread(target=keep_sampling, name="cpu-use", daemon=True)
    sampler.start()
    try:
        yield use
    finally:
        stop.set()
        sampler.join()
        sample()
        for pid, (role, cpu) in last.items():
            use.seconds[role] = use.seconds.get(role, 0.0) + cpu - first[pid]


def _tree(roots: Mapping[int, str]) -> dict[int, tuple[str, float]]:
    """Each process of the roots' trees: its role and CPU seconds so far."""
    found: dict[int, tuple[str, float]] = {}
    for root, role in list(roots.items()):
        below = DESCENDANTS.get(role)
        waiting = [(root, role)]
        while waiting:
            pid, pid_role = waiting.pop()
            if pid in found and pid not in roots:
                continue
            cpu = _cpu_seconds(pid)
            if cpu is None:
                continue  # ended meanwhile
            found[pid] = (pid_role, cpu)
            if below is not None:
                waiting += [(c, below) for c in _children(pid) if c not in roots]
    return found


def _cpu_seconds(pid: int) -> float | None:
    """User and system time of the process, its threads included."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command's name, which may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    """Children of every thread of the process (a thread that starts one is
    its parent as far as /proc tells)."""
    found: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            found += map(int, Path(task.path, "children").read_text().split())
    except OSError:
        pass
    return found


def postmaster_pid(data_dir: Path) -> int:
    """The PostgreSQL server's process, as its data directory records it."""
    return int((data_dir / "postmaster.pid").read_text().split()[0])
