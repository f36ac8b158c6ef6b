"""The access log: who (key, department) did what (method, path, status), when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class AccessRecord:
    at: datetime
    key_id: str | None
    department: str | None
    actor: str | None
    method: str
    path: str
    status: int


class AccessLog(Protocol):
    def append(self, record: AccessRecord) -> None: ...

    def append_many(self, records: Sequence[AccessRecord]) -> None: ...

    def close(self) -> None: ...

    def recent(self, limit: int) -> list[AccessRecord]:
        """The newest records, newest first."""
        ...
