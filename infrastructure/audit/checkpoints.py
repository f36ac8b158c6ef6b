"""Signed checkpoints: Ed25519 signatures over (origin, tree size, root, time).

The signed message is this UTF-8 text, each field followed by a newline::

    <origin>\\n<size>\\n<root_hash>\\n<timestamp>\\n

* origin: the log's name; non-empty, printable, so it cannot contain a newline
* size: tree size in decimal, no sign, no leading zeros
* root_hash: RFC 9162 root of the first ``size`` leaves, 64 lowercase hex digits
* timestamp: RFC 3339 UTC, ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``

Every field is checked on construction, so one checkpoint has exactly one
message and no field can smuggle in another. An auditor needs only the public
key and this description to check a checkpoint with any Ed25519 library.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

_ROOT_HASH = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", re.ASCII)
_SIGNATURE_SIZE = 64
_FIELDS = frozenset({"origin", "size", "root_hash", "timestamp", "key_id", "signature"})


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str

    def __post_init__(self) -> None:
        _check_signed_fields(self.origin, self.size, self.root_hash, self.timestamp)
        if not isinstance(self.key_id, str) or not _KEY_ID.fullmatch(self.key_id):
            raise ValueError("key_id must be 16 lowercase hex digits")
        _decode_signature(self.signature)

    def signed_message(self) -> bytes:
        return _signed_message(self.origin, self.size, self.root_hash, self.timestamp)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        """Parse ``to_json`` output; ``ValueError`` on anything else."""
        data: Any = json.loads(text)
        if not isinstance(data, dict) or set(data) != _FIELDS:
            raise ValueError(
                f"checkpoint JSON needs exactly the fields {sorted(_FIELDS)}"
            )
        size = data["size"]
        if isinstance(size, bool) or not isinstance(size, int):
            raise ValueError("checkpoint size must be an integer")
        texts = {name: data[name] for name in _FIELDS - {"size"}}
        if not all(isinstance(value, str) for value in texts.values()):
            raise ValueError("checkpoint fields other than size must be strings")
        return cls(size=size, **texts)


class CheckpointSigner:
    """Holds the log's Ed25519 private key and signs checkpoints with it."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._key_id = _key_id(private_key.public_key())

    @classmethod
    def generate(cls) -> CheckpointSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> CheckpointSigner:
        """Load an unencrypted PKCS#8 PEM private key, as written by ``to_pem``;
        ``ValueError`` for anything else."""
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        # TypeError: the key is encrypted.
        except (TypeError, UnsupportedAlgorithm) as error:
            raise ValueError(f"unusable private key: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("checkpoint signing key must be Ed25519")
        return cls(key)

    def to_pem(self) -> bytes:
        return self._private_key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )

    def public_key_pem(self) -> bytes:
        return self._private_key.public_key().public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )

    @property
    def key_id(self) -> str:
        """First 16 hex digits of SHA-256 over the raw 32-byte public key."""
        return self._key_id

    def sign(
        self, origin: str, size: int, root_hash: str, timestamp: str
    ) -> Checkpoint:
        _check_signed_fields(origin, size, root_hash, timestamp)
        message = _signed_message(origin, size, root_hash, timestamp)
        signature = self._private_key.sign(message)
        return Checkpoint(
            origin=origin,
            size=size,
            root_hash=root_hash,
            timestamp=timestamp,
            key_id=self._key_id,
            signature=base64.b64encode(signature).decode("ascii"),
        )


def verify_checkpoint(checkpoint: Checkpoint, public_key_pem: bytes) -> bool:
    """True when ``public_key_pem`` signed exactly this checkpoint.

    A checkpoint naming another key id is rejected before the signature is
    checked. ``ValueError`` if the PEM is not an Ed25519 public key.
    """
    public_key = verification_key(public_key_pem)
    if checkpoint.key_id != _key_id(public_key):
        return False
    try:
        public_key.verify(
            _decode_signature(checkpoint.signature), checkpoint.signed_message()
        )
    except InvalidSignature:
        return False
    return True


def verification_key(public_key_pem: bytes) -> Ed25519PublicKey:
    """The Ed25519 public key in ``public_key_pem``; ``ValueError`` otherwise."""
    try:
        public_key = serialization.load_pem_public_key(public_key_pem)
    except UnsupportedAlgorithm as error:
        raise ValueError(f"unsupported public key: {error}") from None
    if not isinstance(public_key, Ed25519PublicKey):
        raise ValueError("checkpoint verification key must be Ed25519")
    return public_key


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC text of an aware datetime, to the second, for ``sign``."""
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_or_create_signing_key(path: Path) -> CheckpointSigner:
    """Load the PEM key at ``path``, or create it (mode 0600) if missing.

    The new key is written to a private temporary file and hard-linked into
    place, so a concurrent reader never sees half a key and two processes
    racing to create it agree on whichever key landed first.
    """
    try:
        return CheckpointSigner.from_pem(path.read_bytes())
    except FileNotFoundError:
        pass
    signer = CheckpointSigner.generate()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(signer.to_pem())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return CheckpointSigner.from_pem(path.read_bytes())
        _fsync_directory(path.parent)
    finally:
        os.unlink(temporary)
    return signer


def _signed_message(origin: str, size: int, root_hash: str, timestamp: str) -> bytes:
    return f"{origin}\n{size}\n{root_hash}\n{timestamp}\n".encode()


def _check_signed_fields(
    origin: str, size: int, root_hash: str, timestamp: str
) -> None:
    if not isinstance(origin, str) or not origin or not origin.isprintable():
        raise ValueError("origin must be non-empty printable text")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("size must be a non-negative integer")
    if not isinstance(root_hash, str) or not _ROOT_HASH.fullmatch(root_hash):
        raise ValueError("root_hash must be 64 lowercase hex digits")
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError("timestamp must be RFC 3339 UTC: YYYY-MM-DDTHH:MM:SS[.f]Z")
    # The pattern fixes the shape; parsing rejects impossible dates and times.
    datetime.fromisoformat(timestamp)


def _decode_signature(signature: str) -> bytes:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError, TypeError) as error:
        raise ValueError("signature must be standard base64") from error
    if len(raw) != _SIGNATURE_SIZE or base64.b64encode(raw).decode() != signature:
        raise ValueError(f"signature must be {_SIGNATURE_SIZE} bytes, base64 encoded")
    return raw


def _key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def _fsync_directory(directory: Path) -> None:
    # Makes the new name durable; some platforms cannot open directories.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
