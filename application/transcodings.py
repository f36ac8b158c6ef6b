"""How business dates and a subject's state objects are stored (events, snapshots)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.records import (
    CreditRecord,
    GrantedRepair,
    RepairApplication,
    RequestReceipt,
)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    """A state dataclass as its fields; snapshots of subjects hold these."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


STATE_CLASSES = (CreditRecord, RepairApplication, RequestReceipt, GrantedRepair)
