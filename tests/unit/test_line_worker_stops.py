"""A worker process's death stops an import in the same words whichever part
noticed it first: this process's watch, or the pool itself, whose own words
come from ``submit`` once it is broken, or with a share's answers."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from typing import Any, cast

import pytest

from api.line_workers import LineWorkerFailed, LineWorkers, load_in_workers

POOLS_OWN_WORDS = (
    "A child process terminated abruptly, the process pool is not usable anymore"
)


class _DeadShare:
    def done(self) -> bool:
        return True

    def answers(self) -> Any:
        raise BrokenProcessPool(POOLS_OWN_WORDS)


class _BrokenPool:
    count = 1

    def __init__(self, *, broken_at_submit: bool) -> None:
        self._broken_at_submit = broken_at_submit

    def submit(self, load: Any, lines: Any) -> list[_DeadShare]:
        if self._broken_at_submit:
            raise BrokenProcessPool(POOLS_OWN_WORDS)
        return [_DeadShare()]


def _nothing(context: Any, lines: Any) -> list[None]:
    return []


@pytest.mark.parametrize("broken_at_submit", [True, False], ids=["submit", "answers"])
def test_a_death_the_pool_noticed_first_is_told_as_the_watch_tells_it(
    broken_at_submit: bool,
) -> None:
    pool = cast(LineWorkers, _BrokenPool(broken_at_submit=broken_at_submit))

    with pytest.raises(LineWorkerFailed) as stopped:
        list(load_in_workers(iter([[(1, "{}")]]), pool, _nothing))

    assert str(stopped.value) == "a worker process stopped: a worker process died"
