"""Header and query values turned into the arguments the ledger takes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import HTTPException
from pydantic import BeforeValidator


def _blank_is_absent(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# A filter sent empty (an HTML form's untouched field: ``?department=``) is no
# filter, as on the portal, not a filter on nothing or a 422.
BlankIsAbsent = BeforeValidator(_blank_is_absent)


def parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    # isdigit() alone admits digits int() refuses (superscripts, say).
    if not (text.isascii() and text.isdigit()):
        raise HTTPException(422, f"If-Match must be a subject version, not {value!r}")
    return int(text)


def parse_as_of(value: datetime | None, now: datetime) -> datetime | None:
    """A past instant to rebuild a state at; what is to come is not known yet."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise HTTPException(
            422, "as_of must be an RFC 3339 instant with a time zone offset"
        )
    if value > now:
        raise HTTPException(
            422,
            f"as_of {value.isoformat()} is later than now ({now.isoformat()}): "
            "a state can be rebuilt only as it was at a past moment",
        )
    return value
