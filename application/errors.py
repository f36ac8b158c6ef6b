"""Errors of the service layer, beside the domain's own rule errors."""

from __future__ import annotations


class ApplicationError(Exception):
    title = "Request refused"


class SubjectNotFound(ApplicationError):
    title = "Unknown subject"


class UnknownEventType(ApplicationError):
    title = "Unknown event type"


class VersionMismatch(ApplicationError):
    """The caller's If-Match version is not the subject's current version."""

    title = "Version mismatch"

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class ConcurrentWriteConflict(ApplicationError):
    title = "Concurrent write conflict"


class UnreadableHistory(ApplicationError):
    """A subject's stored events no longer rebuild it: one is missing or does
    not decode. The store, not the request, is at fault."""

    title = "Stored history cannot be read"

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"the stored history of {code} cannot be read: {reason}")
        self.code = code
        self.reason = reason

    def __reduce__(self) -> tuple[type[UnreadableHistory], tuple[str, str]]:
        # Remade from both, not the message alone, when it crosses processes.
        return type(self), (self.code, self.reason)
