"""The subject search's cursor: where a page ended, bound to the query it pages.

Used with another ``q``, a cursor would page that search from an arbitrary
name; it is refused instead, as a cursor of another list is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from domain.text_masking import mask_identity_numbers
from projections.errors import InvalidCursor
from projections.paging import NameKey, decode_key, encode_cursor

SEARCH_SCOPE = "subject-search"
DIGEST_LENGTH = 16


@dataclass(frozen=True)
class SearchCursorKey:
    query: str
    after: NameKey

    def values(self) -> list[Any]:
        return [self.query, *self.after.values()]

    @classmethod
    def from_values(cls, values: list[Any]) -> SearchCursorKey:
        query, *after = values
        if not isinstance(query, str):
            raise TypeError("a search cursor's query is a text")
        return cls(query, NameKey.from_values(after))


def query_digest(text: str) -> str:
    """What a cursor keeps of its query, which it pages as the search reads it
    (surrounding spaces dropped).

    Identity numbers are masked before hashing: a cursor travels in links, and a
    plain hash of a number could be found by hashing every possible one."""
    masked = mask_identity_numbers(text.strip())
    return hashlib.sha256(masked.encode()).hexdigest()[:DIGEST_LENGTH]


def encode_search_cursor(text: str, after: NameKey) -> str:
    return encode_cursor(SEARCH_SCOPE, SearchCursorKey(query_digest(text), after))


def decode_search_cursor(text: str, cursor: str) -> NameKey:
    """Where the page of the search for ``text`` starts, if the cursor was made
    by a search for it."""
    key = decode_key(SEARCH_SCOPE, cursor, SearchCursorKey.from_values)
    if key.query != query_digest(text):
        msg = "cursor was made for another q; start again without it"
        raise InvalidCursor(msg)
    return key.after
