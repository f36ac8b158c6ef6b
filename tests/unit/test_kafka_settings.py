"""The Kafka settings are checked when read, as the numeric ones are: a topic
Kafka would refuse, or a broker address with no host or a port that cannot
be, is one line naming the setting rather than a failure inside the relay."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infrastructure.settings import Settings, settings_problems


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("TOPIC", ""),
        ("TOPIC", ".."),
        ("TOPIC", "credit ledger"),
        ("TOPIC", "信用"),
        ("TOPIC", "t" * 250),
        ("KAFKA_BOOTSTRAP", "kafka1:9092,,kafka2:9092"),
        ("KAFKA_BOOTSTRAP", "kafka1:port"),
        ("KAFKA_BOOTSTRAP", "kafka1:70000"),
        ("KAFKA_BOOTSTRAP", ":9092"),
        ("KAFKA_BOOTSTRAP", "kafka 1:9092"),
    ],
)
def test_a_kafka_setting_kafka_cannot_use_is_refused_naming_it(
    setting: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"CREDIT_LEDGER_{setting}", value)

    with pytest.raises(ValidationError) as refused:
        Settings()

    assert settings_problems(refused.value).startswith(f"CREDIT_LEDGER_{setting}: ")


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("kafka1:9092, kafka2:9093", "kafka1:9092, kafka2:9093"),
        ("localhost", "localhost"),
        ("[::1]:9092,10.0.0.7:9092", "[::1]:9092,10.0.0.7:9092"),
        (" ", None),
    ],
)
def test_broker_addresses_are_taken_and_a_blank_one_is_no_kafka(
    value: str, read: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", value)

    assert Settings().kafka_bootstrap == read


def test_a_topic_of_every_allowed_character_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", "County_1.credit-ledger")

    assert Settings().topic == "County_1.credit-ledger"
