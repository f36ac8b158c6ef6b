"""A PostgreSQL URL is read twice: split by Python for the event store's settings,
parsed by libpq for the other connections. One they would read apart is refused
when the settings are read, and the refusal quotes no part of it: libpq's own
errors, and the connection errors of a misread URL, show its password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

MALFORMED_POSTGRES_URL = (
    "not a PostgreSQL URL that can be read unambiguously: write "
    "postgresql://USER:PASSWORD@HOST:PORT/DATABASE with every character of the "
    "user and password other than letters, digits and -._~ percent-encoded "
    "(%25 for %, %20 for a space, %40 for @, %2F for /, %23 for #, %3F for ?)"
)


def postgres_conninfo(url: str) -> str:
    """The URL as libpq takes it (without SQLAlchemy's driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def check_postgres_url(url: str) -> None:
    """Raises ``ValueError`` (quoting nothing of the URL) unless both readers
    find the same user, password, host and port in it."""
    try:
        agree = _read_by_python(url) == _read_by_libpq(url)
    except (ValueError, psycopg.Error):
        agree = False
    if not agree:
        raise ValueError(MALFORMED_POSTGRES_URL)


Reading = tuple[str | None, str | None, str | None, int | None]


def _read_by_python(url: str) -> Reading:
    parts = urlsplit(url)
    return (
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
        unquote(parts.hostname) if parts.hostname else None,
        parts.port,  # ValueError for a port that is not a number
    )


def _read_by_libpq(url: str) -> Reading:
    found = conninfo_to_dict(postgres_conninfo(url))
    user, password, host, port = (
        str(found[name]) if found.get(name) else None
        for name in ("user", "password", "host", "port")
    )
    return user, password, host and host.lower(), None if port is None else int(port)
