"""The audit log follows the store leaf by leaf; its proofs check independently."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from application.audit import AuditLog
from application.audit_errors import AuditLogCorrupted, OutOfRange, UnknownPosition
from application.audit_ports import Leaf
from domain.canonical import event_hash
from infrastructure.audit.checkpoints import Checkpoint, verify_checkpoint
from infrastructure.audit.memory import InMemoryLeafStore
from infrastructure.bootstrap import Services
from tests import merkle_check
from tests.audit_support import (
    audited_services,
    key_file_signer,
    record,
    record_history,
)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    services = audited_services("memory://", tmp_path)
    yield services
    services.close()


def stored_hashes(services: Services) -> list[str]:
    ledger = services.ledger
    notifications = ledger.recorder.select_notifications(start=1, limit=10_000)
    return [event_hash(ledger.mapper.to_domain_event(n)) for n in notifications]


def test_every_stored_event_becomes_a_leaf_in_position_order(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=3, licences=2)

    size = services.audit.catch_up()

    assert size == services.ledger.head_position() == 9
    leaves = [services.audit.leaf(i) for i in range(size)]
    assert [leaf.position for leaf in leaves] == list(range(1, 10))
    assert [leaf.event_hash for leaf in leaves] == stored_hashes(services)


def test_catching_up_again_adds_only_the_new_events(services: Services) -> None:
    codes = record_history(services.ledger, subjects=2, licences=1)
    services.audit.catch_up()
    record(services.ledger, codes[0], "L-late")

    assert services.audit.catch_up() == 5
    assert len(services.audit.leaves.read(0, 100)) == 5


def test_inclusion_proofs_check_with_an_independent_verifier(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=3, licences=3)
    audit = services.audit
    size = audit.catch_up()

    for tree_size in range(1, size + 1):
        root = bytes.fromhex(audit.root_hash(tree_size))
        assert root == merkle_check.root_of(
            [merkle_check.leaf(h.encode()) for h in stored_hashes(services)[:tree_size]]
        )
        for position in range(1, tree_size + 1):
            proof = audit.inclusion(position, tree_size)
            path = [bytes.fromhex(p) for p in proof.path]
            assert merkle_check.proves_inclusion(
                proof.event_hash.encode(), proof.leaf_index, tree_size, path, root
            )


def test_consistency_proofs_check_with_an_independent_verifier(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=2, licences=4)
    audit = services.audit
    size = audit.catch_up()

    for old in range(size + 1):
        for new in range(old, size + 1):
            proof = audit.consistency(old, new)
            assert merkle_check.proves_consistency(
                old,
                new,
                [bytes.fromhex(p) for p in proof.path],
                bytes.fromhex(proof.old_root),
                bytes.fromhex(proof.new_root),
            )


def test_a_signed_checkpoint_verifies_and_names_the_independent_root(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=2, licences=2)

    checkpoint = services.audit.sign_checkpoint()

    leaves = [merkle_check.leaf(h.encode()) for h in stored_hashes(services)]
    assert checkpoint.size == 6
    assert checkpoint.root_hash == merkle_check.root_of(leaves).hex()
    parsed = Checkpoint.from_json(checkpoint.to_json())
    assert verify_checkpoint(parsed, services.audit.public_key_pem())
    assert services.audit.checkpoints.latest() == checkpoint


def test_a_checkpoint_is_signed_only_when_the_log_grew(services: Services) -> None:
    codes = record_history(services.ledger, subjects=1, licences=1)
    first = services.audit.sign_if_grown()

    unchanged = services.audit.sign_if_grown()
    record(services.ledger, codes[0], "L-next")
    grown = services.audit.sign_if_grown()

    assert first is not None
    assert unchanged is None
    assert grown is not None
    assert grown.size == first.size + 1


def test_a_log_that_lost_a_race_to_store_leaves_reads_the_winners(
    services: Services,
) -> None:
    class RacingLeafStore(InMemoryLeafStore):
        """Another process stores the same leaves just before this one does."""

        raced = False

        def append(self, start_index: int, leaves: Sequence[Leaf]) -> bool:
            if not self.raced:
                self.raced = True
                super().append(start_index, leaves)
                return False
            return super().append(start_index, leaves)

    record_history(services.ledger, subjects=2, licences=1)
    leaves = RacingLeafStore()
    audit = AuditLog(
        services.ledger,
        leaves,
        services.audit.checkpoints,
        lambda: key_file_signer(services),
        services.clock,
    )

    assert audit.catch_up() == 4
    assert [leaf.position for leaf in leaves.read(0, 10)] == [1, 2, 3, 4]


def restarted_over_an_altered_leaf(
    services: Services,
) -> tuple[AuditLog, InMemoryLeafStore]:
    """A log signed at 4 leaves, restarted over a copy with leaf 1 altered and
    one event stored since."""
    codes = record_history(services.ledger, subjects=2, licences=1)
    services.audit.sign_checkpoint()
    tampered = InMemoryLeafStore()
    altered = [
        Leaf(leaf.position, "0" * 64) if i == 1 else leaf
        for i, leaf in enumerate(services.audit.leaves.read(0, 100))
    ]
    tampered.append(0, altered)
    record(services.ledger, codes[0], "L-next")
    restarted = AuditLog(
        services.ledger,
        tampered,
        services.audit.checkpoints,
        lambda: key_file_signer(services),
        services.clock,
    )
    return restarted, tampered


def test_signing_is_refused_when_stored_leaves_no_longer_give_the_signed_root(
    services: Services,
) -> None:
    restarted, tampered = restarted_over_an_altered_leaf(services)

    with pytest.raises(AuditLogCorrupted, match="do not give the root"):
        restarted.sign_checkpoint()
    assert len(services.audit.checkpoints.all()) == 1
    assert len(tampered.read(0, 100)) == 4


def test_signing_if_grown_is_refused_over_altered_leaves_before_logging(
    services: Services,
) -> None:
    restarted, tampered = restarted_over_an_altered_leaf(services)

    with pytest.raises(AuditLogCorrupted, match="do not give the root"):
        restarted.sign_if_grown()
    assert len(services.audit.checkpoints.all()) == 1
    assert len(tampered.read(0, 100)) == 4


def test_proofs_outside_the_log_are_refused(services: Services) -> None:
    record_history(services.ledger, subjects=1, licences=2)
    audit = services.audit
    audit.catch_up()

    with pytest.raises(UnknownPosition):
        audit.inclusion(99, 3)
    with pytest.raises(OutOfRange):
        audit.inclusion(3, 2)
    with pytest.raises(OutOfRange):
        audit.consistency(0, 4)
    with pytest.raises(OutOfRange):
        audit.consistency(3, 2)


def test_checkpoint_json_carries_every_signed_field(services: Services) -> None:
    record_history(services.ledger, subjects=1, licences=1)

    checkpoint = services.audit.sign_checkpoint()

    assert set(json.loads(checkpoint.to_json())) == {
        "origin",
        "size",
        "root_hash",
        "timestamp",
        "key_id",
        "signature",
    }
