"""What callers ask the ledger to do, already validated for shape."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import msgspec

# Marks a digest of the request's sorted, compact JSON as msgspec writes it.
# Receipts from before it hold the hex digest of ``json.dumps`` (which cost about
# a tenth of an import line); ``digest_as`` still matches a retry of such a request.
DIGEST_FORMAT = "v2:"
_digest_encoder = msgspec.json.Encoder(order="sorted", enc_hook=str)


@dataclass(frozen=True)
class Actor:
    """Who records: the department and key owner named on every event."""

    department: str
    actor: str


@dataclass(frozen=True)
class RecordCommand:
    subject_code: str
    event_type: str
    fields: dict[str, Any]
    actor: Actor
    request_key: str | None = None
    expected_version: int | None = None

    @property
    def digest(self) -> str:
        """Fingerprint of the request, to tell a retry from a reused key. The
        subject's code is taken as the ledger reads it (upper case, no spaces):
        the same request sent with the code in lower case is the same request."""
        return self._digest("".join(self.subject_code.split()).upper())

    def digest_as(self, earlier: str | None) -> str:
        """The digest, in the format of ``earlier`` (the digest its key already
        has) when that is an older format of this same request: the hex digest
        of ``json.dumps``, or one of the code as it was sent."""
        digest = self.digest
        if earlier is None or earlier == digest:
            return digest
        if earlier in (self.legacy_digest(), self._digest(self.subject_code)):
            return earlier
        return digest

    def legacy_digest(self) -> str:
        body = self._body(self.subject_code)
        text = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def _digest(self, code: str) -> str:
        text = _digest_encoder.encode(self._body(code))
        return DIGEST_FORMAT + hashlib.sha256(text).hexdigest()

    def _body(self, code: str) -> dict[str, Any]:
        return {"subject": code, "type": self.event_type, **self.fields}
