"""Every error becomes an RFC 9457 application/problem+json response; what each says
is mapped in one place, :mod:`api.problem_details`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.allowed_methods import allowed_methods
from api.identity_lookup_refusal import TooManyIdentityLookups
from api.problem_details import (
    error_problem,
    problem_body,
    validation_errors,
)
from application.errors import ApplicationError, UnreadableHistory
from domain.errors import DomainError
from domain.text_masking import mask_identity_numbers

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("credit_ledger.api")


def problem(
    status: int,
    title: str,
    detail: str,
    kind: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return _response(problem_body(status, title, detail, kind, **extra), headers)


def problem_for(error: Exception) -> JSONResponse:
    return _response(*error_problem(error))


def _response(body: dict[str, Any], headers: dict[str, str] | None) -> JSONResponse:
    return JSONResponse(
        body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_domain(_: Request, exc: Exception) -> JSONResponse:
        return problem_for(exc)

    async def on_unreadable_history(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, UnreadableHistory)
        # Once, for the operator; without the library's error, which may quote
        # the stored bytes.
        log.error("%s (run credit-ledger audit verify)", exc)
        return problem_for(exc)

    async def on_too_many_lookups(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TooManyIdentityLookups)
        return problem(
            429,
            "Too many requests",
            "This address has looked up as many natural persons by identity "
            "number without a key as it may for now; retry after "
            f"{exc.retry_after} s",
            "rate-limited",
            {"Retry-After": str(exc.retry_after)},
        )

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem(
            422,
            "Invalid request",
            "The request does not match the schema; see errors.",
            "validation",
            errors=validation_errors(exc.errors()),
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            return _method_not_allowed(request)
        if isinstance(exc.__cause__, RecursionError):
            # FastAPI's 400 for a body its JSON parser gave up on: the input
            # is malformed, which the contract answers 422.
            return problem(
                422,
                _phrase(422),
                "Malformed JSON body: nested too deeply",
                "http-422",
            )
        # One title per problem type (RFC 9457): the status's own phrase; what
        # went wrong this time is the detail. It may quote what the caller sent
        # (a list's name, a cursor, min_position), which an identity number
        # could be: shown masked, as on every public answer.
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem(
            exc.status_code,
            _phrase(exc.status_code),
            mask_identity_numbers(detail),
            f"http-{exc.status_code}",
            dict(exc.headers or {}),
        )

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(ApplicationError, on_domain)
    app.add_exception_handler(UnreadableHistory, on_unreadable_history)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(TooManyIdentityLookups, on_too_many_lookups)
    app.add_exception_handler(StarletteHTTPException, on_http)
    # Date arithmetic on what a client sent (a deadline past year 9999, an
    # instant whose local date is): the input, not the service, is wrong.
    out_of_range = "A date in the request, or one computed from it, is out of range"
    app.add_exception_handler(
        OverflowError, _answering(422, "Out of range", out_of_range, "out-of-range")
    )
    # Still logged by the server; the client learns nothing of the internals.
    not_completed = "The request could not be completed; it has been logged"
    app.add_exception_handler(
        Exception, _answering(500, "Internal error", not_completed, "internal-error")
    )


def _method_not_allowed(request: Request) -> JSONResponse:
    allowed = ", ".join(allowed_methods(request))
    detail = f"{request.method} is not served here; this path accepts {allowed}"
    return problem(405, _phrase(405), detail, "http-405", {"Allow": allowed})


def _answering(
    status: int, title: str, detail: str, kind: str
) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """A handler that answers every exception it gets with the same problem."""

    async def handler(_: Request, __: Exception) -> JSONResponse:
        return problem(status, title, detail, kind)

    return handler


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
