"""Canonical form of an event: the bytes its hash, the audit log and Kafka share."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from json.encoder import encode_basestring as _encode_string
from operator import attrgetter
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from uuid import UUID

import msgspec

from domain.events import EVENT_TYPES, SubjectEvent
from domain.iso_times import iso_text
from domain.name_uuids import name_uuid

SUBJECT_TOPIC = "domain.subject:CreditSubject"

GENESIS_HASH = "0" * 64


_AS_IS = frozenset({str, int, bool, type(None)})


def json_ready(value: Any) -> Any:
    """The value as JSON keeps it: dates and times as ISO text, UUIDs and
    decimals as text, tuples as lists, all the way down."""
    if type(value) in _AS_IS or isinstance(value, str | int | bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def event_document(event: Any) -> dict[str, Any]:
    """All of an event's fields as JSON-ready values, plus its type name; a
    field added later is left out when the event lacks it (None)."""
    names, type_name, added_later = _document_fields(type(event))
    document = {name: json_ready(getattr(event, name)) for name in names}
    _drop_missing(document, added_later)
    document["type"] = type_name
    return document


# Field names, type name, the names of fields added later.
_DocumentFields = tuple[tuple[str, ...], str, tuple[str, ...]]
_DOCUMENT_FIELDS: dict[type[Any], _DocumentFields] = {}


def _document_fields(event_class: type[Any]) -> _DocumentFields:
    """The field names, the type name, and the fields added to the class
    after events of it were stored (declared with a default of None)."""
    known = _DOCUMENT_FIELDS.get(event_class)
    if known is None:
        assert is_dataclass(event_class)
        named = [f for f in fields(event_class) if f.name != "originator_topic"]
        names = tuple(f.name for f in named)
        added_later = tuple(f.name for f in named if f.default is None)
        known = (names, event_class.__name__, added_later)
        _DOCUMENT_FIELDS[event_class] = known
    return known


def _drop_missing(document: dict[str, Any], added_later: tuple[str, ...]) -> None:
    """An event stored before a field was added lacks it, and its hash was
    taken without it: the field stays out of its document, so the hash holds."""
    for name in added_later:
        if document[name] is None:
            del document[name]


def event_from_document(document: dict[str, Any]) -> SubjectEvent:
    """The event a canonical document describes (the inverse of event_document)."""
    event_class = EVENT_TYPES[document["type"]]
    hints = _hints(event_class)
    values: dict[str, Any] = {}
    for f in fields(event_class):
        raw = document.get(f.name)
        values[f.name] = _typed(hints[f.name], raw)
    if "originator_topic" in {f.name for f in fields(event_class)}:
        values["originator_topic"] = SUBJECT_TOPIC
    return event_class(**values)


@cache
def _hints(event_class: type[SubjectEvent]) -> dict[str, Any]:
    return get_type_hints(event_class)


def _typed(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    options = get_args(hint) if get_origin(hint) in (Union, UnionType) else (hint,)
    if datetime in options:
        return datetime.fromisoformat(raw)
    if date in options:
        return date.fromisoformat(raw)
    if UUID in options or isinstance(hint, TypeVar):
        return UUID(raw)
    return raw


def canonical_bytes(event: Any) -> bytes:
    """``json.dumps(event_document(event), sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))``. An event of plain values, dates and UUIDs once its
    times are ISO text (the usual case) is written by msgspec, whose sorted JSON
    of those is the same to the byte; anything else goes field by field."""
    layout = _layout(type(event))
    # The instance's own values, as set when it was made or read back; one
    # that lacks a field, or has another, is read field by field.
    document = vars(event).copy()
    document.pop("originator_topic", None)
    if document.keys() != layout.key_set:
        document = dict(zip(layout.keys, layout.values_of(event), strict=True))
    _drop_missing(document, layout.added_later)
    for key in layout.time_keys:
        value = document.get(key)  # a field added later may be left out
        if type(value) is datetime:
            document[key] = iso_text(value)
    if not set(map(type, document.values())) <= _WRITTEN_ALIKE:
        return _bytes_field_by_field(event, layout)
    document["type"] = layout.type_name
    return _canonical_encoder.encode(document)


_canonical_encoder = msgspec.json.Encoder(order="sorted")
# Written by msgspec as by json.dumps of the document (a time is not: "Z").
_WRITTEN_ALIKE = frozenset({str, int, bool, type(None), date, UUID})


@dataclass(frozen=True)
class _Layout:
    """An event class's document keys (also as a set), a getter of their
    values in that order, the keys whose type allows a time, (for writing
    field by field) each key in sorted order, encoded with its colon, with the
    field it comes from ("" for the type name), and the keys of fields added
    later, left out when None."""

    keys: tuple[str, ...]
    key_set: frozenset[str]
    values_of: Callable[[Any], tuple[Any, ...]]
    time_keys: tuple[str, ...]
    type_name: str
    sorted_fields: tuple[tuple[str, str], ...]
    added_later: tuple[str, ...]


_LAYOUTS: dict[type[Any], _Layout] = {}


def _layout(event_class: type[Any]) -> _Layout:
    known = _LAYOUTS.get(event_class)
    if known is None:
        names, type_name, added_later = _document_fields(event_class)
        hints = get_type_hints(event_class)
        times = tuple(name for name in names if _allows_time(hints[name]))
        fields_of = {name: name for name in names} | {"type": ""}
        sorted_fields = tuple(
            (_encode_string(key) + ":", fields_of[key]) for key in sorted(fields_of)
        )
        known = _LAYOUTS[event_class] = _Layout(
            names,
            frozenset(names),
            attrgetter(*names),
            times,
            type_name,
            sorted_fields,
            added_later,
        )
    return known


def _allows_time(hint: Any) -> bool:
    options = get_args(hint) if get_origin(hint) in (Union, UnionType) else (hint,)
    return datetime in options


def _bytes_field_by_field(event: Any, layout: _Layout) -> bytes:
    """Plain values go straight through the encoder's own string function,
    anything else through ``json.dumps`` itself, so the bytes are the same (JSON
    text composes) without building the document and sorting it."""
    parts = []
    for prefix, name in layout.sorted_fields:
        value: Any = getattr(event, name) if name else type(event).__name__
        if value is None and name in layout.added_later:
            continue
        kind = type(value)
        if kind is str:
            text = _encode_string(value)
        elif value is None:
            text = "null"
        elif value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif kind is int:
            text = int.__repr__(value)
        elif kind is date or kind is datetime:
            text = '"' + value.isoformat() + '"'
        else:
            text = _dumps(json_ready(value))
        parts.append(prefix + text)
    return ("{" + ",".join(parts) + "}").encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_id(event: SubjectEvent) -> UUID:
    """Stable id of a stored event: derived from its subject and version."""
    return name_uuid(event.originator_id, str(event.originator_version))


def event_hash(event: Any) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()
