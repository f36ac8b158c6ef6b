"""``credit-ledger project ...`` that kills itself (SIGKILL) once its N-th batch
has written its view rows but before that transaction commits.

Run: ``python -m tests.crashing_consumer N project --source kafka ...``
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from api.cli.main import main
from infrastructure.views.write_behind import WriteBehind


def crash_after_writes(batches: int) -> None:
    flush = WriteBehind.flush
    written = 0

    def flush_then_die(self: WriteBehind, cursor: Any, *how: Any) -> None:
        nonlocal written
        flush(self, cursor, *how)
        written += 1
        if written >= batches:
            os.kill(os.getpid(), signal.SIGKILL)

    WriteBehind.flush = flush_then_die  # type: ignore[method-assign]


if __name__ == "__main__":
    crash_after_writes(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
