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
