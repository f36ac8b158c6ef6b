"""Which aggregate command each recordable event type calls, and who may call it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.rules import CreditRules, Provenance
from domain.subject import CreditSubject

Decider = Callable[[CreditSubject, Provenance, CreditRules, dict[str, Any]], None]

RECORD_SCOPE = "record"
REVIEW_SCOPE = "review"

DECIDERS: dict[str, Decider] = {
    "LicencePublished": lambda s, p, r, f: s.publish_licence(p, r, **f),
    "PenaltyPublished": lambda s, p, r, f: s.publish_penalty(p, r, **f),
    "InformationRecorded": lambda s, p, r, f: s.record_information(p, **f),
    "CommitmentMade": lambda s, p, r, f: s.make_commitment(p, r, **f),
    "CommitmentFulfilled": lambda s, p, r, f: s.fulfil_commitment(p, r, **f),
    "CommitmentBreached": lambda s, p, r, f: s.breach_commitment(p, r, **f),
    "Listed": lambda s, p, r, f: s.list_as_seriously_dishonest(p, r, **f),
    "Delisted": lambda s, p, r, f: s.delist(p, **f),
    "RedListed": lambda s, p, r, f: s.red_list(p, **f),
    "RedListRevoked": lambda s, p, r, f: s.revoke_red_listing(p, **f),
    "PublicityExpired": lambda s, p, r, f: s.expire_publicity(p, **f),
    "RepairRequested": lambda s, p, r, f: s.request_repair(p, r, **f),
    "Repaired": lambda s, p, r, f: s.grant_repair(p, r, **f),
    "RepairRejected": lambda s, p, r, f: s.reject_repair(p, **f),
    "RepairRevoked": lambda s, p, r, f: s.revoke_repair(p, **f),
    "RecordCorrected": lambda s, p, r, f: s.correct_record(p, **f),
    "RecordRevoked": lambda s, p, r, f: s.revoke_record(p, **f),
}

# Deciding repairs and correcting or revoking records is the reviewers' work.
REVIEW_EVENTS = frozenset(
    {"Repaired", "RepairRejected", "RepairRevoked", "RecordCorrected", "RecordRevoked"}
)
REQUIRED_SCOPE: dict[str, str] = {
    name: REVIEW_SCOPE if name in REVIEW_EVENTS else RECORD_SCOPE for name in DECIDERS
}
