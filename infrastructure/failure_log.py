"""A loop that retries a failing step logs the failure once, not at every try.

The same failure (at the same position, the same kind of error saying the same)
is logged with its traceback when it begins, then reminded of in one line at
most every ``remind_every`` seconds while it repeats, and its end is logged
once. A store whose damaged event stops a loop would otherwise fill the log
with one traceback per retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

REMIND_EVERY_SECONDS = 600.0


class FailureLog:
    def __init__(
        self,
        log: logging.Logger,
        what: str,
        remind_every: float = REMIND_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._what = what
        self._remind_every = remind_every
        self._clock = clock
        self._failing: tuple[int | None, str, type[Exception], str] | None = None
        self._began = self._reminded = 0.0
        # How many tries in a row have failed the same way (0: none failing).
        self.times = 0

    def failed(self, error: Exception, position: int | None, where: str = "") -> None:
        """A try failed past ``position`` (None if it is not known); ``where``
        names its place further, if the caller knows it (a Kafka message's
        partition and offset)."""
        now = self._clock()
        failure = (position, where, type(error), str(error))
        if failure != self._failing:
            self._failing, self.times = failure, 1
            self._began = self._reminded = now
            self._log.error(
                "%s failed%s; retrying, and while it fails the same way only "
                "reminding of it every %d minutes",
                self._what,
                _place(position, where),
                self._remind_every // 60,
                exc_info=error,
            )
            return
        self.times += 1
        if now - self._reminded >= self._remind_every:
            self._reminded = now
            self._log.warning(
                "%s still failing%s: %s, %d tries in %d minutes "
                "(its traceback was logged when it began)",
                self._what,
                _place(position, where),
                type(error).__name__,
                self.times,
                (now - self._began) // 60,
            )

    def succeeded(self) -> None:
        """A try went through: the end of the failure, if there was one."""
        if self._failing is None:
            return
        position, where = self._failing[:2]
        # A warning, as the failure's reminders are: a log that shows them
        # shows this too.
        self._log.warning(
            "%s recovered%s after %d failed tries",
            self._what,
            _place(position, where),
            self.times,
        )
        self._failing, self.times = None, 0


def _place(position: int | None, where: str) -> str:
    past = "" if position is None else f" past position {position}"
    return past + (f" at {where}" if where else "")
