"""What an error says as RFC 9457 problem details, without the HTTP framework
(the import command answers its lines with them and needs nothing else of it)."""

from __future__ import annotations

from typing import Any

from application.dispatch import REQUIRED_SCOPE
from application.errors import (
    ApplicationError,
    ConcurrentWriteConflict,
    SubjectNotFound,
    UnknownEventType,
    UnreadableHistory,
    VersionMismatch,
)
from domain.errors import (
    DomainError,
    DuplicateRecord,
    InvalidRecord,
    InvalidSubjectCode,
    SubjectAlreadyRegistered,
    UnknownRecord,
    UnknownRepair,
)

PROBLEM_TYPE_BASE = "https://credit-ledger.example/problems/"

STATUS_BY_ERROR: list[tuple[type[Exception], int]] = [
    (InvalidSubjectCode, 422),
    (InvalidRecord, 422),
    (UnknownRecord, 404),
    (UnknownRepair, 404),
    (DuplicateRecord, 409),
    (SubjectNotFound, 404),
    (UnknownEventType, 422),
    (VersionMismatch, 412),
    (ConcurrentWriteConflict, 409),
    # The store's data is at fault, not the request.
    (UnreadableHistory, 500),
    (DomainError, 409),
    (ApplicationError, 409),
]


def problem_body(
    status: int, title: str, detail: str, kind: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }


def error_problem(
    error: Exception, code_field: str = "code"
) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem body a refusal is answered with, and its response headers;
    a bad subject code is the field ``code_field`` of the request."""
    status = next(s for cls, s in STATUS_BY_ERROR if isinstance(error, cls))
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    field = code_field if isinstance(error, InvalidSubjectCode) else None
    if isinstance(error, InvalidRecord):
        field = error.field
    if field is not None:
        extra["errors"] = [
            {"field": field, "message": str(error), "type": _snake(type(error))}
        ]
    if isinstance(error, VersionMismatch):
        extra["current_version"] = error.current_version
        headers["ETag"] = f'"{error.current_version}"'
    if isinstance(error, SubjectAlreadyRegistered):
        extra["differing"] = list(error.differing)
    if isinstance(error, ConcurrentWriteConflict):
        headers["Retry-After"] = "1"
    body = problem_body(
        status,
        getattr(error, "title", "Request refused"),
        _detail(error),
        _kebab(type(error).__name__),
        **extra,
    )
    return body, headers


def _detail(error: Exception) -> str:
    if isinstance(error, UnreadableHistory):
        return (
            f"The stored history of {error.code} cannot be read ({error.reason}): "
            "the store was altered or damaged; its audit (credit-ledger audit "
            "verify) names what changed"
        )
    return str(error)


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def _snake(kind: type[Exception]) -> str:
    return _kebab(kind.__name__).replace("-", "_")


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "field": _field(e),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


# A body of an unknown or missing type fails on the field that names it.
_TYPE_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


def _field(error: Any) -> str:
    """The offending field as the client wrote it: without the body it is in,
    nor the event type pydantic names the union's member by."""
    if error.get("type") == "json_invalid":
        return "body"  # its location is a character offset, not a field
    path = [str(p) for p in error.get("loc", ()) if p != "body"]
    if error.get("type") in _TYPE_ERRORS:
        return ".".join([*path, "type"])
    if path and path[0] in REQUIRED_SCOPE:
        path = path[1:]
    return ".".join(path)
