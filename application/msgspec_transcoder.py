"""The library's JSON transcoding of event state, encoded and parsed in C.

``JSONTranscoder`` calls back into Python for every date (an event has up to six)
and parses with an ``object_hook`` called for every object: together about two
fifths of storing an event and of reading one back. msgspec writes and parses
the same JSON; only the values that need a transcoding are handled in Python,
and anything this does not recognise goes through the library's own path, so
what is stored stays readable both ways.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Transcoding

from application.transcodings import DateAsISO
from domain.iso_times import date_text, iso_text

# Written by msgspec as JSON writes them (a subclass, such as an enum, is not).
_PLAIN = frozenset({str, int, bool, type(None)})


class _NotPlain(Exception):
    """A value the fast path leaves to the library's encoder."""


class MsgspecJSONTranscoder(JSONTranscoder):
    def __init__(self) -> None:
        super().__init__()
        self._fast_encoder = msgspec.json.Encoder()
        self._fast_decoder = msgspec.json.Decoder()
        # The names of the transcodings that store a type as its ISO text: the
        # dates and times of every event, tagged here without calling them.
        self._iso_names: dict[type, str] = {}

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._iso_names.pop(transcoding.type, None)
        if type(transcoding) in (DateAsISO, DatetimeAsISO):
            self._iso_names[transcoding.type] = transcoding.name

    def encode(self, obj: Any) -> bytes:
        if type(obj) is not dict:
            return super().encode(obj)
        # Most values are plain; the others (an event's dates and times) are
        # found in one pass, and only they are looked at one by one.
        others = [key for key, value in obj.items() if type(value) not in _PLAIN]
        if not others:
            return self._fast_encoder.encode(obj)
        tagged = dict(obj)
        try:
            for key in others:
                tagged[key] = self._tagged(obj[key])
        except _NotPlain:
            return super().encode(obj)
        return self._fast_encoder.encode(tagged)

    def _tagged(self, value: Any) -> Any:
        kind = type(value)
        name = self._iso_names.get(kind)
        if name is not None:
            iso = iso_text(value) if kind is datetime else date_text(value)
            return {"_type_": name, "_data_": iso}
        transcoding = self.types.get(kind)
        if transcoding is not None:
            data = transcoding.encode(value)
            if type(data) not in _PLAIN:
                raise _NotPlain
            return {"_type_": transcoding.name, "_data_": data}
        if (kind is list or kind is tuple) and all(type(v) in _PLAIN for v in value):
            return value
        raise _NotPlain

    def decode(self, data: bytes) -> Any:
        try:
            parsed = self._fast_decoder.decode(data)
        except msgspec.DecodeError:
            # Text msgspec refuses (NaN, say) that the library's parser reads.
            return super().decode(data)
        return self._revived(parsed)

    def _revived(self, value: Any) -> Any:
        """What the library's ``object_hook`` makes of the parsed value: every
        object, innermost first, that is a tagged value becomes that value."""
        if type(value) is list:
            return [self._revived(v) if type(v) in _CONTAINERS else v for v in value]
        if type(value) is not dict:
            return value
        for key, item in value.items():
            if type(item) in _CONTAINERS:
                tagged = self._tagged_text(item)
                value[key] = self._revived(item) if tagged is _NOT_TAGGED else tagged
        return self._decode_obj(value)

    def _tagged_text(self, item: Any) -> Any:
        """A tagged text value (every date and time of an event) decoded at
        once; anything else is left to ``_revived``."""
        if type(item) is dict and len(item) == 2:
            name, data = item.get("_type_"), item.get("_data_")
            if type(data) is str and type(name) is str:
                transcoding = self.names.get(name)
                if transcoding is not None:
                    return transcoding.decode(data)
        return _NOT_TAGGED


_CONTAINERS = frozenset({dict, list})
_NOT_TAGGED = object()
