"""A long-running command's log on standard error: the service's own lines,
the libraries' problems, never a full identity number or an API key."""

from __future__ import annotations

import logging

import pytest

from api.cli.logs import logging_to_stderr
from tests.factories import resident_id

PERSON = resident_id(3)
KEY = "cl_0123456789ab_Zx-9_qLmN0pQrStUvWxYz0123456789abcdefghijklmno"


def test_the_service_says_what_it_does_and_libraries_what_goes_wrong(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with logging_to_stderr():
        logging.getLogger("credit_ledger.consumer").info("view public handed over")
        logging.getLogger("kafka.conn").info("connecting to the broker")
        logging.getLogger("kafka.conn").error("Connection failed")

    assert capsys.readouterr().err == (
        "INFO credit_ledger.consumer: view public handed over\n"
        "ERROR kafka.conn: Connection failed\n"
    )


def test_identity_numbers_and_keys_are_masked_in_lines_and_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with logging_to_stderr():
        try:
            raise ValueError(f"no subject {PERSON}")
        except ValueError:
            logging.getLogger("credit_ledger.consumer").exception(
                "message of %s with %s", PERSON, KEY
            )

    err = capsys.readouterr().err
    assert PERSON not in err
    assert PERSON[6:14] not in err
    assert KEY not in err
    assert f"message of {PERSON[:6]}********{PERSON[-4:]} with cl_0123456789ab_" in err
    assert f"ValueError: no subject {PERSON[:6]}********" in err


def test_leaving_puts_logging_back_as_it_was(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("credit_ledger").level

    with logging_to_stderr():
        pass
    logging.getLogger("credit_ledger.consumer").info("after the command")

    assert root.handlers == handlers
    assert logging.getLogger("credit_ledger").level == level
    assert capsys.readouterr().err == ""


def test_without_libraries_only_the_service_s_own_lines_are_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with logging_to_stderr(libraries=False):
        logging.getLogger("credit_ledger.relay").warning("relay of %s", PERSON)
        logging.getLogger("kafka.conn").error("Connection failed")

    masked = f"{PERSON[:6]}********{PERSON[-4:]}"
    shown = capsys.readouterr().err
    assert shown == f"WARNING credit_ledger.relay: relay of {masked}\n"
