"""Builds the audit log and access log on the event store's own database."""

from __future__ import annotations

from application.access import AccessLog
from application.access_buffer import BufferedAccessLog
from application.audit import AuditLog
from application.clock import Clock
from application.ledger import CreditLedger
from infrastructure.audit.access_log import SQLAccessLog
from infrastructure.audit.database import AuditDatabase
from infrastructure.audit.memory import (
    InMemoryAccessLog,
    InMemoryCheckpointStore,
    InMemoryLeafStore,
)
from infrastructure.audit.signing import LogSigner
from infrastructure.audit.tables import SQLCheckpointStore, SQLLeafStore
from infrastructure.settings import Settings


def build_audit(
    settings: Settings, ledger: CreditLedger, clock: Clock
) -> tuple[AuditLog, AccessLog]:
    def signer() -> LogSigner:
        # Loaded (or created) on first use, so commands that never sign
        # never touch the key file.
        return LogSigner.from_key_file(
            settings.signing_key_file, settings.checkpoint_origin
        )

    if settings.store_kind == "memory":
        audit = AuditLog(
            ledger, InMemoryLeafStore(), InMemoryCheckpointStore(), signer, clock
        )
        return audit, InMemoryAccessLog()
    database = AuditDatabase(ledger.recorder)
    audit = AuditLog(
        ledger, SQLLeafStore(database), SQLCheckpointStore(database), signer, clock
    )
    return audit, BufferedAccessLog(SQLAccessLog(database))
