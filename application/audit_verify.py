"""``audit verify``: the whole store against its hash chains, leaves and checkpoints.

One pass over the store (``StoreScan``) checks every event; then every
checkpoint's signature is checked and the roots of the store as it is now, and
of the recorded leaves, are compared with what was signed. Each finding names
the position, subject and version it concerns.

The pass is a pipeline: a thread reads pages of the log ahead, worker
processes (if any) decode and hash them, and this process checks each page in
position order as it comes back, so the findings and their order do not depend
on how the work was shared.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from application.audit_event_log import EventLogPages, RecorderPages
from application.audit_findings import Finding, VerifyReport
from application.audit_hashing import PageHasher
from application.audit_ports import (
    CheckpointStore,
    Leaf,
    LeafStore,
    SignatureCheck,
    SignedCheckpoint,
)
from application.audit_read_ahead import prefetched
from application.audit_scan import StoreScan
from application.audit_trees import Roots
from application.audit_workers import hashed_pages
from application.ledger import CreditLedger

# Pages the reading thread may hold ready while the checks catch up.
READ_AHEAD = 4


class StoreVerifier:
    def __init__(
        self,
        ledger: CreditLedger,
        leaves: LeafStore,
        checkpoints: CheckpointStore,
        check_signature: SignatureCheck | None,
        batch_size: int = 1000,
        *,
        log: EventLogPages | None = None,
        workers: int = 0,
        published: Sequence[SignedCheckpoint] = (),
    ) -> None:
        """``check_signature`` is None when there is no key to check with: the
        checkpoints' roots are then compared as they stand, and the report
        says so. ``log`` reads the store (default: through the recorder,
        ``batch_size`` a page); ``workers`` processes decode and hash (0: this
        one does); ``published`` are checkpoints kept outside the store, which
        it must still hold and still match."""
        self._ledger = ledger
        self._leaves = leaves
        self._checkpoints = checkpoints
        self._check_signature = check_signature
        self._batch_size = batch_size
        self._log = log or RecorderPages(ledger.recorder, batch_size)
        self._workers = workers
        self._published = published

    def run(self, progress: Callable[[int], object] | None = None) -> VerifyReport:
        with _heap_frozen():
            scan = StoreScan(self._logged_leaves())
            pages = prefetched(self._log.pages(), READ_AHEAD)
            hasher = PageHasher(self._ledger.mapper)
            for page, facts in hashed_pages(pages, hasher, self._workers):
                scan.page(page, facts)
                if progress is not None:
                    progress(len(page))
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
        stored = list(self._checkpoints.all())
        kept = {c.to_json() for c in stored}
        missing = [c for c in self._published if c.to_json() not in kept]
        for checkpoint in missing:
            report.findings.append(
                Finding(
                    "checkpoint missing",
                    f"the published checkpoint of size {checkpoint.size} at "
                    f"{checkpoint.timestamp} is not in the store: deleted",
                )
            )
        every = [*stored, *missing]
        compared = self._to_compare(every, report)
        report.checkpoints = len(compared)
        if not every:
            report.notes.append("no signed checkpoint: no Merkle root to check")
        _note_uncovered_leaves(scan, every)
        if not compared:
            return
        report.signed_size = max(c.size for c in compared)
        trees = scan.trees
        _compare_roots(
            trees.store, compared, scan, "history rewritten after a checkpoint"
        )
        _compare_roots(trees.logged, compared, scan, "audit leaf table altered")

    def _to_compare(
        self, checkpoints: list[SignedCheckpoint], report: VerifyReport
    ) -> list[SignedCheckpoint]:
        """The checkpoints whose roots are compared: those the log's key signed,
        or all of them when there is no key to check with."""
        if self._check_signature is None:
            report.signatures_checked = False
            if checkpoints:
                report.notes.append(
                    f"no key to check signatures with: the {len(checkpoints)} "
                    "checkpoints' signatures were not checked, their roots are "
                    "compared as they stand"
                )
            return checkpoints
        signed: list[SignedCheckpoint] = []
        for checkpoint in checkpoints:
            if self._check_signature(checkpoint):
                signed.append(checkpoint)
            else:
                report.bad_signatures += 1
                report.findings.append(
                    Finding(
                        "bad checkpoint signature",
                        f"checkpoint of size {checkpoint.size} at "
                        f"{checkpoint.timestamp} (key {checkpoint.key_id}) is not "
                        "signed by the log's key",
                    )
                )
        return signed


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep what lives already (modules, services) out of the garbage
    collector's full passes: over a long pass they cost a tenth of the time."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:  # someone else's freeze is theirs to undo
            gc.unfreeze()


def _note_uncovered_leaves(
    scan: StoreScan, checkpoints: list[SignedCheckpoint]
) -> None:
    """Leaves no checkpoint covers are a note, not a problem: they are logged
    in one transaction and the checkpoint signed in the next, so a run that
    stops between the two (or refuses to sign) leaves them; the next run
    covers them."""
    logged = len(scan.logged_positions)
    covered = max((c.size for c in checkpoints), default=0)
    if logged <= covered:
        return
    count = logged - covered
    leaves, them = ("1 leaf", "it") if count == 1 else (f"{count} leaves", "them")
    scan.report.notes.append(
        f"{leaves} logged but no checkpoint covers {them} (leaves {covered}.."
        f"{logged - 1}): left by a checkpoint run that stopped before signing "
        f"(the next one covers {them}), or by deleted checkpoints, which only "
        "those published outside the store show (--checkpoint)"
    )


def _compare_roots(
    tree: Roots, signed: list[SignedCheckpoint], scan: StoreScan, problem: str
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
