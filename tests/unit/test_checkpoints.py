"""Signed checkpoints: signatures bind every field and keys survive restarts."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from infrastructure.audit.checkpoints import (
    Checkpoint,
    CheckpointSigner,
    format_timestamp,
    load_or_create_signing_key,
    verify_checkpoint,
)

ORIGIN = "credit-ledger.example/county-7"
ROOT = hashlib.sha256(b"some tree").hexdigest()
OTHER_ROOT = hashlib.sha256(b"another tree").hexdigest()
TIMESTAMP = "2025-03-01T08:00:00Z"


@pytest.fixture(scope="module")
def signer() -> CheckpointSigner:
    return CheckpointSigner.generate()


@pytest.fixture(scope="module")
def checkpoint(signer: CheckpointSigner) -> Checkpoint:
    return signer.sign(ORIGIN, 1234, ROOT, TIMESTAMP)


def test_signed_checkpoint_verifies_with_the_signers_public_key(
    signer: CheckpointSigner, checkpoint: Checkpoint
) -> None:
    assert checkpoint.origin == ORIGIN
    assert checkpoint.size == 1234
    assert checkpoint.root_hash == ROOT
    assert checkpoint.timestamp == TIMESTAMP
    assert checkpoint.key_id == signer.key_id
    assert verify_checkpoint(checkpoint, signer.public_key_pem())


def test_signed_message_is_the_documented_text(checkpoint: Checkpoint) -> None:
    expected = f"{ORIGIN}\n1234\n{ROOT}\n{TIMESTAMP}\n".encode()
    assert checkpoint.signed_message() == expected


def test_any_ed25519_library_can_check_the_signature_from_the_documentation(
    signer: CheckpointSigner, checkpoint: Checkpoint
) -> None:
    public_key = serialization.load_pem_public_key(signer.public_key_pem())
    assert isinstance(public_key, Ed25519PublicKey)
    message = f"{ORIGIN}\n1234\n{ROOT}\n{TIMESTAMP}\n".encode()
    public_key.verify(base64.b64decode(checkpoint.signature), message)


@pytest.mark.parametrize(
    "change",
    [
        {"size": 1233},
        {"size": 1235},
        {"root_hash": OTHER_ROOT},
        {"timestamp": "2025-03-01T08:00:01Z"},
        {"origin": "credit-ledger.example/county-8"},
    ],
)
def test_tampered_checkpoint_is_rejected(
    signer: CheckpointSigner, checkpoint: Checkpoint, change: dict[str, Any]
) -> None:
    tampered = dataclasses.replace(checkpoint, **change)
    assert not verify_checkpoint(tampered, signer.public_key_pem())


def test_signature_from_another_checkpoint_is_rejected(
    signer: CheckpointSigner, checkpoint: Checkpoint
) -> None:
    other = signer.sign(ORIGIN, 1235, OTHER_ROOT, TIMESTAMP)
    transplanted = dataclasses.replace(checkpoint, signature=other.signature)
    assert not verify_checkpoint(transplanted, signer.public_key_pem())


def test_checkpoint_is_rejected_under_another_key(checkpoint: Checkpoint) -> None:
    stranger = CheckpointSigner.generate()
    assert not verify_checkpoint(checkpoint, stranger.public_key_pem())
    relabelled = dataclasses.replace(checkpoint, key_id=stranger.key_id)
    assert not verify_checkpoint(relabelled, stranger.public_key_pem())


def test_checkpoint_naming_another_key_id_is_rejected(
    signer: CheckpointSigner, checkpoint: Checkpoint
) -> None:
    relabelled = dataclasses.replace(checkpoint, key_id="0" * 16)
    assert not verify_checkpoint(relabelled, signer.public_key_pem())


def test_verification_refuses_a_key_that_is_not_ed25519(
    checkpoint: Checkpoint,
) -> None:
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    with pytest.raises(ValueError):
        verify_checkpoint(checkpoint, ec_pem)


def test_json_round_trip_keeps_the_checkpoint_verifiable(
    signer: CheckpointSigner, checkpoint: Checkpoint
) -> None:
    text = checkpoint.to_json()
    restored = Checkpoint.from_json(text)
    assert restored == checkpoint
    assert Checkpoint.from_json(text.encode()) == checkpoint
    assert verify_checkpoint(restored, signer.public_key_pem())
    assert json.loads(text) == dataclasses.asdict(checkpoint)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("signature"),
        lambda d: d.update(extra="x"),
        lambda d: d.update(size="1234"),
        lambda d: d.update(size=True),
        lambda d: d.update(root_hash=ROOT.upper()),
        lambda d: d.update(signature="not base64!"),
        lambda d: d.update(key_id=7),
    ],
)
def test_from_json_refuses_malformed_documents(
    checkpoint: Checkpoint, mutate: Any
) -> None:
    document = json.loads(checkpoint.to_json())
    mutate(document)
    with pytest.raises(ValueError):
        Checkpoint.from_json(json.dumps(document))


@pytest.mark.parametrize(
    ("origin", "size", "root_hash", "timestamp"),
    [
        ("", 1, ROOT, TIMESTAMP),
        ("a\n2", 1, ROOT, TIMESTAMP),
        (ORIGIN, -1, ROOT, TIMESTAMP),
        (ORIGIN, 1, ROOT[:-1], TIMESTAMP),
        (ORIGIN, 1, ROOT.upper(), TIMESTAMP),
        (ORIGIN, 1, ROOT, "2025-03-01T16:00:00+08:00"),
        (ORIGIN, 1, ROOT, "2025-03-01 08:00:00Z"),
        (ORIGIN, 1, ROOT, "2025-02-30T08:00:00Z"),
        (ORIGIN, 1, ROOT, "2025-03-01T08:00:00"),
    ],
)
def test_signing_refuses_fields_that_would_make_the_message_ambiguous(
    signer: CheckpointSigner, origin: str, size: int, root_hash: str, timestamp: str
) -> None:
    with pytest.raises(ValueError):
        signer.sign(origin, size, root_hash, timestamp)


def test_fractional_seconds_are_accepted(signer: CheckpointSigner) -> None:
    checkpoint = signer.sign(ORIGIN, 0, ROOT, "2025-03-01T08:00:00.123456Z")
    assert verify_checkpoint(checkpoint, signer.public_key_pem())


def test_key_id_is_the_start_of_sha256_over_the_raw_public_key(
    signer: CheckpointSigner,
) -> None:
    public_key = serialization.load_pem_public_key(signer.public_key_pem())
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert signer.key_id == hashlib.sha256(raw).hexdigest()[:16]


def test_pem_round_trip_keeps_the_key(signer: CheckpointSigner) -> None:
    reloaded = CheckpointSigner.from_pem(signer.to_pem())
    assert reloaded.key_id == signer.key_id
    assert reloaded.public_key_pem() == signer.public_key_pem()


def test_from_pem_refuses_a_key_that_is_not_ed25519() -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError):
        CheckpointSigner.from_pem(ec_pem)


def test_from_pem_refuses_an_encrypted_key_as_it_refuses_other_keys() -> None:
    encrypted = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    with pytest.raises(ValueError, match="unusable private key"):
        CheckpointSigner.from_pem(encrypted)


def test_missing_key_file_is_created_private_and_reloaded_with_the_same_key(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys" / "checkpoint.pem"
    created = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["checkpoint.pem"]

    reloaded = load_or_create_signing_key(path)
    assert reloaded.key_id == created.key_id
    checkpoint = created.sign(ORIGIN, 5, ROOT, TIMESTAMP)
    assert verify_checkpoint(checkpoint, reloaded.public_key_pem())


def test_existing_key_file_is_never_replaced(
    tmp_path: Path, signer: CheckpointSigner
) -> None:
    path = tmp_path / "checkpoint.pem"
    path.write_bytes(signer.to_pem())
    assert load_or_create_signing_key(path).key_id == signer.key_id
    assert path.read_bytes() == signer.to_pem()


def test_format_timestamp_renders_utc_to_the_second() -> None:
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2025, 3, 1, 16, 0, 0, 999, tzinfo=shanghai)
    assert format_timestamp(moment) == TIMESTAMP
    assert format_timestamp(datetime(2025, 3, 1, 8, tzinfo=UTC)) == TIMESTAMP
    with pytest.raises(ValueError):
        format_timestamp(datetime(2025, 3, 1, 8))
