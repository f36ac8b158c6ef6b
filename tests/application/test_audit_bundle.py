"""A subject's evidence bundle proves its history, and every edit to it is caught."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.audit_bundle import subject_bundle
from application.audit_errors import NoCheckpoint
from application.audit_ports import SignedCheckpoint
from domain.evidence import TrustedCheckpoint, verify_bundle
from infrastructure.bootstrap import Services
from tests.audit_support import audited_services, record, record_history
from tests.factories import uscc


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    services = audited_services("memory://", tmp_path)
    yield services
    services.close()


def trusted(checkpoint: SignedCheckpoint) -> TrustedCheckpoint:
    return TrustedCheckpoint.of(json.loads(checkpoint.to_json()))


@pytest.fixture
def signed(services: Services) -> tuple[str, SignedCheckpoint, SignedCheckpoint]:
    """Subject A with 3 versions in checkpoint 1 and its 4th in checkpoint 2."""
    a, _ = record_history(services.ledger, subjects=2, licences=2)
    first = services.audit.sign_checkpoint()
    record(services.ledger, a, "L-after")
    second = services.audit.sign_checkpoint()
    return a, first, second


def test_a_bundle_proves_every_version_and_a_later_one_proves_the_tail(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, second = signed

    bundle = subject_bundle(services.audit, code, first.size)
    report = verify_bundle(bundle, code, trusted(first), trusted(second))

    assert report.problems == []
    assert report.versions == 3
    assert report.tail_proven
    assert bundle["next_event"]["event"]["originator_version"] == 4


def test_the_latest_version_is_stated_not_proven_to_be_the_last(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, _, second = signed

    bundle = subject_bundle(services.audit, code, None)
    report = verify_bundle(bundle, code, trusted(second))

    assert report.ok
    assert report.versions == 4
    assert not report.tail_proven
    assert bundle["next_event"] is None


def test_a_bundle_needs_a_signed_checkpoint(services: Services) -> None:
    code, _ = record_history(services.ledger, subjects=2, licences=1)

    with pytest.raises(NoCheckpoint):
        subject_bundle(services.audit, code, None)
    services.audit.sign_checkpoint()
    with pytest.raises(NoCheckpoint):
        subject_bundle(services.audit, code, 3)


def edit_content(bundle: dict[str, Any]) -> None:
    bundle["events"][1]["event"]["content"] = "Retail of everything"


def drop_middle_event(bundle: dict[str, Any]) -> None:
    del bundle["events"][1]


def drop_last_event(bundle: dict[str, Any]) -> None:
    del bundle["events"][-1]


def swap_events(bundle: dict[str, Any]) -> None:
    events = bundle["events"]
    events[1], events[2] = events[2], events[1]


def add_unhashed_field(bundle: dict[str, Any]) -> None:
    bundle["events"][0]["event"]["note"] = "cleared by the bureau"


def point_at_another_leaf(bundle: dict[str, Any]) -> None:
    bundle["events"][0]["leaf_index"] = 1


def shorten_a_proof(bundle: dict[str, Any]) -> None:
    bundle["events"][0]["inclusion_proof"].pop()


def break_the_format(bundle: dict[str, Any]) -> None:
    bundle["events"] = {"not": "a list"}


def write_text_utf8_cannot_hold(bundle: dict[str, Any]) -> None:
    bundle["events"][1]["event"]["content"] = "\ud800"  # a lone surrogate


@pytest.mark.parametrize(
    "tamper",
    [
        edit_content,
        drop_middle_event,
        drop_last_event,
        swap_events,
        add_unhashed_field,
        point_at_another_leaf,
        shorten_a_proof,
        break_the_format,
        write_text_utf8_cannot_hold,
    ],
)
def test_any_edit_to_a_bundle_is_reported(
    services: Services,
    signed: tuple[str, SignedCheckpoint, SignedCheckpoint],
    tamper: Any,
) -> None:
    code, first, second = signed
    bundle = copy.deepcopy(subject_bundle(services.audit, code, first.size))
    tamper(bundle)

    report = verify_bundle(bundle, code, trusted(first), trusted(second))

    assert not report.ok


def test_a_bundle_checked_against_another_checkpoint_is_refused(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, second = signed
    bundle = subject_bundle(services.audit, code, first.size)

    report = verify_bundle(bundle, code, trusted(second))

    assert report.problems == [
        f"bundle cites checkpoint size {first.size}, not the trusted checkpoint "
        f"of size {second.size} (ask for ?size={second.size})"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timestamp", "2022-10-21T00:00:00Z"),
        ("signature", "A" * 86 + "=="),
        ("key_id", "0" * 16),
        ("origin", "another-log"),
        ("root_hash", "0" * 64),
    ],
)
def test_a_bundle_citing_the_checkpoint_with_any_field_changed_is_refused(
    services: Services,
    signed: tuple[str, SignedCheckpoint, SignedCheckpoint],
    field: str,
    value: str,
) -> None:
    code, first, second = signed
    bundle = subject_bundle(services.audit, code, first.size)
    bundle["checkpoint"][field] = value

    report = verify_bundle(bundle, code, trusted(first), trusted(second))

    assert report.problems == [
        f"bundle cites a checkpoint of size {first.size} whose {field} differs "
        "from the trusted checkpoint's"
    ]


def test_a_bundle_citing_the_checkpoint_size_as_another_json_type_is_refused(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, second = signed
    bundle = subject_bundle(services.audit, code, first.size)
    bundle["checkpoint"]["size"] = float(first.size)

    report = verify_bundle(bundle, code, trusted(first), trusted(second))

    assert report.problems == [
        f"bundle cites checkpoint size {float(first.size)!r}, not the trusted "
        f"checkpoint of size {first.size} (ask for ?size={first.size})"
    ]


def test_a_bundle_citing_the_checkpoint_with_a_field_more_is_refused(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, second = signed
    bundle = subject_bundle(services.audit, code, first.size)
    bundle["checkpoint"] |= {"note": "trust me", "origin": "another-log"}

    report = verify_bundle(bundle, code, trusted(first), trusted(second))

    assert report.problems == [
        f"bundle cites a checkpoint of size {first.size} whose note and origin differ "
        "from the trusted checkpoint's"
    ]


def test_a_bundle_of_one_subject_does_not_pass_for_another(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, _ = signed
    other = subject_bundle(services.audit, code, first.size)
    other_code = uscc(2)
    other["subject"] = other_code

    report = verify_bundle(other, other_code, trusted(first))

    assert any("belongs to subject" in p for p in report.problems)


def test_a_next_event_without_a_signed_later_root_proves_nothing(
    services: Services, signed: tuple[str, SignedCheckpoint, SignedCheckpoint]
) -> None:
    code, first, _ = signed
    bundle = subject_bundle(services.audit, code, first.size)

    report = verify_bundle(bundle, code, trusted(first), later=None)

    assert not report.tail_proven
    assert report.problems == ["next_event: not proven to lie after the checkpoint"]
