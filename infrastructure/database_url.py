"""A PostgreSQL URL as the event store and the other connections read it.

libpq reads the URL, and both the event store's settings and the other
connections (keys, relay positions, the set-up lock) are given the values it
read, with the same defaults where the URL has none: they cannot reach two
different databases. A URL that Python's URL parser would read otherwise (a raw
``@``, ``/``, ``#`` or ``?`` in the password) is refused as well, when the
settings are read, and the refusal quotes no part of it: libpq's own errors,
and the connection errors of a misread URL, show its password.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

MALFORMED_POSTGRES_URL = (
    "not a PostgreSQL URL that can be read unambiguously: write "
    "postgresql://USER:PASSWORD@HOST:PORT/DATABASE with every character of the "
    "user and password other than letters, digits and -._~ percent-encoded "
    "(%25 for %, %20 for a space, %40 for @, %2F for /, %23 for #, %3F for ?)"
)


@dataclass(frozen=True)
class PostgresTarget:
    """Where a URL leads, the defaults applied."""

    host: str
    port: int
    user: str
    password: str
    dbname: str


def postgres_target(url: str) -> PostgresTarget:
    """Raises ``ValueError`` (quoting nothing of the URL) for a URL libpq
    cannot read, or one Python's parser reads otherwise."""
    try:
        found = conninfo_to_dict(_libpq_url(url))
        by_python = _read_by_python(url)
        target = PostgresTarget(
            host=str(found.get("host") or "localhost"),
            port=int(found.get("port") or 5432),
            user=str(found.get("user") or "postgres"),
            password=str(found.get("password") or ""),
            dbname=str(found.get("dbname") or "postgres"),
        )
    except (ValueError, psycopg.Error):
        raise ValueError(MALFORMED_POSTGRES_URL) from None
    if by_python != _as_python_reads(target):
        raise ValueError(MALFORMED_POSTGRES_URL)
    return target


def postgres_conninfo(url: str) -> str:
    """The URL for libpq, with the target's values spelt out (any other
    parameters it gives, such as ``sslmode``, kept)."""
    return make_conninfo(_libpq_url(url), **asdict(postgres_target(url)))


def _libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver suffix, which libpq does not know."""
    return url.replace("postgresql+psycopg://", "postgresql://")


Reading = tuple[str, int, str, str, str]


def _read_by_python(url: str) -> Reading:
    parts = urlsplit(url)
    return (
        unquote(parts.hostname or "localhost"),
        parts.port or 5432,  # ValueError for a port that is not a number
        unquote(parts.username or "postgres"),
        unquote(parts.password or ""),
        unquote(parts.path.lstrip("/")) or "postgres",
    )


def _as_python_reads(target: PostgresTarget) -> Reading:
    host = target.host.lower()
    return host, target.port, target.user, target.password, target.dbname
