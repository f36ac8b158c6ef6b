"""A database URL that its two readers would read apart is refused when the
settings are read, and the refusal shows nothing of it."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict
from pydantic import ValidationError

from infrastructure.settings import Settings, settings_problems


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ledger:Kw9%ssZq@127.0.0.1:1/credit",  # "%ss" encodes nothing
        "postgresql://ledger:Kw9 ssZq@db.internal/credit",  # a raw space
        "postgresql://ledger:Kw9@ssZq@db.internal/credit",  # libpq: host "ssZq@db..."
        "postgresql://ledger:Kw9/ssZq@db.internal/credit",  # host "ledger", port "Kw9"
        "postgresql://ledger:Kw9#ssZq@db.internal/credit",  # Python: a "#" fragment
        "postgresql+psycopg://ledger:Kw9ssZq@db.internal:port/credit",
        # libpq takes the query's database, Python the path's.
        "postgresql://ledger:Kw9ssZq@db.internal/credit?dbname=postgres",
    ],
)
def test_a_malformed_postgres_url_is_refused_without_its_password(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)

    with pytest.raises(ValidationError) as refused:
        Settings()

    problem = settings_problems(refused.value)
    assert problem.startswith("CREDIT_LEDGER_DATABASE_URL: not a PostgreSQL URL")
    assert "\n" not in problem
    for shown in (str(refused.value), repr(refused.value), problem):
        assert "Kw9" not in shown and "ssZq" not in shown


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgresql://ledger:secret@db.internal:5432/credit", "secret"),
        ("postgresql://ledger:Pa%25s%20w%40rd@db.internal/credit", "Pa%s w@rd"),
        ("postgresql+psycopg://ledger:p:ss@[::1]:5432/credit?sslmode=require", "p:ss"),
    ],
)
def test_a_well_formed_postgres_url_is_read_alike_by_both_readers(
    url: str, password: str
) -> None:
    settings = Settings(database_url=url)

    assert settings.event_store_env()["POSTGRES_PASSWORD"] == password
    assert conninfo_to_dict(settings.postgres_conninfo)["password"] == password


def test_sqlite_and_memory_urls_are_not_checked_as_postgres_ones() -> None:
    assert Settings(database_url="sqlite:///./var/a b%.sqlite3").store_kind == "sqlite"
    assert Settings(database_url="memory://").store_kind == "memory"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (
            "postgresql://ledger:pw@%2Fvar%2Frun%2Fpostgresql/credit",
            ("/var/run/postgresql", "5432", "ledger", "credit"),
        ),
        ("postgresql:///credit", ("localhost", "5432", "postgres", "credit")),
        (
            "postgresql://db.internal:6543",
            ("db.internal", "6543", "postgres", "postgres"),
        ),
    ],
)
def test_the_event_store_and_the_other_connections_reach_the_same_database(
    url: str, target: tuple[str, str, str, str]
) -> None:
    settings = Settings(database_url=url)
    env = settings.event_store_env()
    other = conninfo_to_dict(settings.postgres_conninfo)

    names = ("HOST", "PORT", "USER", "DBNAME")
    assert tuple(env[f"POSTGRES_{name}"] for name in names) == target
    assert tuple(str(other[name.lower()]) for name in names) == target
