"""create_app(settings): the HTTP service, built fresh for each caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.access_log import AccessLogMiddleware
from api.batch_workers import batch_workers_for
from api.identity_lookups import identity_lookups_for
from api.limits import BodySizeLimit
from api.openapi_problems import install_problem_schemas
from api.problems import install_problem_handlers
from api.rate_limit import RateLimit
from api.routes import (
    audit,
    calendar,
    checks,
    events,
    health,
    indicators,
    indicators_page,
    inspection,
    metrics,
    portal,
    portal_lists,
    public_lists,
    publicity,
    repairs,
    subject_search,
    subjects,
)
from application.clock import Clock
from application.group_commit import GroupCommitter
from infrastructure.audit.scheduler import CheckpointScheduler
from infrastructure.bootstrap import Services, build_services
from infrastructure.expiry_scheduler import ExpiryScheduler
from infrastructure.log_masking import install_masking
from infrastructure.settings import Settings

DESCRIPTION = """Event-sourced credit records for a county public-credit office.

Departments record credit facts (双公示 licences and penalties, commitments,
serious-dishonesty listings, red list, repairs) with scoped API keys; every fact
is an event in an append-only store. Errors are RFC 9457 problem+json."""


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    services: Services | None = None,
) -> FastAPI:
    settings = settings or Settings()
    built = services or build_services(settings, clock)

    committer = GroupCommitter(built.ledger)
    batch_workers = batch_workers_for(settings, built)
    signer = CheckpointScheduler(built.audit, settings.checkpoint_interval_seconds)
    expiry = ExpiryScheduler(
        built.ledger, built.read_models, settings.expiry_interval_seconds
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        install_masking()
        signer.start()
        built.read_models.start()
        expiry.start()
        if batch_workers is not None:
            batch_workers.start_in_background()
        yield
        expiry.stop()
        built.read_models.stop()
        signer.stop()
        committer.stop()
        if batch_workers is not None:
            batch_workers.close()
        if services is None:
            built.close()

    app = FastAPI(
        title="credit-ledger",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.services = built
    app.state.committer = committer
    app.state.batch_workers = batch_workers
    app.state.expiry = expiry
    app.state.identity_lookups = identity_lookups_for(settings)
    install_problem_handlers(app)
    install_problem_schemas(app)
    for module in (
        subject_search,
        subjects,
        events,
        calendar,
        health,
        metrics,
        audit,
        public_lists,
        publicity,
        repairs,
        checks,
        indicators,
        inspection,
        indicators_page,
        portal,
        portal_lists,
    ):
        app.include_router(module.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimit,
        per_second=settings.rate_limit_per_second,
        burst=settings.rate_limit_burst,
    )
    app.add_middleware(AccessLogMiddleware)  # outermost: sees 413s and 429s too
    return app
