"""What the public views may store of an entry's text: identity numbers masked.

Masked where the rows are made, so the views never hold a full number in
text and nothing that reads them (JSON, CSV, the export, the portal, the
search) can show one. Every field is masked but the views' keys (subject and
record), the subject's public code (masked by its kind: a legal person's stays
readable), the recording department and the deciding authority's code, an
organisation's unified social credit code, which may be all digits and so look
like an identity number. A new record id or authority code that would show an
identity number is refused when recorded instead (``domain/published_ids.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from domain.text_masking import mask_identity_numbers

E = TypeVar("E")
KEPT = frozenset(
    {"subject_code", "public_code", "record_id", "department", "authority_code"}
)
_MASKED_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def masked_entry(entry: E) -> E:
    """The entry with every identity number in its text masked."""
    names = _MASKED_FIELDS.get(type(entry))
    if names is None:
        fields = dataclasses.fields(entry)  # type: ignore[arg-type]
        names = tuple(f.name for f in fields if f.name not in KEPT)
        _MASKED_FIELDS[type(entry)] = names
    changed = {}
    for name in names:
        value = getattr(entry, name)
        shown = masked_value(value)
        if shown != value:
            changed[name] = shown
    if not changed:
        return entry
    return dataclasses.replace(entry, **changed)  # type: ignore[type-var]


def masked_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """A correction's new values, masked as the fields they replace."""
    return {
        name: value if name in KEPT else masked_value(value)
        for name, value in changes.items()
    }


def masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_identity_numbers(value)
    if isinstance(value, tuple):
        return tuple(masked_value(item) for item in value)
    if isinstance(value, list):
        return [masked_value(item) for item in value]
    return value
