"""A subject's hash chain, checked on its history as read, the way ``audit
verify`` checks every subject's: each ``previous_hash`` must be the hash of the
version before, the first's 64 zeros."""

from __future__ import annotations

from collections.abc import Sequence

from application.audit_event_log import LogRow
from application.audit_hashing import Facts
from application.audit_ports import Leaf
from application.audit_scan import CHAIN_BROKEN, StoreScan
from application.results import HistoryEntry
from domain.subject import subject_id


def chain_break(code: str, history: Sequence[HistoryEntry]) -> int | None:
    """The first version whose ``previous_hash`` does not chain to the version
    before it, or None if every link holds."""
    # No logged leaves: only the history itself is checked, not the audit log.
    no_leaves: list[Leaf] = []
    scan = StoreScan(iter(no_leaves))
    originator_id = subject_id(code)
    rows: list[LogRow] = [
        (entry.position, originator_id, entry.version, entry.type, b"")
        for entry in history
    ]
    facts: list[Facts] = [(code, entry.previous_hash, entry.hash) for entry in history]
    scan.page(rows, facts)
    return next(
        (f.version for f in scan.report.findings if f.problem == CHAIN_BROKEN), None
    )
