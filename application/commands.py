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
        """Fingerprint of the request, to tell a retry from a reused key."""
        text = _digest_encoder.encode(self._body())
        return DIGEST_FORMAT + hashlib.sha256(text).hexdigest()

    def digest_as(self, earlier: str | None) -> str:
        """The digest, in the format of ``earlier`` (the digest its key already
        has) when that is an older format of this same request."""
        if (
            earlier is not None
            and not earlier.startswith(DIGEST_FORMAT)
            and earlier == self.legacy_digest()
        ):
            return earlier
        return self.digest

    def legacy_digest(self) -> str:
        text = json.dumps(self._body(), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def _body(self) -> dict[str, Any]:
        return {"subject": self.subject_code, "type": self.event_type, **self.fields}
