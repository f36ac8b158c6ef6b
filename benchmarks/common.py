"""Shared by the benchmarks: one result line format that run_all.py collects.

Every benchmark prints its figures for a person and, for each headline figure, one
machine line ``RESULT\t<figure>\t<value>\t<baseline>\t<ratio>\t<target>`` where the
baseline was measured in the same run (these machines are noisy).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from pathlib import Path

from eventsourcing.domain import Aggregate, event

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULT_PREFIX = "RESULT\t"


class Dot(Aggregate):
    """A trivial aggregate: what the raw-store baselines save."""

    @event("Ticked")
    def tick(self) -> None:
        pass


def interpreter() -> str:
    """The Python the figures were measured on, and which build of it: a build
    without profile-guided optimisation runs the same code a third slower."""
    return f"Python {platform.python_version()} ({os.path.realpath(sys.executable)})"


def processor() -> str:
    """The processor the figures were measured on, as Linux names it, and its
    cores: these machines are not all alike, and their speed differs by twice."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip()
                for line in info
                if line.startswith("model name")
            ]
    except OSError:
        names = []
    name = names[0] if names else platform.processor() or platform.machine()
    return f"{name}, {os.cpu_count()} cores"


def report(figure: str, value: str, baseline: str, ratio: float, target: str) -> None:
    print(
        f"{RESULT_PREFIX}{figure}\t{value}\t{baseline}\t{ratio:.2f}\t{target}",
        flush=True,
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")
