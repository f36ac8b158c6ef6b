"""Decided-upon subjects kept in memory between commands, owned by one writer at a time.

A subject is taken out while a command decides on it and put back only after its
events were stored, so a failed save or a concurrent writer never leaves a stale or
half-changed subject behind: the store's unique (subject, version) constraint
catches any staleness, and the retry then loads from the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from domain.subject import CreditSubject


class SubjectCache:
    def __init__(self, max_size: int = 10_000) -> None:
        self._max_size = max_size
        self._subjects: OrderedDict[str, CreditSubject] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, code: str) -> CreditSubject | None:
        with self._lock:
            return self._subjects.pop(code, None)

    def put_back(self, subjects: list[CreditSubject]) -> None:
        with self._lock:
            for subject in subjects:
                cached = self._subjects.get(subject.code)
                # Another writer of this process may have stored a later version
                # meanwhile (it loaded from the store while this one was out).
                if subject.pending_events or (
                    cached is not None and cached.version > subject.version
                ):
                    continue
                self._subjects[subject.code] = subject
                self._subjects.move_to_end(subject.code)
            while len(self._subjects) > self._max_size:
                self._subjects.popitem(last=False)
