"""A loop's repeated failure: its traceback once, a one-line reminder at most
every interval while it repeats, one line when it ends."""

from __future__ import annotations

import logging

import pytest

from infrastructure.failure_log import FailureLog

LOGGER = "tests.failure_log"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def failures(clock: Clock) -> FailureLog:
    return FailureLog(logging.getLogger(LOGGER), "feeding", 600, clock)


def logged(caplog: pytest.LogCaptureFixture) -> list[tuple[int, bool, str]]:
    lines = [
        (r.levelno, r.exc_info is not None, r.getMessage())
        for r in caplog.records
        if r.name == LOGGER
    ]
    caplog.clear()
    return lines


def failure(message: str = "cannot decode") -> ValueError:
    try:
        raise ValueError(message)
    except ValueError as error:
        return error


def test_a_failure_that_repeats_is_logged_once_with_its_traceback(
    failures: FailureLog, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for _ in range(5):
            failures.failed(failure(), 4)
            clock.now += 30

    [(level, with_traceback, message)] = logged(caplog)
    assert (level, with_traceback) == (logging.ERROR, True)
    assert message.startswith("feeding failed past position 4")
    assert failures.times == 5


def test_a_repeated_failure_is_reminded_of_in_one_line_at_most_every_interval(
    failures: FailureLog, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        failures.failed(failure(), 4)
        logged(caplog)
        for _ in range(21):  # every 30 s: 10 minutes after the first
            clock.now += 30
            failures.failed(failure(), 4)

    assert logged(caplog) == [
        (
            logging.WARNING,
            False,
            "feeding still failing past position 4: ValueError, 21 tries in 10 "
            "minutes (its traceback was logged when it began)",
        )
    ]


@pytest.mark.parametrize(
    ("position", "message"),
    [pytest.param(5, "cannot decode", id="position"), (4, "cannot connect")],
)
def test_a_failure_at_another_position_or_with_another_error_is_logged_anew(
    failures: FailureLog,
    position: int,
    message: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        failures.failed(failure(), 4)
        failures.failed(failure(message), position)

    assert [(level, tb) for level, tb, _ in logged(caplog)] == [
        (logging.ERROR, True),
        (logging.ERROR, True),
    ]
    assert failures.times == 1


def test_the_end_of_a_failure_is_logged_once(
    failures: FailureLog, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        failures.succeeded()
        failures.failed(failure(), 4)
        failures.failed(failure(), 4)
        logged(caplog)
        failures.succeeded()
        failures.succeeded()

    assert logged(caplog) == [
        (
            logging.WARNING,
            False,
            "feeding recovered past position 4 after 2 failed tries",
        )
    ]
    assert failures.times == 0


def test_a_failure_named_by_its_place_says_it_in_every_line(
    failures: FailureLog, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    place = "partition 1, offset 12"
    with caplog.at_level(logging.INFO, logger=LOGGER):
        failures.failed(failure(), None, place)
        clock.now += 600
        failures.failed(failure(), None, place)
        failures.failed(failure(), None, "partition 1, offset 13")
        failures.succeeded()

    assert [message.split(";")[0] for _, _, message in logged(caplog)] == [
        "feeding failed at partition 1, offset 12",
        "feeding still failing at partition 1, offset 12: ValueError, 2 tries in 10 "
        "minutes (its traceback was logged when it began)",
        "feeding failed at partition 1, offset 13",
        "feeding recovered at partition 1, offset 13 after 1 failed tries",
    ]
