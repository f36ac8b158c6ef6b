"""The Kafka message schema, version 1: one JSON object per stored event.

Key: the subject code (UTF-8), so one subject's events stay in one partition, in order.
The partition is murmur2(key) mod the topic's partition count (Kafka's default for
keyed records; ``partitioning.py``). Headers: ``schema`` (``credit-ledger.event.v1``),
``position`` (global position, decimal text), ``event_id`` (UUID text) and
``partition_previous``. Value (UTF-8 JSON)::

    {"schema": "credit-ledger.event.v1", "position": 42, "event_id": "...",
     "partition_previous": 37,
     "hash": "<sha256 of the canonical event>", "event": {<canonical document>}}

``partition_previous`` is the position of the store's previous event in the same
partition (0 for the first): a consumer that has applied up to position p and
receives a message whose ``partition_previous`` is above p has missed a message
(the chain is broken) and must not apply it. Positions within a partition
increase, except that a message may come again after a relay restart (at least
once): skip any position already applied. Messages from relays older than this
field have no ``partition_previous``.

The canonical document has every field of the event: ``type``, ``subject_code``,
``originator_id``, ``originator_version`` (the subject's version), ``timestamp``
(recorded-at, UTC), ``department``, ``actor``, ``request_key``, ``previous_hash`` and
the type's own fields (dates ISO ``YYYY-MM-DD``, money as decimal text). A field
added to a type later is absent from the events stored before it (read: null),
as ``deadline_on_fallback_calendar`` of a ``RepairRequested``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.canonical import (
    canonical_bytes,
    event_from_document,
    event_hash,
    event_id,
)
from domain.events import SubjectEvent

SCHEMA = "credit-ledger.event.v1"


@dataclass(frozen=True)
class EventMessage:
    position: int
    event: SubjectEvent
    partition_previous: int | None = None

    @property
    def key(self) -> bytes:
        return self.event.subject_code.encode()

    @property
    def event_id(self) -> UUID:
        return event_id(self.event)

    def headers(self) -> list[tuple[str, bytes]]:
        headers = [
            ("schema", SCHEMA.encode()),
            ("position", str(self.position).encode()),
            ("event_id", str(self.event_id).encode()),
        ]
        if self.partition_previous is not None:
            previous = str(self.partition_previous).encode()
            headers.append(("partition_previous", previous))
        return headers

    def value(self) -> bytes:
        canonical = canonical_bytes(self.event)
        body: dict[str, Any] = {
            "schema": SCHEMA,
            "position": self.position,
            "event_id": str(self.event_id),
        }
        if self.partition_previous is not None:
            body["partition_previous"] = self.partition_previous
        body["hash"] = hashlib.sha256(canonical).hexdigest()
        # The canonical bytes are the event's JSON document: used as they are,
        # the event is serialised once for its hash and its place in the body.
        head = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return head[:-1].encode() + b',"event":' + canonical + b"}"


class UnknownMessageSchema(ValueError):
    pass


def decode_message(value: bytes) -> EventMessage:
    body = json.loads(value)
    if body.get("schema") != SCHEMA:
        msg = f"Unknown message schema {body.get('schema')!r}"
        raise UnknownMessageSchema(msg)
    event = event_from_document(body["event"])
    if event_hash(event) != body["hash"]:
        msg = f"Message at position {body['position']} does not match its hash"
        raise UnknownMessageSchema(msg)
    previous = body.get("partition_previous")
    return EventMessage(
        position=int(body["position"]),
        event=event,
        partition_previous=None if previous is None else int(previous),
    )
