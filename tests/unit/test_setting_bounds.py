"""Every numeric setting has a range, and the Kafka settings their form: a
value outside it is refused when the settings are read, naming the setting,
rather than misbehave later (a body limit of -5 bytes, a timer of -1 seconds
that never runs, a window that overflows the calendar, a topic Kafka refuses,
a broker address with no host)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infrastructure.settings import Settings, settings_problems

REFUSED = [
    ("MAX_BODY_BYTES", "-5"),
    ("MAX_BODY_BYTES", "0"),
    ("READ_WAIT_SECONDS", "-1"),
    ("READ_WAIT_SECONDS", "inf"),
    ("EXPIRY_INTERVAL_SECONDS", "-1"),
    ("EXPIRY_INTERVAL_SECONDS", "inf"),
    ("EXPIRY_INTERVAL_SECONDS", "nan"),
    ("CHECKPOINT_INTERVAL_SECONDS", "1e300"),
    ("REPAIR_WINDOW_YEARS", "0"),
    ("REPAIR_WINDOW_YEARS", "-3"),
    ("REPAIR_WINDOW_YEARS", "10000"),
    ("REPAIR_MAX_IN_WINDOW", "-1"),
    ("REPAIR_MAX_IN_WINDOW", "0"),
    ("REPAIR_SERIOUS_COOLDOWN_DAYS", "-1"),
    ("REPAIR_SERIOUS_COOLDOWN_DAYS", "1000000000"),
    ("GRADE_BREACH_LOOKBACK_DAYS", "1000000000"),
    ("RATE_LIMIT_PER_SECOND", "inf"),
    ("PUBLIC_ID_LOOKUPS_PER_HOUR", "-1"),
    ("PUBLIC_ID_LOOKUPS_PER_HOUR", "inf"),
    ("PUBLIC_ID_LOOKUPS_PER_HOUR", "nan"),
    ("PUBLIC_ID_LOOKUPS_PER_HOUR", "ten"),
    ("PUBLIC_ID_LOOKUP_BURST", "0"),
    ("PUBLIC_ID_LOOKUP_BURST", "-1"),
    ("PUBLIC_ID_LOOKUP_BURST", "2.5"),
    ("BATCH_MAX_LINES", "0"),
    ("TOPIC_PARTITIONS", "0"),
    ("TOPIC_REPLICATION_FACTOR", "0"),
    ("TOPIC_REPLICATION_FACTOR", "-1"),
    ("TOPIC_REPLICATION_FACTOR", "three"),
    ("INSPECTION_RATIO_POOR", "nan"),
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
]


@pytest.mark.parametrize(("setting", "value"), REFUSED)
def test_a_value_out_of_its_range_is_refused_naming_the_setting(
    setting: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"CREDIT_LEDGER_{setting}", value)

    with pytest.raises(ValidationError) as refused:
        Settings()

    assert settings_problems(refused.value).startswith(f"CREDIT_LEDGER_{setting}: ")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("EXPIRY_INTERVAL_SECONDS", "0"),
        ("CHECKPOINT_INTERVAL_SECONDS", "0"),
        ("READ_WAIT_SECONDS", "0"),
        ("RATE_LIMIT_PER_SECOND", "0"),
        ("PUBLIC_ID_LOOKUPS_PER_HOUR", "0"),
        ("PUBLIC_ID_LOOKUPS_PER_HOUR", "0.5"),
        ("PUBLIC_ID_LOOKUP_BURST", "1"),
        ("REPAIR_MAX_IN_WINDOW", "off"),
        ("REPAIR_MAX_IN_WINDOW", "1"),
        ("REPAIR_SERIOUS_COOLDOWN_DAYS", "off"),
        ("REPAIR_SERIOUS_COOLDOWN_DAYS", "0"),
        ("REPAIR_WINDOW_YEARS", "1"),
        ("MAX_BODY_BYTES", "1"),
        ("TOPIC_REPLICATION_FACTOR", "1"),
    ],
)
def test_the_ends_of_each_range_and_off_are_taken(
    setting: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"CREDIT_LEDGER_{setting}", value)

    Settings()
