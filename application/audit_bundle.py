"""A subject's evidence bundle: its events up to a checkpoint, each with its proof.

The bundle is plain JSON so an auditor can keep it and check it offline with
``credit-ledger audit verify-subject`` (see ``domain.evidence`` for the checks
and the README for why they prove the history complete).
"""

from __future__ import annotations

import json
from typing import Any

from application.audit import AuditLog
from application.errors import SubjectNotFound
from domain.canonical import event_document
from domain.codes import parse_subject_code
from domain.events import SubjectEvent
from domain.evidence import BUNDLE_FORMAT
from domain.subject import subject_id


def subject_bundle(audit: AuditLog, raw_code: str, size: int | None) -> dict[str, Any]:
    code = parse_subject_code(raw_code).value
    originator_id = subject_id(code)
    ledger = audit.ledger
    events: list[SubjectEvent] = list(ledger.events.get(originator_id))  # type: ignore[arg-type]
    if not events:
        raise SubjectNotFound(f"Subject {code} is not registered")
    audit.refresh()
    checkpoint = audit.checkpoint_at(size)
    positions = ledger.positions.positions_of(originator_id)
    included: list[dict[str, Any]] = []
    next_event: dict[str, Any] | None = None
    for event in events:
        position = positions[event.originator_version]
        index = audit.index_of(position)
        if position > audit.last_position:
            break
        if index is not None and index >= checkpoint.size:
            next_event = _next_event(audit, event, position, index, checkpoint.size)
            break
        included.append(_entry(audit, event, position, index, checkpoint.size))
    return {
        "format": BUNDLE_FORMAT,
        "subject": code,
        "subject_id": str(originator_id),
        "checkpoint": json.loads(checkpoint.to_json()),
        "events": included,
        "next_event": next_event,
    }


def _entry(
    audit: AuditLog,
    event: SubjectEvent,
    position: int,
    index: int | None,
    size: int,
) -> dict[str, Any]:
    # An event whose position is not a leaf (the store was edited) goes in
    # without a proof, so the offline check names it instead of skipping it.
    proof = [] if index is None else audit.inclusion(position, size).path
    return {
        "position": position,
        "leaf_index": index,
        "event": event_document(event),
        "inclusion_proof": proof,
    }


def _next_event(
    audit: AuditLog, event: SubjectEvent, position: int, index: int, size: int
) -> dict[str, Any] | None:
    """The subject's first event after the checkpoint, if a later one signed it."""
    later = audit.checkpoints.first_covering(index)
    if later is None:
        return None
    return {
        **_entry(audit, event, position, index, later.size),
        "checkpoint": json.loads(later.to_json()),
        "consistency_proof": audit.consistency(size, later.size).path,
    }
