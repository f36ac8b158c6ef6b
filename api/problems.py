"""Every error becomes RFC 9457 application/problem+json, mapped in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import (
    ApplicationError,
    ConcurrentWriteConflict,
    SubjectNotFound,
    UnknownEventType,
    VersionMismatch,
)
from domain.errors import (
    DomainError,
    DuplicateRecord,
    InvalidRecord,
    InvalidSubjectCode,
    UnknownRecord,
    UnknownRepair,
)

PROBLEM_TYPE_BASE = "https://credit-ledger.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

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
    (DomainError, 409),
    (ApplicationError, 409),
]


def problem(
    status: int,
    title: str,
    detail: str,
    kind: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def problem_for(error: Exception) -> JSONResponse:
    status = next(s for cls, s in STATUS_BY_ERROR if isinstance(error, cls))
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(error, VersionMismatch):
        extra["current_version"] = error.current_version
        headers["ETag"] = f'"{error.current_version}"'
    if isinstance(error, ConcurrentWriteConflict):
        headers["Retry-After"] = "1"
    return problem(
        status,
        getattr(error, "title", "Request refused"),
        str(error),
        _kebab(type(error).__name__),
        headers,
        **extra,
    )


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


def install_problem_handlers(app: FastAPI) -> None:
    async def on_domain(_: Request, exc: Exception) -> JSONResponse:
        return problem_for(exc)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem(
            422,
            "Invalid request",
            "The request does not match the schema; see errors.",
            "validation",
            errors=validation_errors(exc.errors()),
        )

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem(
            exc.status_code,
            exc.detail if isinstance(exc.detail, str) else "Error",
            exc.detail if isinstance(exc.detail, str) else str(exc.detail),
            f"http-{exc.status_code}",
            dict(exc.headers or {}),
        )

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(ApplicationError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
