"""The refusal of a keyless lookup by identity number over its address's limit
(answered 429 by :mod:`api.problems` and by the portal's own page)."""

from __future__ import annotations


class TooManyIdentityLookups(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
