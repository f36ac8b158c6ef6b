"""The signing key behind the audit log's ports: sign, and check what was signed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from application.audit_errors import AuditKeyUnusable
from application.audit_ports import SignatureCheck, SignedCheckpoint
from infrastructure.audit.checkpoints import (
    Checkpoint,
    CheckpointSigner,
    format_timestamp,
    load_or_create_signing_key,
    verification_key,
    verify_checkpoint,
)


class LogSigner:
    """Signs the log's checkpoints under its origin with the key file's key."""

    def __init__(self, signer: CheckpointSigner, origin: str) -> None:
        self._signer = signer
        self._origin = origin

    @classmethod
    def from_key_file(cls, path: Path, origin: str, signed_by: str | None) -> LogSigner:
        """The key at ``path``. ``signed_by`` is the key id of the log's latest
        checkpoint: only a log that has signed nothing (None) gets a new key
        when the file is missing, since every checkpoint signed with a second
        key fails the audit for good."""
        if signed_by is None:
            with _unusable_as_one_line(path):
                return cls(load_or_create_signing_key(path), origin)
        if not path.exists():
            raise AuditKeyUnusable(
                f"the signing key file {path} is missing; the store's checkpoints "
                f"are signed by key {signed_by}"
            )
        signer = _private_key(path)
        if signer.key_id != signed_by:
            # Another environment's key, say: verify checks every checkpoint
            # against the one key, so a checkpoint signed with this would fail.
            raise AuditKeyUnusable(
                f"the signing key file {path} holds key {signer.key_id}; the "
                f"store's checkpoints are signed by key {signed_by}"
            )
        return cls(signer, origin)

    def sign(self, size: int, root_hash: str, at: datetime) -> Checkpoint:
        return self._signer.sign(self._origin, size, root_hash, format_timestamp(at))

    def public_key_pem(self) -> bytes:
        return self._signer.public_key_pem()


def public_key_of_key_file(path: Path) -> bytes:
    """The public half of an existing key file (never creates one)."""
    return _private_key(path).public_key_pem()


def public_key_file(path: Path) -> bytes:
    """The PEM text of the Ed25519 public key file at ``path``."""
    with _unusable_as_one_line(path, "public"):
        pem = path.read_bytes()
        verification_key(pem)
        return pem


def signature_check(public_key_pem: bytes) -> SignatureCheck:
    """``ValueError`` at once if the PEM is not an Ed25519 public key."""
    verification_key(public_key_pem)

    def check(checkpoint: SignedCheckpoint) -> bool:
        try:
            parsed = Checkpoint.from_json(checkpoint.to_json())
        except ValueError:
            return False
        return verify_checkpoint(parsed, public_key_pem)

    return check


def _private_key(path: Path) -> CheckpointSigner:
    with _unusable_as_one_line(path):
        return CheckpointSigner.from_pem(path.read_bytes())


@contextmanager
def _unusable_as_one_line(path: Path, half: str = "private") -> Iterator[None]:
    """Turn a key file that cannot be read or parsed into ``AuditKeyUnusable``."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise AuditKeyUnusable(f"cannot use the key file {path}: {reason}") from None
    except ValueError:
        raise AuditKeyUnusable(
            f"{path} is not an Ed25519 {half} key in PEM form"
        ) from None
