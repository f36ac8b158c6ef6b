"""``relay --once`` and ``project --source kafka`` where no broker answers."""

from __future__ import annotations

import pytest

from api.cli.main import main
from infrastructure.kafka import brokers
from tests.services import HOST, free_port


@pytest.mark.parametrize(
    "command",
    [["relay", "--once"], ["project", "--source", "kafka"]],
    ids=["relay", "project"],
)
def test_a_broker_that_does_not_answer_is_one_line_naming_it_and_status_2(
    command: list[str],
    made_store: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bootstrap = f"{HOST}:{free_port()}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", bootstrap)
    monkeypatch.setattr(brokers, "BOOTSTRAP_TIMEOUT_MS", 500)

    code = main(command)

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: no Kafka broker answers at {bootstrap} "
        "(CREDIT_LEDGER_KAFKA_BOOTSTRAP)\n"
    )
