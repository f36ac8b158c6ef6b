"""The audit commands and ``serve`` with a signing key file that cannot be used.

A store's checkpoints are all signed by one key: a command pointed at a key
file that is missing must stop, never sign with a new key (every checkpoint it
signed would fail ``audit verify`` for good).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli.main import main
from infrastructure.audit.checkpoints import CheckpointSigner
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.services import HOST, free_port


@dataclass(frozen=True)
class SignedStore:
    url: str
    key_file: Path
    key_id: str


@pytest.fixture
def signed_store(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> SignedStore:
    """A store with one checkpoint, signed with the key the settings name."""
    key_file = tmp_path / "checkpoint-key.pem"
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(key_file))
    build_services(Settings()).close()  # the store, as serve's first start makes it
    assert main(["audit", "checkpoint"]) == 0
    key_id = CheckpointSigner.from_pem(key_file.read_bytes()).key_id
    return SignedStore(store_url, key_file, key_id)


def missing_key_says(path: Path, key_id: str) -> str:
    return (
        f"error: the signing key file {path} is missing; the store's checkpoints "
        f"are signed by key {key_id}\n"
    )


def test_a_mistyped_key_path_signs_nothing_and_creates_no_key(
    signed_store: SignedStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mistyped = tmp_path / "nonexistent" / "dir" / "k.pem"
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(mistyped))
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 2
    assert capsys.readouterr().err == missing_key_says(mistyped, signed_store.key_id)
    assert not (tmp_path / "nonexistent").exists()
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(signed_store.key_file))
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_another_key_than_the_stores_signs_nothing(
    signed_store: SignedStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "another-environments-key.pem"
    another = CheckpointSigner.generate()
    other.write_bytes(another.to_pem())
    other_id = another.key_id
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(other))
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: the signing key file {other} holds key {other_id}; the store's "
        f"checkpoints are signed by key {signed_store.key_id}\n"
    )
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(signed_store.key_file))
    assert main(["audit", "verify"]) == 0


def test_serve_refuses_to_start_without_the_key_of_the_stores_checkpoints(
    signed_store: SignedStore, tmp_path: Path
) -> None:
    mistyped = tmp_path / "nonexistent" / "k.pem"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")},
        "CREDIT_LEDGER_DATABASE_URL": signed_store.url,
        "CREDIT_LEDGER_SIGNING_KEY_FILE": str(mistyped),
    }
    command = [sys.executable, "-m", "api.cli.main", "serve"]

    try:
        done = subprocess.run(
            [*command, "--host", HOST, "--port", str(free_port())],
            env=environment,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("serve started without the key of the store's checkpoints")

    assert done.returncode == 2, done.stderr
    assert done.stderr == missing_key_says(mistyped, signed_store.key_id)
    assert not (tmp_path / "nonexistent").exists()


@pytest.fixture
def not_a_key(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.pem"
    path.write_text("garbage\n")
    return path


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("nonexistent.pem", "cannot use the key file {path}: No such file"),
        ("garbage.pem", "{path} is not an Ed25519 public key in PEM form"),
        ("checkpoint-key.pem", "{path} is not an Ed25519 public key in PEM form"),
        (".", "cannot use the key file {path}: Is a directory"),
    ],
    ids=["missing", "garbage", "private-key", "folder"],
)
def test_a_public_key_that_cannot_be_used_is_one_line_and_status_2(
    signed_store: SignedStore,
    not_a_key: Path,
    name: str,
    says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = signed_store.key_file.parent / name
    capsys.readouterr()

    code = main(["audit", "verify", "--public-key", str(path)])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {says.format(path=path)}")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [["audit", "checkpoint"], ["audit", "verify"]],
    ids=["checkpoint", "verify"],
)
def test_a_signing_key_file_that_is_no_key_is_one_line_and_status_2(
    signed_store: SignedStore,
    not_a_key: Path,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(not_a_key))
    capsys.readouterr()

    code = main(command)

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {not_a_key} is not an Ed25519 private key in PEM form\n"
    )
