"""``make bench``: runs every benchmark, then prints one table of headline figures."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from common import RESULT_PREFIX, interpreter, processor

HERE = Path(__file__).resolve().parent


def main() -> int:
    rows: list[list[str]] = []
    failures = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        run = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, check=False
        )
        sys.stdout.write(run.stdout)
        if run.returncode != 0:
            failures.append(script.name)
            sys.stdout.write(run.stderr[-2000:])
        rows += [
            line.removeprefix(RESULT_PREFIX).split("\t")
            for line in run.stdout.splitlines()
            if line.startswith(RESULT_PREFIX)
        ]
    machine = f"{platform.node()} · {processor()} · {interpreter()}"
    print(f"\nBenchmarks on {machine}\n")
    header = ["figure", "value", "baseline (same run)", "ratio", "target"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    if failures:
        print(f"\nfailed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
