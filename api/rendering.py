"""The portal's Jinja2 templates (``api/templates``) and how pages are rendered."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import Response

from api.portal_labels import label, labels

MASK_CHAR = "*"


def subject_url(subject: str) -> str | None:
    """The public page of a subject shown by its public code; a masked
    identity number cannot (and must not) be turned back into a link."""
    if MASK_CHAR in subject:
        return None
    return subject_path(subject)


def subject_path(code: str) -> str:
    return "/subjects/" + quote(code, safe="")


@cache
def templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = label
    env.filters["labels"] = labels
    env.globals["subject_url"] = subject_url
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return templates().TemplateResponse(
        request, name, dict(context), status_code=status_code, headers=headers
    )
