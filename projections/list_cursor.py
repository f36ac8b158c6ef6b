"""A public list's cursor, which carries a natural person the list is filtered by.

The next page of a list asked for with ``subject=`` a natural person's identity
number is linked without the number: the link would repeat it in full. The
cursor holds the person's masked code instead, beside the key of the last row
served. That row was made by the person's event at the key's position, and the
store, never edited, tells whose event that is, so the next page needs neither
the number nor anything (a hash) one could test guesses of it against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.codes import SubjectCode, SubjectKind, parse_subject_code
from domain.errors import InvalidSubjectCode
from projections.paging import PageKey, decode_key, encode_cursor


@dataclass(frozen=True)
class ListCursorKey:
    after: PageKey
    # The masked code of the natural person the pages are of; None: the filter,
    # if any, is given with each request (``subject``), as before.
    person: str | None = None

    def values(self) -> list[Any]:
        person = [] if self.person is None else [self.person]
        return [*self.after.values(), *person]

    @classmethod
    def from_values(cls, values: list[Any]) -> ListCursorKey:
        if len(values) != 3:
            return cls(PageKey.from_values(values))
        *after, person = values
        if not isinstance(person, str):
            raise TypeError("a cursor's person is a masked code")
        return cls(PageKey.from_values(after), person)


def encode_list_cursor(scope: str, after: PageKey, subject: SubjectCode | None) -> str:
    """The next page's cursor; it carries ``subject`` if a natural person's."""
    person = None
    if subject is not None and subject.kind is SubjectKind.NATURAL_PERSON:
        person = subject.masked
    return encode_cursor(scope, ListCursorKey(after, person))


def decode_list_cursor(scope: str, cursor: str) -> ListCursorKey:
    return decode_key(scope, cursor, ListCursorKey.from_values)


def person_paged(
    key: ListCursorKey, subject_at: Callable[[int], str | None]
) -> SubjectCode | None:
    """The natural person whose rows the cursor pages: the subject of the
    event at its position, if that subject's masked code is the cursor's.

    None otherwise (a cursor not made here): no rows, the answer a subject with
    none left gets, so a made-up cursor cannot tell whose event is where."""
    found = subject_at(key.after.position)
    if found is None:
        return None
    try:
        code = parse_subject_code(found)
    except InvalidSubjectCode:
        return None
    return code if code.masked == key.person else None
