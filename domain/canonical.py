"""Canonical form of an event: the bytes its hash, the audit log and Kafka share."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def event_document(event: Any) -> dict[str, Any]:
    """All of an event's fields as JSON-ready values, plus its type name."""
    assert is_dataclass(event)
    document = {f.name: _plain(getattr(event, f.name)) for f in fields(event)}
    document.pop("originator_topic", None)
    document["type"] = type(event).__name__
    return document


def canonical_bytes(event: Any) -> bytes:
    return json.dumps(
        event_document(event),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def event_hash(event: Any) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()
