"""Department API keys: scoped, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.commands import Actor

SCOPES = frozenset({"record", "review", "audit", "admin"})
KEY_PREFIX = "cl"


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    key_hash: str
    department: str
    actor: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Principal:
    key_id: str
    actor: Actor
    scopes: frozenset[str]


class ApiKeyStore(Protocol):
    def add(self, record: ApiKeyRecord) -> None: ...

    def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...

    def revoke(self, key_id: str, at: datetime) -> bool: ...

    def list(self) -> list[ApiKeyRecord]: ...


class UnknownScope(ValueError):
    pass


def hash_key(key: str) -> str:
    # Keys carry 256 bits of randomness, so a plain digest cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


class KeyService:
    def __init__(self, store: ApiKeyStore) -> None:
        self._store = store

    def create(
        self, department: str, actor: str, scopes: set[str], now: datetime
    ) -> tuple[ApiKeyRecord, str]:
        unknown = set(scopes) - SCOPES
        if unknown or not scopes:
            msg = (
                f"Unknown scope(s) {', '.join(sorted(unknown))}; "
                f"choose from {', '.join(sorted(SCOPES))}"
                if unknown
                else "A key needs at least one scope"
            )
            raise UnknownScope(msg)
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKeyRecord(
            key_id=key_id,
            key_hash=hash_key(key),
            department=department,
            actor=actor,
            scopes=frozenset(scopes),
            created_at=now,
        )
        self._store.add(record)
        return record, key

    def authenticate(self, key: str) -> Principal | None:
        record = self._store.find_by_hash(hash_key(key))
        if record is None or record.revoked_at is not None:
            return None
        return Principal(
            key_id=record.key_id,
            actor=Actor(department=record.department, actor=record.actor),
            scopes=record.scopes,
        )

    def revoke(self, key_id: str, now: datetime) -> bool:
        return self._store.revoke(key_id, now)

    def list(self) -> list[ApiKeyRecord]:
        return self._store.list()
