"""Department API keys: scoped, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.commands import Actor

SCOPES = frozenset({"record", "review", "audit", "admin"})
KEY_PREFIX = "cl"
MAX_CACHED_KEYS = 10_000


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

    def close(self) -> None: ...


class UnknownScope(ValueError):
    pass


class UnknownKey(LookupError):
    pass


class BlankOwner(ValueError):
    """A key must name its department and actor: every event records them."""


def hash_key(key: str) -> str:
    # Keys carry 256 bits of randomness, so a plain digest cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


class KeyService:
    def __init__(self, store: ApiKeyStore, cache_seconds: float = 5.0) -> None:
        self._store = store
        # Authentication runs on every request; a revocation made by another
        # process (the CLI) takes effect within cache_seconds.
        self._cache_seconds = cache_seconds
        self._recent: dict[str, tuple[float, Principal | None]] = {}

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
        if not (department.strip() and actor.strip()):
            msg = "A key needs a department and an actor that are not blank"
            raise BlankOwner(msg)
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

    def recently_authenticated(self, key: str) -> Principal | None:
        """The key's principal if it was found valid within the cache period
        (never touches the store, so it may run on the event loop)."""
        cached = self._recent.get(hash_key(key))
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            return cached[1]
        return None

    def authenticate(self, key: str) -> Principal | None:
        key_hash = hash_key(key)
        now = time.monotonic()
        cached = self._recent.get(key_hash)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        principal = self._lookup(key_hash)
        if len(self._recent) > MAX_CACHED_KEYS:
            self._recent.clear()
        self._recent[key_hash] = (now, principal)
        return principal

    def _lookup(self, key_hash: str) -> Principal | None:
        record = self._store.find_by_hash(key_hash)
        if record is None or record.revoked_at is not None:
            return None
        return Principal(
            key_id=record.key_id,
            actor=Actor(department=record.department, actor=record.actor),
            scopes=record.scopes,
        )

    def revoke(self, key_id: str, now: datetime) -> bool:
        self._recent.clear()
        return self._store.revoke(key_id, now)

    def rotate(self, key_id: str, now: datetime) -> tuple[ApiKeyRecord, str]:
        """A new key with the same department, actor and scopes; the old one revoked.

        The new key exists before the old one is revoked, so the department is
        never left without a working key.
        """
        old = next((r for r in self._store.list() if r.key_id == key_id), None)
        if old is None or old.revoked_at is not None:
            raise UnknownKey(f"No active key {key_id}")
        record, key = self.create(old.department, old.actor, set(old.scopes), now)
        if not self.revoke(key_id, now):
            # Someone revoked or rotated it meanwhile: theirs stands, not ours.
            self.revoke(record.key_id, now)
            raise UnknownKey(f"Key {key_id} was revoked while it was being rotated")
        return record, key

    def close(self) -> None:
        self._store.close()

    def list(self) -> list[ApiKeyRecord]:
        return self._store.list()
