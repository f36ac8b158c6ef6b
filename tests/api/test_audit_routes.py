"""Auditors over HTTP: a public checkpoint, proofs, and bundles checked offline."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.cli.main import main
from tests import merkle_check
from tests.api.support import Api, assert_problem
from tests.audit_support import audited_api
from tests.factories import licence, penalty, uscc


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with audited_api(tmp_path) as api:
        yield api


@pytest.fixture
def history(api: Api) -> list[dict[str, object]]:
    """Two subjects, five events, a checkpoint at 5, one more event, one at 6."""
    for code in (uscc(1), uscc(2)):
        api.register(code)
    api.record(uscc(1), licence("L1"), penalty("P1"))
    api.record(uscc(2), licence("L1"))
    api.services.audit.sign_checkpoint()
    api.record(uscc(1), licence("L2"))
    api.services.audit.sign_checkpoint()
    return api.history(uscc(1))


def test_there_is_no_checkpoint_before_one_is_signed(api: Api) -> None:
    assert_problem(api.client.get("/v1/audit/checkpoint"), 404)


def test_anyone_can_fetch_the_checkpoint_and_check_its_signature(
    api: Api, history: list[dict[str, object]]
) -> None:
    response = api.client.get("/v1/audit/checkpoint")

    assert response.status_code == 200
    answer = response.json()
    checkpoint = answer["checkpoint"]
    assert checkpoint["size"] == 6
    key = serialization.load_pem_public_key(answer["public_key"].encode())
    assert isinstance(key, Ed25519PublicKey)
    message = (
        f"{checkpoint['origin']}\n{checkpoint['size']}\n{checkpoint['root_hash']}\n"
        f"{checkpoint['timestamp']}\n"
    )
    assert answer["signed_message"] == message
    key.verify(base64.b64decode(checkpoint["signature"]), message.encode())


def test_an_inclusion_proof_puts_the_history_hash_under_the_signed_root(
    api: Api, history: list[dict[str, object]]
) -> None:
    entry = history[2]

    response = api.client.get(
        "/v1/audit/proof/inclusion",
        params={"position": entry["position"], "size": 5},
        headers=api.key("audit"),
    )

    assert response.status_code == 200
    proof = response.json()
    assert proof["event_hash"] == entry["hash"]
    assert proof["checkpoint"]["root_hash"] == proof["root_hash"]
    assert merkle_check.proves_inclusion(
        str(entry["hash"]).encode(),
        proof["leaf_index"],
        5,
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(proof["root_hash"]),
    )


def test_a_consistency_proof_links_the_two_checkpoints(
    api: Api, history: list[dict[str, object]]
) -> None:
    response = api.client.get(
        "/v1/audit/proof/consistency", params={"from": 5}, headers=api.key("audit")
    )

    proof = response.json()
    assert (proof["from"], proof["to"]) == (5, 6)
    assert merkle_check.proves_consistency(
        5,
        6,
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(proof["from_root"]),
        bytes.fromhex(proof["to_root"]),
    )


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"position": 99, "size": 6}, 404),
        ({"position": 6, "size": 5}, 422),
        ({"position": 1, "size": 7}, 422),
        ({"position": 0}, 422),
        ({"position": 1, "size": 2**70}, 422),
    ],
)
def test_proofs_outside_the_log_are_problems(
    api: Api,
    history: list[dict[str, object]],
    params: dict[str, int],
    status: int,
) -> None:
    response = api.client.get(
        "/v1/audit/proof/inclusion", params=params, headers=api.key("audit")
    )

    assert_problem(response, status)


def save(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_auditor_checks_a_bundle_offline_against_the_published_checkpoint(
    api: Api,
    history: list[dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    published = save(tmp_path / "cp.json", api.client.get("/v1/audit/checkpoint").text)
    bundle = api.client.get(
        f"/v1/audit/subjects/{uscc(1)}/bundle", headers=api.key("audit")
    )
    assert bundle.status_code == 200
    bundle_file = save(tmp_path / "bundle.json", bundle.text)
    capsys.readouterr()

    code = main(
        [
            "audit",
            "verify-subject",
            uscc(1),
            "--bundle",
            str(bundle_file),
            "--checkpoint",
            str(published),
        ]
    )

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"OK: subject {uscc(1)}: versions 1..4 are in the checkpoint size 6" in out


def test_an_edited_bundle_fails_the_offline_check(
    api: Api,
    history: list[dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    published = save(tmp_path / "cp.json", api.client.get("/v1/audit/checkpoint").text)
    bundle = api.client.get(
        f"/v1/audit/subjects/{uscc(1)}/bundle", headers=api.key("audit")
    ).json()
    del bundle["events"][2]  # the penalty disappears from the history
    bundle_file = save(tmp_path / "bundle.json", json.dumps(bundle))
    capsys.readouterr()

    code = main(
        [
            "audit",
            "verify-subject",
            uscc(1),
            "--bundle",
            str(bundle_file),
            "--checkpoint",
            str(published),
        ]
    )

    out = capsys.readouterr().out
    assert code == 1
    assert "PROBLEM version 3 (position 6): found version 4" in out


def test_a_bundle_citing_the_checkpoint_at_another_time_fails_the_offline_check(
    fetched: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = json.loads((fetched / "bundle.json").read_text())
    bundle["checkpoint"]["timestamp"] = "2022-10-21T00:00:00Z"
    edited = save(fetched / "edited.json", json.dumps(bundle))
    capsys.readouterr()

    code = verify_offline(edited, fetched / "cp.json")

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == (
        "PROBLEM bundle cites a checkpoint of size 6 whose timestamp differs from "
        "the trusted checkpoint's"
    )
    assert out[-1].startswith("FAILED: ")


def verify_offline(bundle: Path, checkpoint: Path, *more: str) -> int:
    return main(
        [
            *("audit", "verify-subject", uscc(1)),
            *("--bundle", str(bundle), "--checkpoint", str(checkpoint), *more),
        ]
    )


@pytest.fixture
def fetched(api: Api, history: list[dict[str, object]], tmp_path: Path) -> Path:
    """The published checkpoint and a bundle of uscc(1), saved where the
    auditor keeps them; returns that folder."""
    save(tmp_path / "cp.json", api.client.get("/v1/audit/checkpoint").text)
    bundle = api.client.get(
        f"/v1/audit/subjects/{uscc(1)}/bundle", headers=api.key("audit")
    )
    save(tmp_path / "bundle.json", bundle.text)
    return tmp_path


def test_a_checkpoint_whose_signature_fails_is_a_problem_found(
    fetched: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = json.loads((fetched / "cp.json").read_text())
    published["checkpoint"]["size"] = 5  # claims the older, smaller tree
    forged = save(fetched / "forged.json", json.dumps(published))
    capsys.readouterr()

    code = verify_offline(fetched / "bundle.json", forged)

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith(f"PROBLEM bad checkpoint signature: {forged}: ")
    assert out[0].endswith("is not signed by the public key it carries")
    assert out[-1].startswith("FAILED: ")


@pytest.mark.parametrize(
    ("bundle", "more"),
    [
        ("missing.json", ()),
        ("bundle.json", ("--public-key", "missing.pem")),
        ("bundle.json", ("--public-key", "bundle.json")),
    ],
    ids=["no-bundle", "no-key-file", "not-a-key"],
)
def test_input_that_cannot_be_used_is_an_error_not_a_finding(
    fetched: Path,
    bundle: str,
    more: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(fetched)
    capsys.readouterr()

    code = verify_offline(Path(bundle), Path("cp.json"), *more)

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert len(captured.err.splitlines()) == 1


def test_an_older_bundle_proves_its_tail_with_the_later_checkpoint(
    api: Api, history: list[dict[str, object]]
) -> None:
    response = api.client.get(
        f"/v1/audit/subjects/{uscc(1)}/bundle",
        params={"size": 5},
        headers=api.key("audit"),
    )

    bundle = response.json()
    assert [e["event"]["originator_version"] for e in bundle["events"]] == [1, 2, 3]
    assert bundle["next_event"]["event"]["originator_version"] == 4
    assert bundle["next_event"]["checkpoint"]["size"] == 6


def test_a_bundle_at_a_size_never_signed_is_a_404(
    api: Api, history: list[dict[str, object]]
) -> None:
    response = api.client.get(
        f"/v1/audit/subjects/{uscc(1)}/bundle",
        params={"size": 4},
        headers=api.key("audit"),
    )

    assert_problem(response, 404)


def test_reading_audit_evidence_needs_the_audit_scope(
    api: Api, history: list[dict[str, object]]
) -> None:
    path = f"/v1/audit/subjects/{uscc(1)}/bundle"

    assert_problem(api.client.get(path), 401)
    assert_problem(api.client.get(path, headers=api.key("record", "review")), 403)
