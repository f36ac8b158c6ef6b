"""``credit-ledger relay --from N`` goes back, never past the saved position."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.kafka.relay_positions import SQLiteRelayPositions
from infrastructure.settings import Settings
from tests.factories import fields_of, information, uscc
from tests.services import KafkaBroker
from tests.view_scene import OFFICER

pytestmark = pytest.mark.kafka


def record(count: int, first: int = 1) -> int:
    services = build_services(Settings())
    try:
        if not services.ledger.head_position():
            services.ledger.register_subject(uscc(1), "Relay Co.", OFFICER)
        for n in range(first, first + count):
            fields = fields_of(information(f"I{n}"))
            command = RecordCommand(uscc(1), "InformationRecorded", fields, OFFICER)
            services.ledger.record(command)
        return services.ledger.head_position()
    finally:
        services.close()


def test_from_past_the_saved_position_is_refused_in_one_line_with_status_2(
    store_url: str,
    kafka_broker: KafkaBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = f"relay-from-{uuid4().hex[:8]}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", topic)
    saved = record(4)
    assert main(["relay", "--once"]) == 0
    head = record(5, first=5)
    capsys.readouterr()

    status = main(["relay", "--once", "--from", str(saved + 3)])

    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        f"error: relay --from {saved + 3}: the relay's saved position is {saved}, "
        f"so --from may be at most {saved + 1} (positions {saved + 1} to "
        f"{saved + 2} would never be published); nothing was published\n"
    )
    positions = SQLiteRelayPositions(Path(Settings().sqlite_path))
    assert positions.get(topic) == saved
    assert main(["relay", "--once", "--from", str(saved + 1)]) == 0
    assert positions.get(topic) == head
