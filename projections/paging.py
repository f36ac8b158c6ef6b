"""Keyset paging: newest first by (date, position), with opaque cursors.

A cursor names the list it belongs to and the key of the last row served; the
next page starts strictly after it, so rows never repeat or go missing while
new ones arrive at the top.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from projections.errors import InvalidCursor

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PublicList(StrEnum):
    SERIOUS_DISHONESTY = "serious-dishonesty"
    RED = "red"
    LICENCES = "licences"
    PENALTIES = "penalties"
    COMMITMENTS = "commitments"


@dataclass(frozen=True)
class PageKey:
    on: date
    position: int


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


def encode_cursor(scope: str, key: PageKey) -> str:
    text = json.dumps([scope, key.on.isoformat(), key.position])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(scope: str, cursor: str) -> PageKey:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        issued_for, on, position = json.loads(base64.urlsafe_b64decode(padded))
        key = PageKey(date.fromisoformat(on), int(position))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as e:
        msg = "cursor is not one this service issued; start again without it"
        raise InvalidCursor(msg) from e
    if issued_for != scope:
        msg = f"cursor belongs to {issued_for!r}, not {str(scope)!r}"
        raise InvalidCursor(msg)
    return key
