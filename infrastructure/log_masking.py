"""Keeps API keys and natural persons' identity numbers out of every log line.

``MaskingFilter`` rewrites each record's message, arguments and traceback text
before any handler formats it. Resident identity numbers (18 characters: 17
digits and a digit or X, even with spaces in between, any of them raw or
percent-encoded) keep their first 6 and last 4 characters, as on the public
pages; API keys keep only their public id.
A unified social credit code made only of digits looks like an identity number
and is masked too: a harmless mistake in a log, unlike the opposite one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote


def _percent_encoded(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode())


# Separators a client may put inside a code, as they appear in logs: codes are
# normalised by dropping whitespace (any that ``str.split`` drops: tabs, the
# full-width space of Chinese input, no-break spaces...), raw, URL-quoted in
# UTF-8 (hex in either case) or form-encoded; any number of them.
_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_SEPARATORS = re.compile(
    "|".join([r"\s", r"\+", *(_percent_encoded(c) for c in _WHITESPACE)]),
    re.IGNORECASE,
)
_SEPARATOR = f"(?:{_SEPARATORS.pattern})*"
# A query string is logged as the client sent it, and the service decodes
# "%31" as "1": each character of the number may be raw or percent-encoded.
_DIGIT = "(?:[0-9]|%3[0-9])"
_CHECK = "(?:[0-9X]|%3[0-9]|%58|%78)"
# Aligned on the end of a digit run, so "%20" before a number cannot shift it.
_IDENTITY_NUMBER = re.compile(
    rf"{_DIGIT}(?:{_SEPARATOR}{_DIGIT}){{16}}{_SEPARATOR}{_CHECK}(?!{_CHECK})",
    re.IGNORECASE,
)
_API_KEY = re.compile(r"\bcl_([0-9a-f]{12})_[A-Za-z0-9_\-]+")
_OTHER_BEARER = re.compile(r"(?i)\b(bearer\s+)(?!cl_[0-9a-f]{12}_\*)\S+")


def mask_sensitive(text: str) -> str:
    text = _IDENTITY_NUMBER.sub(_mask_identity_number, text)
    text = _API_KEY.sub(r"cl_\1_********", text)
    return _OTHER_BEARER.sub(r"\1********", text)


def _mask_identity_number(match: re.Match[str]) -> str:
    code = unquote(_SEPARATORS.sub("", match.group()))
    return f"{code[:6]}********{code[-4:]}"


def _masked(value: Any) -> Any:
    return mask_sensitive(value) if isinstance(value, str) else value


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        elif record.args:
            # Arguments stay separate: formatters such as uvicorn's read them.
            record.args = tuple(_masked(a) for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = _masked(record.exc_text)
        return True


def install_masking(logger_names: Iterable[str] = ("", "uvicorn")) -> None:
    """Add the filter to every handler of these loggers and of their children.

    Handler filters see every record the handler emits, including records
    propagated from child loggers, which logger filters would miss.
    """
    names = set(logger_names)
    loggers = [logging.getLogger(name) for name in names] + [
        logger
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
        and any(name.startswith(f"{parent}.") for parent in names if parent)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
