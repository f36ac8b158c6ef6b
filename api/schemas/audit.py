"""Checkpoints, proofs and evidence bundles as the audit endpoints show them.

Hashes are lowercase hex. Proof paths list sibling hashes deepest first, as
RFC 9162 §2.1.3 and §2.1.4 define them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CheckpointFields(BaseModel):
    origin: str
    size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str = Field(description="Ed25519 signature, standard base64")


class CheckpointPublic(BaseModel):
    checkpoint: CheckpointFields
    public_key: str = Field(description="The log's Ed25519 public key, PEM")
    signed_message: str = Field(
        description="The exact text signed: origin, size, root_hash and timestamp, "
        "each followed by a newline"
    )


class InclusionProofPublic(BaseModel):
    position: int
    leaf_index: int
    size: int
    event_hash: str = Field(description="Leaf data: this hex text, UTF-8")
    root_hash: str
    proof: list[str]
    checkpoint: CheckpointFields | None = Field(
        description="The signed checkpoint of this size, if one exists"
    )


class ConsistencyProofPublic(BaseModel):
    from_: int = Field(serialization_alias="from")
    to: int
    from_root: str
    to_root: str
    proof: list[str]


class BundleEventPublic(BaseModel):
    position: int
    leaf_index: int | None
    event: dict[str, Any] = Field(description="The event's canonical document")
    inclusion_proof: list[str]


class BundleNextEventPublic(BundleEventPublic):
    checkpoint: CheckpointFields
    consistency_proof: list[str]


class SubjectBundlePublic(BaseModel):
    format: str
    subject: str
    subject_id: str
    checkpoint: CheckpointFields
    events: list[BundleEventPublic]
    next_event: BundleNextEventPublic | None = Field(
        description="The subject's first event after the checkpoint, proven in a "
        "later signed checkpoint; null if there is none yet"
    )
