"""What callers ask the ledger to do, already validated for shape."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


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
        body = {"subject": self.subject_code, "type": self.event_type, **self.fields}
        text = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()
