"""Pages of the log read ahead by a thread, so the database works while the
verifier checks: the reading thread waits in the driver without the GIL."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence

from application.audit_event_log import LogRow


def prefetched(
    pages: Iterator[Sequence[LogRow]], depth: int
) -> Iterator[Sequence[LogRow]]:
    """``pages``, the next ``depth`` of them read ahead."""
    # A page, the error that ended the reading, or None at the end.
    ready: queue.Queue[Sequence[LogRow] | BaseException | None] = queue.Queue(depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for page in pages:
                if not _put(ready, page, stop):
                    return
            _put(ready, None, stop)
        except BaseException as error:
            _put(ready, error, stop)

    reader = threading.Thread(target=read, name="audit-log-reader", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _put(
    ready: queue.Queue[Sequence[LogRow] | BaseException | None],
    item: Sequence[LogRow] | BaseException | None,
    stop: threading.Event,
) -> bool:
    """Hand ``item`` over unless the reading was stopped; False if it was."""
    while not stop.is_set():
        try:
            ready.put(item, timeout=0.1)
        except queue.Full:
            continue
        return True
    return False
