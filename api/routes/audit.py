"""The audit log: the signed checkpoint (public), proofs and bundles (audit scope).

The checkpoint and public key are public on purpose, as in Certificate
Transparency: they reveal only a tree size, a root hash and a time, and the more
places hold copies, the harder it is to show different auditors different
histories. Proofs and bundles carry event hashes and content: audit scope.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import AuditorDep, ServicesDep
from api.schemas.audit import (
    CheckpointFields,
    CheckpointPublic,
    ConsistencyProofPublic,
    InclusionProofPublic,
    SubjectBundlePublic,
)
from application.audit import AuditLog
from application.audit_bundle import subject_bundle
from application.audit_errors import NoCheckpoint, OutOfRange, UnknownPosition
from application.audit_ports import SignedCheckpoint

router = APIRouter(prefix="/v1/audit", tags=["audit"])

# Beyond any real log, and within every database's integer type.
MAX_SIZE = 2**62
Size = Annotated[int, Query(ge=0, le=MAX_SIZE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such checkpoint, position or subject"}
}


@contextmanager
def audit_problems() -> Iterator[None]:
    try:
        yield
    except (NoCheckpoint, UnknownPosition) as error:
        raise HTTPException(404, str(error)) from None
    except OutOfRange as error:
        raise HTTPException(422, str(error)) from None


@router.get("/checkpoint", response_model=CheckpointPublic, responses=NOT_FOUND)
def latest_checkpoint(services: ServicesDep) -> CheckpointPublic:
    """The latest signed checkpoint and the key that verifies it. No key needed."""
    audit = services.audit
    with audit_problems():
        checkpoint = audit.latest_checkpoint()
    fields = _fields(checkpoint)
    return CheckpointPublic(
        checkpoint=fields,
        public_key=audit.public_key_pem().decode(),
        signed_message=(
            f"{fields.origin}\n{fields.size}\n{fields.root_hash}\n{fields.timestamp}\n"
        ),
    )


@router.get(
    "/proof/inclusion", response_model=InclusionProofPublic, responses=NOT_FOUND
)
def inclusion_proof(
    _: AuditorDep,
    services: ServicesDep,
    position: Annotated[int, Query(ge=1, le=MAX_SIZE)],
    size: Annotated[
        int | None, Query(ge=1, le=MAX_SIZE, description="default: latest checkpoint")
    ] = None,
) -> InclusionProofPublic:
    audit = services.audit
    with audit_problems():
        tree_size = _size_or_latest(audit, size)
        proof = audit.inclusion(position, tree_size)
    return InclusionProofPublic(
        position=proof.position,
        leaf_index=proof.leaf_index,
        size=proof.size,
        event_hash=proof.event_hash,
        root_hash=proof.root_hash,
        proof=proof.path,
        checkpoint=_signed_at(audit, tree_size),
    )


@router.get(
    "/proof/consistency", response_model=ConsistencyProofPublic, responses=NOT_FOUND
)
def consistency_proof(
    _: AuditorDep,
    services: ServicesDep,
    from_: Annotated[int, Query(alias="from", ge=0, le=MAX_SIZE)],
    to: Annotated[
        int | None, Query(ge=0, le=MAX_SIZE, description="default: latest checkpoint")
    ] = None,
) -> ConsistencyProofPublic:
    audit = services.audit
    with audit_problems():
        proof = audit.consistency(from_, _size_or_latest(audit, to))
    return ConsistencyProofPublic(
        from_=proof.old_size,
        to=proof.new_size,
        from_root=proof.old_root,
        to_root=proof.new_root,
        proof=proof.path,
    )


@router.get(
    "/subjects/{code}/bundle", response_model=SubjectBundlePublic, responses=NOT_FOUND
)
def evidence_bundle(
    code: str,
    _: AuditorDep,
    services: ServicesDep,
    size: Annotated[
        int | None,
        Query(ge=0, le=MAX_SIZE, description="a checkpoint's size; default: latest"),
    ] = None,
) -> Any:
    """Everything needed to check the subject's history offline:
    ``credit-ledger audit verify-subject CODE --bundle FILE --checkpoint FILE``."""
    with audit_problems():
        return subject_bundle(services.audit, code, size)


def _size_or_latest(audit: AuditLog, size: int | None) -> int:
    audit.refresh()
    return audit.latest_checkpoint().size if size is None else size


def _signed_at(audit: AuditLog, size: int) -> CheckpointFields | None:
    checkpoint = audit.checkpoints.at_size(size)
    return None if checkpoint is None else _fields(checkpoint)


def _fields(checkpoint: SignedCheckpoint) -> CheckpointFields:
    return CheckpointFields.model_validate(json.loads(checkpoint.to_json()))
