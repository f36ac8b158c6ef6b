"""``credit-ledger replay`` that cannot do its job: a code that is not one, a
subject not registered, or not yet at ``--as-of``. One ``error:`` line and
status 2, never 1, which is a finding (a broken hash chain)."""

from __future__ import annotations

import pytest

from api.cli.main import main
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import uscc
from tests.view_scene import OFFICER

A = uscc(1)


@pytest.fixture
def registered(store_url: str) -> str:
    services = build_services(Settings())
    services.ledger.register_subject(A, "Replay Co.", OFFICER)
    services.close()
    return store_url


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["123"], "must be 18 characters"),
        ([uscc(2)], "not registered"),
        ([A, "--as-of", "2000-01-01T00:00:00+08:00"], "was not registered at"),
    ],
    ids=["malformed-code", "unknown-subject", "as-of-before-registration"],
)
def test_replay_that_cannot_be_done_is_one_error_line_and_status_2(
    registered: str,
    arguments: list[str],
    says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()

    status = main(["replay", *arguments])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert says in err


def test_replay_of_a_registered_subject_still_exits_0(
    registered: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", A]) == 0
