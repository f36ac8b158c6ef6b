"""Configuration from the environment (prefix ``CREDIT_LEDGER_``)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.persistence import OperationalError
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from application.subject_cache import DEFAULT_MAX_EVENTS
from infrastructure.database_url import postgres_conninfo, postgres_target
from infrastructure.setting_errors import SETTINGS_PREFIX, UnusableSetting

DEFAULT_DATABASE_URL = "sqlite:///./var/credit-ledger.sqlite3"
POSTGRES_RECORDER_TOPIC = "infrastructure.pg_recorder:BinaryArrayApplicationRecorder"
# How long a new PostgreSQL connection may take before it is an error.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
SQLITE_URL = "sqlite:///"
# Bounds of the settings that count days or wait: longer is no rule or
# schedule any more, and past them dates and timers overflow.
LONGEST_DAYS = 36_500
LONGEST_YEARS = 100
LONGEST_INTERVAL_SECONDS = 366 * 86_400
LONGEST_READ_WAIT_SECONDS = 300
UNSUPPORTED_DATABASE_URL = (
    "not a database URL this service can use: write "
    "postgresql://USER:PASSWORD@HOST:PORT/DATABASE, sqlite:///relative/path or "
    "sqlite:////absolute/path"
)
MALFORMED_SQLITE_URL = (
    "not an SQLite URL: write sqlite:///relative/path/file.sqlite3 or "
    "sqlite:////absolute/path/file.sqlite3"
)


# What Kafka accepts as a topic's name, and a host (a name or an IPv4 or
# bracketed IPv6 address) with its port if not Kafka's usual one.
_TOPIC_NAME = re.compile(r"[A-Za-z0-9._-]{1,249}")
_BROKER_ADDRESS = re.compile(
    r"(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?"
)


class Settings(BaseSettings):
    # Errors name the setting, never its value: the database URL holds a password.
    model_config = SettingsConfigDict(
        env_prefix=SETTINGS_PREFIX, extra="ignore", hide_input_in_errors=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    kafka_bootstrap: str | None = None
    topic: str = "credit-ledger.events"
    topic_partitions: int = Field(default=3, ge=1, le=1000)
    # Copies of each partition the relay makes the topic with (production: 3).
    topic_replication_factor: int = Field(default=1, ge=1)
    timezone: str = "Asia/Shanghai"
    # Read when it exists; `credit-ledger calendar import` writes it.
    holiday_calendar: Path = Path("var/holiday-calendar.json")
    publication_deadline_working_days: int = Field(default=7, ge=1, le=60)
    repair_decision_working_days: int = Field(default=10, ge=1, le=120)
    repair_listing_after_months: int = Field(default=12, ge=0, le=120)
    publicity_policy_file: Path | None = None
    repair_serious_cooldown_days: int | None = Field(default=365, ge=0, le=LONGEST_DAYS)
    # 0 would refuse every repair; ``off`` switches the rule off.
    repair_max_in_window: int | None = Field(default=2, ge=1)
    repair_window_years: int = Field(default=5, ge=1, le=LONGEST_YEARS)
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    # Lines one POST /v1/events:batch may hold (its answer grows with each).
    batch_max_lines: int = Field(default=10_000, ge=1)
    read_wait_seconds: float = Field(default=5.0, ge=0, le=LONGEST_READ_WAIT_SECONDS)
    # 0 turns the timer off.
    expiry_interval_seconds: float = Field(
        default=3600.0, ge=0, le=LONGEST_INTERVAL_SECONDS
    )
    # Graded supervision (domain rule 4); README "Grades and 双随机 inspection".
    grade_breach_lookback_days: int = Field(default=365, ge=0, le=LONGEST_DAYS)
    grade_general_penalties_for_poor: int = Field(default=3, ge=1)
    inspection_ratio_high: float = Field(default=0.03, ge=0, le=1)
    inspection_ratio_medium: float = Field(default=0.10, ge=0, le=1)
    inspection_ratio_poor: float = Field(default=0.30, ge=0, le=1)
    inspection_checks_per_year_high: int = Field(default=0, ge=0)
    inspection_checks_per_year_medium: int = Field(default=1, ge=0)
    inspection_checks_per_year_poor: int = Field(default=2, ge=0)
    # Audit log and access (issue 7); an interval of 0 turns the signer off.
    signing_key_file: Path = Path("./var/checkpoint-signing-key.pem")
    checkpoint_origin: str = Field(default="credit-ledger", min_length=1)
    checkpoint_interval_seconds: float = Field(
        default=300.0, ge=0, le=LONGEST_INTERVAL_SECONDS
    )
    rate_limit_per_second: float = Field(default=100.0, ge=0, allow_inf_nan=False)
    rate_limit_burst: int = Field(default=200, ge=1)
    # Keyless lookups of natural persons by full identity number, per address
    # (README "Access"); 0 an hour turns the limit off.
    public_id_lookups_per_hour: float = Field(default=10.0, ge=0, allow_inf_nan=False)
    public_id_lookup_burst: int = Field(default=10, ge=1)
    # Events held by the subjects a process keeps in memory between commands.
    subject_cache_events: int = Field(default=DEFAULT_MAX_EVENTS, ge=0)
    # Connections each process keeps open to PostgreSQL, and how many more it
    # may open when busy.
    postgres_pool_size: int = Field(default=10, ge=1, le=1000)
    postgres_max_overflow: int = Field(default=20, ge=0, le=1000)
    # Processes that record large batches (unset: one per usable core; 0: none).
    batch_workers: int | None = Field(default=None, ge=0, le=64)

    @field_validator("database_url")
    @classmethod
    def _readable_database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme.startswith("postgres"):
            postgres_target(value)
        elif scheme == "sqlite":
            if not _names_a_file(value):
                raise ValueError(MALFORMED_SQLITE_URL)
        elif scheme != "memory":
            raise ValueError(UNSUPPORTED_DATABASE_URL)
        return value

    @field_validator("kafka_bootstrap")
    @classmethod
    def _broker_addresses(cls, value: str | None) -> str | None:
        """``host[:port]`` items separated by commas; blank is unset."""
        if value is None or not value.strip():
            return None
        for address in value.split(","):
            found = _BROKER_ADDRESS.fullmatch(address.strip())
            port = found and found.group("port")
            if found is None or (port is not None and not 0 < int(port) < 65_536):
                msg = (
                    f"{address.strip()!r} is not a broker address: write host:port,..."
                )
                raise ValueError(msg)
        return value

    @field_validator("topic")
    @classmethod
    def _kafka_topic_name(cls, value: str) -> str:
        if not _TOPIC_NAME.fullmatch(value) or value in (".", ".."):
            msg = (
                "not a Kafka topic name: 1 to 249 of the letters a-z and A-Z, "
                "digits, '.', '_' and '-'"
            )
            raise ValueError(msg)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            msg = "not a time zone of the IANA database, such as Asia/Shanghai"
            raise ValueError(msg) from None
        return value

    @field_validator(
        "repair_serious_cooldown_days", "repair_max_in_window", mode="before"
    )
    @classmethod
    def _off_is_none(cls, value: object) -> object:
        """``off`` (or empty) in the environment switches a refusal rule off."""
        return (
            None if isinstance(value, str) and value.strip() in ("", "off") else value
        )

    @property
    def store_kind(self) -> str:
        scheme = urlsplit(self.database_url).scheme
        if scheme.startswith("postgres"):
            return "postgres"
        if scheme in ("sqlite", "memory"):
            return scheme
        msg = f"Unsupported database URL scheme {scheme!r}"
        raise ValueError(msg)

    @property
    def sqlite_path(self) -> Path:
        return Path(unquote(self.database_url.removeprefix(SQLITE_URL)))

    def make_sqlite_folder(self) -> None:
        """The SQLite store's folder, made if missing (a first start)."""
        folder = self.sqlite_path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            msg = f"cannot make the store's folder {folder}: {error.strerror}"
            raise OperationalError(msg) from error

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing environment this configuration renders."""
        kind = self.store_kind
        if kind == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if kind == "sqlite":
            self.make_sqlite_folder()
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        target = postgres_target(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": target.dbname,
            "POSTGRES_HOST": target.host,
            "POSTGRES_PORT": str(target.port),
            "POSTGRES_USER": target.user,
            "POSTGRES_PASSWORD": target.password,
            "POSTGRES_POOL_SIZE": str(self.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(self.postgres_max_overflow),
            "POSTGRES_CONNECT_TIMEOUT": str(POSTGRES_CONNECT_TIMEOUT_SECONDS),
            "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
        }

    @property
    def postgres_conninfo(self) -> str:
        return postgres_conninfo(self.database_url)


def _names_a_file(sqlite_url: str) -> bool:
    """Whether the URL is one of the two forms read as a file's path: any other
    (``sqlite://name``, a query) would be read as a path of its own, and a
    store made there."""
    path = sqlite_url.removeprefix(SQLITE_URL)
    return (
        sqlite_url.startswith(SQLITE_URL)
        and bool(path)
        and not path.endswith("/")
        and not any(mark in path for mark in "?#")
    )


def existing_store(settings: Settings) -> Settings:
    """``settings``, once their SQLite store is found to be there. Opening a
    file that is not there makes a new, empty store, and a command that reads or
    looks after one would answer from it as if all were well (a mistyped path,
    another working directory)."""
    if settings.store_kind == "sqlite" and not settings.sqlite_path.is_file():
        raise UnusableSetting.named(
            "database_url",
            f"no store at {settings.sqlite_path} (serve, keys create and import "
            "start a new one)",
        )
    return settings


def settings_problems(error: ValidationError) -> str:
    """What is wrong with the environment's settings, on one line."""
    return "; ".join(
        f"{SETTINGS_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: "
        + e["msg"].removeprefix("Value error, ")
        for e in error.errors()
    )
