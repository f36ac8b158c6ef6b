"""What ``audit verify`` learns from each stored event's bytes, a page at a time.

Decoding and hashing is the one costly step of the verification, and the only
one that needs no other event, so it is done page by page, possibly in other
processes (``audit_workers``). The event is decoded and hashed exactly as the
audit log hashes it when logging (``stored_events.decoded``), so a hash that
differs here differs there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from application.audit_event_log import IdCache, LogRow
from application.stored_events import decoded_by

# The subject code and previous hash an event names (as stored: a tampered event
# may hold any value there) and its canonical hash; None if the bytes are no event.
Facts = tuple[Any, Any, str] | None


class PageHasher:
    def __init__(self, mapper: Mapper[Any]) -> None:
        self._mapper = mapper
        self._ids = IdCache()

    def __call__(self, page: Sequence[LogRow]) -> list[Facts]:
        facts: list[Facts] = []
        append = facts.append
        mapper, uuid = self._mapper, self._ids.uuid
        for _, originator_id, version, topic, state in page:
            stored = StoredEvent(uuid(originator_id), version, topic, state)
            found = decoded_by(mapper, stored)
            if found is None:
                append(None)
            else:
                event, digest = found
                append((event.subject_code, event.previous_hash, digest))
        return facts
