"""Subject snapshots stored as MessagePack rather than transcoded JSON.

A 1,000-event subject's snapshot is close to a megabyte; walked object by object
through the JSON transcoder it took most of a load. As MessagePack decoded by
msgspec into the packed structure it is read in C. Snapshots stored earlier as
JSON (they do not start with the marker) are still read the library's way.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from domain.snapshots import PackedSubject
from domain.subject import PACKED_STATE, SubjectSnapshot

# JSON text never starts with a NUL byte, so the two forms cannot be confused.
MARKER = b"\x00msgpack:"


class StoredSnapshot(msgspec.Struct, array_like=True):
    timestamp: datetime
    topic: str
    packed: PackedSubject


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(StoredSnapshot)
_SNAPSHOT_TOPIC = get_topic(SubjectSnapshot)


class SnapshotMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        if not isinstance(domain_event, SubjectSnapshot):
            return super().to_stored_event(domain_event)
        body = StoredSnapshot(
            domain_event.timestamp, domain_event.topic, domain_event.state[PACKED_STATE]
        )
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=_SNAPSHOT_TOPIC,
            state=MARKER + _encoder.encode(body),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        state = stored_event.state
        if not state.startswith(MARKER):
            return super().to_domain_event(stored_event)
        body = _decoder.decode(memoryview(state)[len(MARKER) :])
        originator_id = stored_event.originator_id
        return SubjectSnapshot(
            originator_id=originator_id
            if isinstance(originator_id, UUID)
            else UUID(originator_id),
            originator_version=stored_event.originator_version,
            timestamp=body.timestamp,
            topic=body.topic,
            state={PACKED_STATE: body.packed},
        )
