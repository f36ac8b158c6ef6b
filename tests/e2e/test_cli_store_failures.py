"""A command whose store cannot be reached or opened says so in one line and
exits with status 2, without a traceback and without the URL's password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import HOST, free_port

CLI = str(Path(sys.executable).with_name("credit-ledger"))
# The code of this checkout, wherever the entry point was installed from.
ROOT = Path(__file__).resolve().parents[2]
KEYS_CREATE = ["keys", "create", "--department", "tax", "--scope", "admin"]


@pytest.mark.parametrize(
    ("command", "url", "reason"),
    [
        (["expire"], f"postgresql://ops:s3cret@{HOST}:{{port}}/ledger", "refused"),
        # The commands of a first start, which may make the store.
        (KEYS_CREATE, "sqlite:////proc/no/store.db", "folder"),
        (["serve"], "sqlite:////proc/store.db", "unable to open database file"),
    ],
    ids=["postgres-refused", "sqlite-folder", "sqlite-file"],
)
def test_a_store_that_fails_is_one_line_and_status_2(
    command: list[str], url: str, reason: str, tmp_path: Path
) -> None:
    environment = {
        "CREDIT_LEDGER_DATABASE_URL": url.format(port=free_port()),
        "PYTHONPATH": str(ROOT),
    }

    done = subprocess.run(
        [CLI, *command],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: the store failed: ")
    assert reason in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "s3cret" not in done.stderr
