"""``audit verify``: the whole store against its hash chains, leaves and checkpoints.

One pass over the store (``StoreScan``) checks every event; then every
checkpoint's signature is checked and the roots of the store as it is now, and
of the recorded leaves, are compared with what was signed. Each finding names
the position, subject and version it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from application.audit_findings import Finding, VerifyReport
from application.audit_ports import (
    CheckpointStore,
    Leaf,
    LeafStore,
    SignatureCheck,
    SignedCheckpoint,
)
from application.audit_scan import StoreScan
from application.ledger import CreditLedger
from application.stored_events import decoded
from domain.merkle import MerkleLog


class StoreVerifier:
    def __init__(
        self,
        ledger: CreditLedger,
        leaves: LeafStore,
        checkpoints: CheckpointStore,
        check_signature: SignatureCheck,
        batch_size: int = 1000,
    ) -> None:
        self._ledger = ledger
        self._leaves = leaves
        self._checkpoints = checkpoints
        self._check_signature = check_signature
        self._batch_size = batch_size

    def run(self, progress: Callable[[int], object] | None = None) -> VerifyReport:
        scan = StoreScan(self._logged_leaves())
        start = 1
        while batch := self._ledger.recorder.select_notifications(
            start=start, limit=self._batch_size
        ):
            for notification in batch:
                found = decoded(self._ledger, notification)
                event, digest = found if found else (None, None)
                scan.event(notification, event, digest)
            start = batch[-1].id + 1
            if progress is not None:
                progress(len(batch))
        scan.finish()
        self._check_checkpoints(scan)
        return scan.report

    def _logged_leaves(self) -> Iterator[Leaf]:
        index = 0
        while batch := self._leaves.read(index, self._batch_size * 10):
            yield from batch
            index += len(batch)

    def _check_checkpoints(self, scan: StoreScan) -> None:
        report = scan.report
        signed: list[SignedCheckpoint] = []
        for checkpoint in self._checkpoints.all():
            if self._check_signature(checkpoint):
                signed.append(checkpoint)
            else:
                report.findings.append(
                    Finding(
                        "bad checkpoint signature",
                        f"checkpoint of size {checkpoint.size} at "
                        f"{checkpoint.timestamp} (key {checkpoint.key_id}) is not "
                        "signed by the log's key",
                    )
                )
        report.checkpoints = len(signed)
        if not signed:
            report.notes.append("no signed checkpoint: no Merkle root to check")
            return
        report.signed_size = max(c.size for c in signed)
        _compare_roots(scan.tree, signed, scan, "history rewritten after a checkpoint")
        _compare_roots(scan.logged, signed, scan, "audit leaf table altered")


def _compare_roots(
    tree: MerkleLog, signed: list[SignedCheckpoint], scan: StoreScan, problem: str
) -> None:
    """Name the first checkpoint whose signed root the tree no longer gives."""
    matched = 0
    for checkpoint in sorted(signed, key=lambda c: c.size):
        if checkpoint.size > tree.size:
            detail = (
                f"the checkpoint of {checkpoint.timestamp} signed {checkpoint.size} "
                f"events; only {tree.size} are there now: events were deleted"
            )
        elif tree.root(checkpoint.size).hex() != checkpoint.root_hash:
            detail = (
                f"the first {checkpoint.size} events no longer give the root signed "
                f"at {checkpoint.timestamp}; the change lies in leaves "
                f"{matched}..{checkpoint.size - 1}"
                + _positions(scan, matched, checkpoint.size)
            )
        else:
            matched = checkpoint.size
            continue
        scan.report.findings.append(Finding(problem, detail))
        return


def _positions(scan: StoreScan, first: int, end: int) -> str:
    known = scan.logged_positions
    if end > len(known):
        return ""
    return f" (positions {known[first]}..{known[end - 1]})"
