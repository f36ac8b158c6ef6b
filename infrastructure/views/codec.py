"""Values to and from view columns: dates as ISO text, lists as JSON text."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")
_PLAIN = frozenset({str, int, bool, type(None)})
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def to_sql(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def params_of(entry: Any, **extra: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(entry))
    if names is None:
        names = _FIELD_NAMES[type(entry)] = tuple(f.name for f in fields(entry))
    values = {}
    for name in names:
        value = getattr(entry, name)
        # Most values need no conversion: skip the checks (rebuilds are hot).
        values[name] = value if type(value) in _PLAIN else to_sql(value)
    for name, value in extra.items():
        values[name] = to_sql(value)
    return values


def from_row(row_type: type[T], row: dict[str, Any], **given: Any) -> T:
    readers = _readers(row_type)
    return row_type(
        **{
            name: given[name] if name in given else read(row[name])
            for name, read in readers.items()
        }
    )


_READERS: dict[type[Any], dict[str, Any]] = {}


def _readers(row_type: type[Any]) -> dict[str, Any]:
    readers = _READERS.get(row_type)
    if readers is None:
        hints = get_type_hints(row_type)
        readers = {f.name: _reader(hints[f.name]) for f in fields(row_type)}
        _READERS[row_type] = readers
    return readers


def _reader(hint: Any) -> Any:
    if get_origin(hint) in (Union, UnionType):
        inner = next(a for a in get_args(hint) if a is not type(None))
        read_inner = _reader(inner)
        return lambda v: None if v is None else read_inner(v)
    if hint is datetime:
        return lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    if hint is date:
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if hint is bool:
        return bool
    if hint is int:
        return int
    if get_origin(hint) is tuple:
        return lambda v: tuple(json.loads(v))
    return lambda v: v
