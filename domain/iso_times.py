"""The ISO 8601 text of a time or date, exactly as ``isoformat()`` writes it.

Every event's timestamp is written as text twice (its hash, its stored state),
and ``isoformat()`` of an aware time takes about 2.5 µs here. msgspec writes the
same text in C, but a UTC time as ``Z`` (RFC 3339) where ``isoformat()`` writes
``+00:00``, and an offset with seconds without them: only UTC times (the
system clock's) take the fast path, with the suffix mended.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

_encoder = msgspec.json.Encoder()
# Dates remembered at most, so that no input can grow the memory without bound.
MAX_DATE_TEXTS = 100_000
_date_texts: dict[date, str] = {}


def iso_text(value: datetime) -> str:
    """``value.isoformat()``; the last time written is remembered, as the
    events of one transaction share their instant."""
    last, text = _last_time[0]
    if value is last:
        return text
    if value.tzinfo is UTC and type(value) is datetime:
        # b'"2026-11-27T18:00:38.119227Z"' -> 2026-11-27T18:00:38.119227+00:00
        text = _encoder.encode(value)[1:-2].decode() + "+00:00"
    else:
        text = value.isoformat()
    # One tuple, so a thread reads a time with its own text.
    _last_time[0] = value, text
    return text


_last_time: list[tuple[datetime | None, str]] = [(None, "")]


def date_text(value: date) -> str:
    """``value.isoformat()`` of a plain date, remembered: a ledger's dates are
    few and recur (decisions, deadlines, validity), and formatting one costs
    ten times looking it up; an event stores up to six."""
    if type(value) is not date:
        return value.isoformat()
    text = _date_texts.get(value)
    if text is None:
        if len(_date_texts) >= MAX_DATE_TEXTS:
            _date_texts.clear()
        text = _date_texts[value] = value.isoformat()
    return text
