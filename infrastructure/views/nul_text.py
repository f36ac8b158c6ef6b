"""Events an earlier release stored with NUL in their text, made fit for views.

PostgreSQL text cannot hold NUL: written as it is, such an event would fail its
view's batch for ever. The API refuses NUL now; for what is stored already, the
events the views are fed have every NUL replaced by U+FFFD, keys included, so
that a later event still finds the row an earlier one wrote. Only an event whose
stored JSON holds an escaped NUL is looked at: one search of its bytes, in C.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

NUL = "\x00"
NUL_SHOWN_AS = "\ufffd"
# How JSON (the stored state, a Kafka message) writes NUL.
_ESCAPED_NUL = b"\\u0000"

E = TypeVar("E")


def for_views(event: E, encoded: bytes) -> E:
    """The event decoded from ``encoded``, with any NUL in its text replaced."""
    if _ESCAPED_NUL not in encoded:
        return event
    replaced = {}
    for name, value in vars(event).items():
        shown = _replaced(value)
        if shown != value:
            replaced[name] = shown
    if not replaced:
        return event
    # Set as the event's own fields are: a frozen dataclass has no setter.
    shown = copy.copy(event)
    vars(shown).update(replaced)
    return shown


def _replaced(value: Any) -> Any:
    if type(value) is str:
        return value.replace(NUL, NUL_SHOWN_AS)
    if isinstance(value, list | tuple):
        return type(value)(_replaced(v) for v in value)
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    return value
