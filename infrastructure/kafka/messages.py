"""The Kafka message schema, version 1: one JSON object per stored event.

Key: the subject code (UTF-8), so one subject's events stay in one partition, in order.
Headers: ``schema`` (``credit-ledger.event.v1``), ``position`` (global position, decimal
text), ``event_id`` (UUID text). Value (UTF-8 JSON)::

    {"schema": "credit-ledger.event.v1", "position": 42, "event_id": "...",
     "hash": "<sha256 of the canonical event>", "event": {<canonical document>}}

The canonical document has every field of the event: ``type``, ``subject_code``,
``originator_id``, ``originator_version`` (the subject's version), ``timestamp``
(recorded-at, UTC), ``department``, ``actor``, ``request_key``, ``previous_hash`` and
the type's own fields (dates ISO ``YYYY-MM-DD``, money as decimal text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.canonical import (
    event_document,
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

    @property
    def key(self) -> bytes:
        return self.event.subject_code.encode()

    @property
    def event_id(self) -> UUID:
        return event_id(self.event)

    def headers(self) -> list[tuple[str, bytes]]:
        return [
            ("schema", SCHEMA.encode()),
            ("position", str(self.position).encode()),
            ("event_id", str(self.event_id).encode()),
        ]

    def value(self) -> bytes:
        body: dict[str, Any] = {
            "schema": SCHEMA,
            "position": self.position,
            "event_id": str(self.event_id),
            "hash": event_hash(self.event),
            "event": event_document(self.event),
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


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
    return EventMessage(position=int(body["position"]), event=event)
