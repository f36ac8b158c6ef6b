"""Decided-upon subjects kept in memory between commands, owned by one writer at a time.

A subject is taken out while a command decides on it and put back only after its
events were stored, so a failed save or a concurrent writer never leaves a stale or
half-changed subject behind: the store's unique (subject, version) constraint
catches any staleness, and the retry then loads from the store.

A subject's state grows with its events, so the cache is bounded by the events
its subjects hold as well as by their number: memory stays bounded however a
few subjects grow. The least recently used go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from domain.subject import CreditSubject

DEFAULT_MAX_SUBJECTS = 50_000
DEFAULT_MAX_EVENTS = 500_000


class SubjectCache:
    def __init__(
        self,
        max_size: int = DEFAULT_MAX_SUBJECTS,
        max_events: int = DEFAULT_MAX_EVENTS,
    ) -> None:
        self._max_size = max_size
        self._max_events = max_events
        self._subjects: OrderedDict[str, CreditSubject] = OrderedDict()
        self._events = 0
        self._lock = threading.Lock()

    @property
    def held_events(self) -> int:
        return self._events

    def take(self, code: str) -> CreditSubject | None:
        with self._lock:
            subject = self._subjects.pop(code, None)
            if subject is not None:
                self._events -= subject.version
            return subject

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
                if cached is not None:
                    self._events -= cached.version
                self._subjects[subject.code] = subject
                self._subjects.move_to_end(subject.code)
                self._events += subject.version
            while self._subjects and (
                len(self._subjects) > self._max_size or self._events > self._max_events
            ):
                _, evicted = self._subjects.popitem(last=False)
                self._events -= evicted.version
