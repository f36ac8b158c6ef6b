"""``keys`` from the command line: what it says about a key it does not know."""

from __future__ import annotations

import pytest

from api.cli.main import main

UNKNOWN = "0123456789ab"


@pytest.mark.parametrize("action", ["revoke", "rotate"])
def test_a_key_that_is_not_active_is_named_alike_by_revoke_and_rotate(
    store_url: str, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A store with a key: with none, the store is not there to ask.
    assert main(["keys", "create", "--department", "tax", "--scope", "admin"]) == 0
    capsys.readouterr()

    code = main(["keys", action, UNKNOWN])

    assert code == 1
    assert capsys.readouterr().err == f"error: No active key {UNKNOWN}\n"
