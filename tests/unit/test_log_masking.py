"""No log line carries an API key or a natural person's full identity number."""

from __future__ import annotations

import logging
import sys
from urllib.parse import unquote_plus

import pytest

from infrastructure.log_masking import MaskingFilter, install_masking, mask_sensitive
from tests.factories import resident_id, uscc

PERSON = resident_id(7)
KEY = "cl_0123456789ab_Zx-9_qLmN0pQrStUvWxYz0123456789abcdefghijklmno"


def encoded(text: str) -> str:
    """Every character percent-encoded, as a client may send a query."""
    return "".join(f"%{ord(char):02X}" for char in text)


@pytest.mark.parametrize(
    "line",
    [
        f"GET /v1/subjects/{PERSON}/history HTTP/1.1 200",
        f"GET /v1/subjects/%20{PERSON} 401",  # uvicorn quotes a leading space
        f"?code={PERSON[:6]}+{PERSON[6:14]}+{PERSON[14:]}",
        f"subject {PERSON[:6]} {PERSON[6:14]} {PERSON[14:]} was listed",
        f"序号{PERSON}已公示",
        f"{PERSON[:-1]}x",
        # Whitespace the service drops from a code, as uvicorn logs it quoted.
        f"GET /?q={PERSON[:6]}%E3%80%80{PERSON[6:]} HTTP/1.1",  # full-width space
        f"?subject={PERSON[:6]}%09{PERSON[6:]}",  # tab
        f"/subjects/{PERSON[:6]}%c2%a0{PERSON[6:]}",  # no-break space, lower case
        f"{PERSON[:6]}\u3000{PERSON[6:10]}  {PERSON[10:]}",  # raw, two spaces
        # Digits percent-encoded in a query, which uvicorn logs as sent.
        f"GET /v1/subjects?q={PERSON[:10]}%3{PERSON[10]}{PERSON[11:]} HTTP/1.1",
        f"GET /v1/subjects?q={encoded(PERSON)}&limit=5 HTTP/1.1",
        f"?q={encoded(PERSON[:6])}%20{PERSON[6:12]}+{encoded(PERSON[12:])}",
        f"?q=%20{encoded(PERSON[:-1])}%78",  # the check character, as x
        # Punctuation between its parts, as a browser sends it from a form.
        f"GET /?q={PERSON[:6]}%EF%BC%8C{PERSON[6:14]}%EF%BC%8C{PERSON[14:]} HTTP/1.1",
        f"?q={PERSON[:4]}%2C{PERSON[4:8]}%3A{PERSON[8:12]}*{PERSON[12:]}",
        f"subject [{PERSON[:6]}]{PERSON[6:14]}:{PERSON[14:]} was listed",
        f"?q={PERSON[:9]}%E2%80%8B{PERSON[9:]}",  # a zero-width space
    ],
)
def test_identity_numbers_keep_only_their_first_six_and_last_four(line: str) -> None:
    masked = mask_sensitive(line)

    # Nothing of the birth date is left in the line as the service decodes it.
    assert PERSON[6:14] not in "".join(unquote_plus(masked).split())
    assert PERSON[6:10] not in masked
    assert PERSON[10:14] not in masked
    assert f"{PERSON[:6]}********" in masked


@pytest.mark.parametrize(
    "line",
    [
        "GET /v1/subjects?q=110105900517007 HTTP/1.1 200",
        "?q=110105%EF%BC%8C900517%EF%BC%8C007&limit=5",
        "?q=%31%31%30%31%30%35%39%30%30%35%31%37%30%30%37",
        "subject 110105-900517-007 was listed",
    ],
)
def test_first_generation_numbers_keep_only_their_first_six_and_last_three(
    line: str,
) -> None:
    masked = mask_sensitive(line)

    assert "900517" not in "".join(unquote_plus(masked).split())
    assert "110105******007" in masked


def test_legal_person_codes_are_left_readable() -> None:
    assert mask_sensitive(f"subject {uscc(3)}") == f"subject {uscc(3)}"


def test_other_percent_encoded_text_is_left_as_it_was_logged() -> None:
    line = "GET /v1/lists/red?cursor=eyJ9%3D%3D&q=%E7%A8%B7%0A%31%32 HTTP/1.1"

    assert mask_sensitive(line) == line


def test_api_keys_keep_only_their_public_id() -> None:
    masked = mask_sensitive(f"Authorization: Bearer {KEY} and again {KEY}")

    assert KEY[16:] not in masked
    assert masked.count("cl_0123456789ab_********") == 2


def test_other_bearer_tokens_are_hidden_whole() -> None:
    assert mask_sensitive("Bearer abc.def.ghi") == "Bearer ********"


def record_of(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)


def test_the_filter_masks_arguments_but_keeps_them_apart() -> None:
    # uvicorn's access formatter unpacks record.args itself.
    record = record_of('%s - "%s %s" %d', "127.0.0.1", "GET", f"/v1/{PERSON}", 200)

    MaskingFilter().filter(record)

    assert record.args == (
        "127.0.0.1",
        "GET",
        f"/v1/{PERSON[:6]}********{PERSON[-4:]}",
        200,
    )


def test_the_filter_masks_arguments_that_are_not_text() -> None:
    # The API logs an unreadable history's exception itself, as "%s".
    error = LookupError(f"the stored history of {PERSON} cannot be read")
    record = record_of("%s (run audit verify); %d tries, %s", error, 3, uscc(5))

    MaskingFilter().filter(record)

    assert record.getMessage() == (
        f"the stored history of {PERSON[:6]}********{PERSON[-4:]} cannot be read "
        f"(run audit verify); 3 tries, {uscc(5)}"
    )


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_an_argument_whose_text_fails_is_left_for_logging_to_report() -> None:
    record = record_of("%s and %s", Unprintable(), PERSON)

    assert MaskingFilter().filter(record) is True
    assert record.args is not None
    assert isinstance(record.args[0], Unprintable)
    assert record.args[1] == f"{PERSON[:6]}********{PERSON[-4:]}"


def test_the_filter_masks_tracebacks() -> None:
    try:
        raise ValueError(f"bad key {KEY} for {PERSON}")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    MaskingFilter().filter(record)

    assert record.exc_text is not None
    assert KEY not in record.exc_text
    assert PERSON not in record.exc_text


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_installed_masking_covers_child_loggers_through_their_parents_handlers() -> (
    None
):
    parent = logging.getLogger("masking-test")
    handler = ListHandler()
    parent.addHandler(handler)
    try:
        install_masking(["masking-test"])
        logging.getLogger("masking-test.child").warning("key %s", KEY)
    finally:
        parent.removeHandler(handler)

    assert handler.lines == ["key cl_0123456789ab_********"]
