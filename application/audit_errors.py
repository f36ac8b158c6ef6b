"""Errors of the audit log: what was asked lies outside it, or it was tampered with."""

from __future__ import annotations

from application.errors import ApplicationError


class AuditError(ApplicationError):
    title = "Audit log error"


class NoCheckpoint(AuditError):
    title = "No such checkpoint"


class UnknownPosition(AuditError):
    title = "Position not in the audit log"


class OutOfRange(AuditError):
    """A tree size or leaf outside what the log holds."""

    title = "Outside the audit log"


class AuditLogCorrupted(AuditError):
    """The stored leaves no longer give the root the log signed: never sign on."""

    title = "Audit log corrupted"


class HashChainBroken(AuditLogCorrupted):
    """An event about to be logged does not chain to its subject's previous
    event: signing over it would back an altered store with signed evidence."""

    title = "Hash chain broken"


class AuditKeyUnusable(AuditError):
    """A key file the audit cannot use as asked: missing where it must exist,
    unreadable, or not an Ed25519 key. The message names the file and why."""

    title = "Audit key unusable"


class VerifyStopped(AuditError):
    """A worker process of the verification died (killed, say by the kernel for
    want of memory) before every event was checked: the store is not verified."""

    title = "Verification stopped"
