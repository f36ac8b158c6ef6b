"""Domain errors: each broken rule is its own exception with a clear message."""

from __future__ import annotations


class DomainError(Exception):
    """A credit rule was broken; the request can be corrected and retried."""

    title = "Credit rule broken"


class InvalidSubjectCode(DomainError):
    title = "Invalid subject code"


class InvalidRecord(DomainError):
    """The request itself can never succeed (bad dates, inconsistent fields);
    ``field`` names the one at fault, as the request writes it, where one is."""

    title = "Invalid record"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownRecord(DomainError):
    title = "Unknown record"


class UnknownRepair(DomainError):
    title = "Unknown repair"


class DuplicateRecord(DomainError):
    title = "Duplicate record id"


class RuleViolation(DomainError):
    """A rule refuses the event in the subject's current state (HTTP 409)."""

    title = "Credit rule refuses this event"


class CommitmentNotOpen(RuleViolation):
    title = "Commitment is not open"


class RepairNotAllowed(RuleViolation):
    title = "Repair not allowed"


class SubjectAlreadyRegistered(RuleViolation):
    title = "Subject already registered with other details"

    # Defaults, as an exception is remade from its message alone when it
    # crosses processes (pickled).
    def __init__(self, message: str, differing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        # The registered details the request names otherwise, by field name.
        self.differing = differing


class IdempotencyKeyReused(RuleViolation):
    title = "Idempotency key reused with a different request"
