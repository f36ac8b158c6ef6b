"""Preloaded last by the line workers' fork server: once the command or service
it forks workers for is gone, the fork server leaves at once.

Python's own exit would first tear down the modules it preloaded, a tenth of a
second during which it still holds that command's output open, so whoever reads
the output (a script, the benchmark) waits for it. The fork server has nothing
to flush or close, and its workers, forked before, leave by ``os._exit`` anyway.
Imported anywhere else, this does nothing.
"""

from __future__ import annotations

import atexit
import os
import sys
from multiprocessing import forkserver
from types import FrameType


def _preloaded_by_fork_server() -> bool:
    """Whether the fork server's preload imports this module: the nearest frame
    beyond this module and the import machinery is the fork server's ``main``
    (its workers run inside that function too, but import from further in)."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_IMPORTING):
        frame = frame.f_back
    return frame is not None and frame.f_code is forkserver.main.__code__


_IMPORTING = "<frozen importlib"
# Whether this process is the fork server (its workers inherit the answer).
IN_FORK_SERVER = _preloaded_by_fork_server()
if IN_FORK_SERVER:
    atexit.register(os._exit, 0)
