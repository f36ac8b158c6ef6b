"""Builds the audit log and access log on the event store's own database."""

from __future__ import annotations

from application.access import AccessLog
from application.access_buffer import BufferedAccessLog
from application.audit import AuditLog
from application.audit_ports import CheckpointStore, LeafStore
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
    leaves: LeafStore
    checkpoints: CheckpointStore
    access_log: AccessLog
    if settings.store_kind == "memory":
        leaves, checkpoints = InMemoryLeafStore(), InMemoryCheckpointStore()
        access_log = InMemoryAccessLog()
    else:
        database = AuditDatabase(ledger.recorder)
        leaves, checkpoints = SQLLeafStore(database), SQLCheckpointStore(database)
        access_log = BufferedAccessLog(SQLAccessLog(database))

    def signer() -> LogSigner:
        # Loaded (or created) on first use, so commands that never sign
        # never touch the key file.
        latest = checkpoints.latest()
        return LogSigner.from_key_file(
            settings.signing_key_file,
            settings.checkpoint_origin,
            signed_by=None if latest is None else latest.key_id,
        )

    return AuditLog(ledger, leaves, checkpoints, signer, clock), access_log
