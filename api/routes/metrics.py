"""``/metrics``: store head, relay and projection positions and lag."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.prometheus import CONTENT_TYPE, exposition
from api.view_deps import ReadModelsDep
from infrastructure.views.progress import read_progress

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {CONTENT_TYPE: {}}}},
)
def metrics(read_models: ReadModelsDep) -> PlainTextResponse:
    """Prometheus text format: positions of the store, the relay and each view
    (per partition for views fed through Kafka), and their lag."""
    return PlainTextResponse(
        exposition(read_progress(read_models)), 200, None, CONTENT_TYPE
    )
