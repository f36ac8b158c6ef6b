"""What a batch worker process sets itself up with.

Apart from ``api.batch_workers``, which the service's process uses: the
workers' fork server imports this and ``api.batch_lines`` before the first
worker starts, and without FastAPI and the rest of the service it does so in
half the time (a service that has just started answers its first large batch
that much sooner).
"""

from __future__ import annotations

from collections.abc import Callable

from api.line_workers import collect_rarely
from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_worker_ledger
from infrastructure.settings import Settings


def open_ledger(settings: Settings) -> tuple[CreditLedger, Callable[[], None]]:
    """A worker's ledger, on the service's own settings."""
    ledger = build_worker_ledger(settings)
    collect_rarely()
    return ledger, ledger.close
