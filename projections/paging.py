"""Keyset paging: lists newest first by (date, position), the subject search
by (name, code), with opaque cursors.

A cursor names the list it belongs to and the key of the last row served; the
next page starts strictly after it, so rows never repeat or go missing while
new ones arrive. The search's cursor names its query too
(:mod:`projections.search_cursor`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from projections.errors import InvalidCursor
from projections.rows import SubjectRow

T = TypeVar("T")
K = TypeVar("K")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PublicList(StrEnum):
    SERIOUS_DISHONESTY = "serious-dishonesty"
    RED = "red"
    LICENCES = "licences"
    PENALTIES = "penalties"
    COMMITMENTS = "commitments"


class CursorKey(Protocol):
    def values(self) -> list[Any]: ...


@dataclass(frozen=True)
class PageKey:
    on: date
    position: int

    def values(self) -> list[Any]:
        return [self.on.isoformat(), self.position]

    @classmethod
    def from_values(cls, values: list[Any]) -> PageKey:
        on, position = values
        return cls(date.fromisoformat(on), int(position))


@dataclass(frozen=True)
class NameKey:
    """Where a page of the subject search ended: names in order, then codes
    (a legal person's, the only kind the name search lists)."""

    name: str
    subject_code: str

    def values(self) -> list[Any]:
        return [self.name, self.subject_code]

    @classmethod
    def from_values(cls, values: list[Any]) -> NameKey:
        name, subject_code = values
        if not isinstance(name, str) or not isinstance(subject_code, str):
            raise TypeError("a name key is two texts")
        return cls(name, subject_code)


@dataclass(frozen=True)
class PageQuery:
    """``limit=None`` reads every matching row in one snapshot (exports)."""

    limit: int | None = DEFAULT_LIMIT
    after: PageKey | None = None
    department: str | None = None
    since: date | None = None
    subject_code: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_key: PageKey | None
    position: int


@dataclass(frozen=True)
class SearchPage:
    rows: list[SubjectRow]
    next_key: NameKey | None
    position: int


def encode_cursor(scope: str, key: CursorKey) -> str:
    # Names as UTF-8, not \u escapes: a cursor of a Chinese name stays short.
    text = json.dumps([scope, *key.values()], ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(scope: str, cursor: str) -> PageKey:
    return decode_key(scope, cursor, PageKey.from_values)


def decode_key(scope: str, cursor: str, key_of: Callable[[list[Any]], K]) -> K:
    """The key, once the cursor is known to be this list's: a cursor of another
    list is refused as that, whatever its key looks like."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        opened = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise _not_issued() from e
    if not isinstance(opened, list) or not opened or not isinstance(opened[0], str):
        raise _not_issued()
    issued_for, *values = opened
    if issued_for != scope:
        msg = f"cursor belongs to {issued_for!r}, not {str(scope)!r}"
        raise InvalidCursor(msg)
    try:
        return key_of(values)
    except (ValueError, TypeError) as e:
        raise _not_issued() from e


def _not_issued() -> InvalidCursor:
    msg = "cursor is not one this service issued; start again without it"
    return InvalidCursor(msg)
