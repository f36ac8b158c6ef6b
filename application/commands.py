"""What callers ask the ledger to do, already validated for shape."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from domain.codes import normalised_code

# Marks a digest of the request with its department, as msgspec writes them in
# sorted, compact JSON. ``digest_as`` still matches a retry of a request stored
# under an earlier format: "v2:" (the request without its department), and the
# hex digest of ``json.dumps`` before that.
DIGEST_FORMAT = "v3:"
UNSCOPED_FORMAT = "v2:"
_digest_encoder = msgspec.json.Encoder(order="sorted", enc_hook=str)


@dataclass(frozen=True)
class Actor:
    """Who records: the department and key owner named on every event."""

    department: str
    actor: str


class RecordCommand(msgspec.Struct, frozen=True):
    """One event to record. A Struct, not a dataclass: a batch makes one per
    line, and msgspec builds one in a fraction of a frozen dataclass's time."""

    subject_code: str
    event_type: str
    fields: dict[str, Any]
    actor: Actor
    request_key: str | None = None
    expected_version: int | None = None

    @property
    def digest(self) -> str:
        """Fingerprint of the request, to tell a retry from a reused key. The
        department is part of it: another department's request under the same
        key is another request, not a retry. The subject's code is taken as the
        ledger reads it (upper case, no spaces): the same request sent with the
        code in lower case is the same request."""
        return _digest(self.actor.department, self._body(self._code))

    def digest_as(self, earlier: str | None) -> str:
        """The digest, in the format of ``earlier`` (the digest its key already
        has) when that is an earlier format of this same request: without its
        department, its code as read or as sent, or the hex digest of
        ``json.dumps``."""
        digest = self.digest
        if earlier is None or earlier == digest:
            return digest
        if earlier in (
            self.unscoped_digest(self._code),
            self.unscoped_digest(self.subject_code),
            self.legacy_digest(),
        ):
            return earlier
        return digest

    def unscoped_digest(self, code: str) -> str:
        text = _digest_encoder.encode(self._body(code))
        return UNSCOPED_FORMAT + hashlib.sha256(text).hexdigest()

    def legacy_digest(self) -> str:
        body = self._body(self.subject_code)
        text = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def _code(self) -> str:
        return normalised_code(self.subject_code)

    def _body(self, code: str) -> dict[str, Any]:
        return {"subject": code, "type": self.event_type, **self.fields}


@dataclass(frozen=True)
class DetailsChange:
    """A change of a subject's name or legal representative (``PATCH``): a
    detail left out of ``changes`` is kept, a legal representative of None is
    removed."""

    subject_code: str
    actor: Actor
    changes: Mapping[str, str | None]
    request_key: str | None = None
    expected_version: int | None = None

    @property
    def digest(self) -> str:
        """Fingerprint of the request, as a recorded event's: under the event
        type it stores, so a key used for one endpoint is never a retry on the
        other."""
        body = {
            "subject": normalised_code(self.subject_code),
            "type": "SubjectDetailsChanged",
            **self.changes,
        }
        return _digest(self.actor.department, body)


def _digest(department: str, body: dict[str, Any]) -> str:
    text = _digest_encoder.encode([department, body])
    return DIGEST_FORMAT + hashlib.sha256(text).hexdigest()
