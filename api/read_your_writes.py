"""Read-your-writes: a read waits (bounded) until its view has the caller's
write, or answers 503 with Retry-After. Every answer names its position."""

from __future__ import annotations

import time
from collections.abc import Callable
from time import monotonic
from typing import Annotated

from eventsourcing.persistence import TrackingRecorder
from fastapi import HTTPException, Query, Response

POSITION_HEADER = "Credit-Ledger-Position"
RETRY_AFTER_SECONDS = 1
STORE_POLL_SECONDS = 0.05
# The answer of a read whose min_position is not reached in time.
NOT_REACHED = {"description": "min_position not reached in time (see Retry-After)"}

MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        description="Wait until the answer reflects at least this ledger position "
        "(the `position` a write returned); 503 with Retry-After if it does not "
        "within the server's bound.",
    ),
]


def await_position(
    view: TrackingRecorder,
    application_name: str,
    min_position: int | None,
    timeout: float,
) -> None:
    if not min_position:
        return  # position 0 is before the first event: every view has it
    try:
        view.wait(application_name, min_position, timeout=timeout)
    except TimeoutError:
        raise behind(min_position) from None


def behind(min_position: int) -> HTTPException:
    return HTTPException(
        503,
        f"This view has not yet reached position {min_position}; retry shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def report_position(response: Response, position: int) -> None:
    response.headers[POSITION_HEADER] = str(position)


def await_store_position(
    head: Callable[[], int], min_position: int | None, timeout: float
) -> int:
    """The store is always current; a position beyond its head is one another
    process has not committed yet, so it is polled for, within the bound."""
    deadline = monotonic() + timeout
    position = head()
    while min_position is not None and position < min_position:
        if monotonic() >= deadline:
            raise behind(min_position)
        time.sleep(STORE_POLL_SECONDS)
        position = head()
    return position
