"""A subject's state packed into one typed structure for its snapshot, and back.

A long subject holds every record with its content and every request receipt.
Stored as nested transcoded objects, decoding a 1,000-event subject's snapshot
went object by object through Python and took most of a load; as one msgspec
structure it decodes in C straight into the state classes (the application
stores it as MessagePack). Record contents are free dictionaries, so the keys
holding dates are listed beside them to retype them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from domain.codes import SubjectKind
from domain.records import (
    CreditRecord,
    GrantedRepair,
    RepairApplication,
    RequestReceipt,
)


class PackedSubject(msgspec.Struct, forbid_unknown_fields=True):
    created_on: datetime
    modified_on: datetime
    code: str
    kind: SubjectKind
    name: str
    legal_representative: str | None
    records: dict[str, CreditRecord]
    # record id -> the content keys whose values are dates.
    content_dates: dict[str, list[str]]
    repairs: dict[str, RepairApplication]
    granted_repairs: list[GrantedRepair]
    receipts: dict[str, RequestReceipt]
    head_hash: str


# The attributes a subject's state consists of (besides what the library keeps):
# packing refuses a subject with any other, so none is ever silently dropped.
STATE_ATTRIBUTES = frozenset(
    {
        "code",
        "kind",
        "name",
        "legal_representative",
        "records",
        "repairs",
        "granted_repairs",
        "receipts",
    }
)
LIBRARY_ATTRIBUTES = frozenset(
    {"_id", "_version", "_pending_events", "_created_on", "_modified_on"}
)


class UnpackableState(ValueError):
    """The subject holds state the packed form does not know how to keep."""


def pack(subject: Any, head_hash: str, private: frozenset[str]) -> PackedSubject:
    """The subject's state as one structure; ``private`` names its own caches."""
    unknown = set(vars(subject)) - STATE_ATTRIBUTES - LIBRARY_ATTRIBUTES - private
    if unknown:
        msg = f"Cannot pack subject attributes {sorted(unknown)}"
        raise UnpackableState(msg)
    records: dict[str, CreditRecord] = subject.records
    return PackedSubject(
        created_on=subject.created_on,
        modified_on=subject.modified_on,
        code=subject.code,
        kind=subject.kind,
        name=subject.name,
        legal_representative=subject.legal_representative,
        records=records,
        content_dates={
            record_id: _date_keys(record.content)
            for record_id, record in records.items()
        },
        repairs=subject.repairs,
        granted_repairs=subject.granted_repairs,
        receipts=subject.receipts,
        head_hash=head_hash,
    )


def unpack(packed: PackedSubject) -> tuple[dict[str, Any], str]:
    """The state attributes (with the library's timestamps) and the head hash."""
    for record_id, keys in packed.content_dates.items():
        content = packed.records[record_id].content
        for key in keys:
            if isinstance(content[key], str):
                content[key] = date.fromisoformat(content[key])
    state = {
        "_created_on": packed.created_on,
        "_modified_on": packed.modified_on,
        "code": packed.code,
        "kind": packed.kind,
        "name": packed.name,
        "legal_representative": packed.legal_representative,
        "records": packed.records,
        "repairs": packed.repairs,
        "granted_repairs": packed.granted_repairs,
        "receipts": packed.receipts,
    }
    return state, packed.head_hash


def _date_keys(content: dict[str, Any]) -> list[str]:
    keys = []
    for key, value in content.items():
        if isinstance(value, datetime):
            msg = f"Record content {key!r} is a datetime; only dates are kept"
            raise UnpackableState(msg)
        if isinstance(value, date):
            keys.append(key)
        elif isinstance(value, dict | list) and _holds_date(value):
            msg = f"Record content {key!r} nests a date, which would come back as text"
            raise UnpackableState(msg)
    return keys


def _holds_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if isinstance(value, dict):
        return any(_holds_date(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_date(v) for v in value)
    return False
