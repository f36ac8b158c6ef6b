"""Where a long-running command's log goes while it runs: standard error, masked.

Without a handler of its own, Python shows no INFO line (``project``'s
hand-over) and none at all of kafka-python's, which gives its loggers a
``NullHandler``: a broker outage went unsaid. The service's own loggers say
what they do (INFO); the libraries only what goes wrong (WARNING).
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
def logging_to_stderr() -> Iterator[None]:
    """Undone on leaving, so that a command run in-process (tests) leaves the
    caller's logging as it found it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(MaskingFilter())
    root, service = logging.getLogger(), logging.getLogger(SERVICE_LOGGER)
    level = service.level
    # The root logger's own level stays: WARNING, unless the caller chose.
    root.addHandler(handler)
    service.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        service.setLevel(level)
