"""Where a long-running command's log goes while it runs: standard error, masked.

Without a handler of its own, Python shows no INFO line (``project``'s
hand-over) and none at all of kafka-python's, which gives its loggers a
``NullHandler``: a broker outage went unsaid. Worse, a WARNING or ERROR line
went to Python's last-resort handler, which no masking filter is on: ``serve``
printed an unreadable history's full identity number. The service's own loggers
say what they do (INFO); the libraries only what goes wrong (WARNING), unless
the command says its own lines on them (``relay``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from infrastructure.log_masking import MaskingFilter

FORMAT = "%(levelname)s %(name)s: %(message)s"
SERVICE_LOGGER = "credit_ledger"


@contextmanager
def logging_to_stderr(libraries: bool = True) -> Iterator[None]:
    """Undone on leaving, so that a command run in-process (tests) leaves the
    caller's logging as it found it. Without ``libraries``, only the service's
    own loggers are shown."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(MaskingFilter())
    service = logging.getLogger(SERVICE_LOGGER)
    # The root logger's own level stays: WARNING, unless the caller chose.
    shown = logging.getLogger() if libraries else service
    level = service.level
    shown.addHandler(handler)
    service.setLevel(logging.INFO)
    try:
        yield
    finally:
        shown.removeHandler(handler)
        service.setLevel(level)
