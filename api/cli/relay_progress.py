"""``relay --once``'s progress bar, as the other long commands show theirs."""

from __future__ import annotations

import sys
from typing import NoReturn

from tqdm import tqdm


class PublishingBar:
    """Made once the relay knows how many events wait after its position (a
    ``PublishProgress``); it counts what was published, for the last line."""

    def __init__(self) -> None:
        self.count = 0
        self._bar: tqdm[NoReturn] | None = None

    def starting(self, pending: int) -> None:
        self._bar = tqdm(total=pending, unit="event", file=sys.stderr)

    def published(self, count: int) -> None:
        self.count += count
        if self._bar is None:
            return
        if self.count > (self._bar.total or 0):
            # Stored meanwhile, or sent again after the broker lost records.
            self._bar.total = self.count
        self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
