"""Keeps API keys and natural persons' identity numbers out of every log line.

``MaskingFilter`` rewrites each record's message, arguments and traceback text
before any handler formats it. Resident identity numbers keep their first 6
and last 4 characters, by the rule the public views' text is masked by
(``domain.text_masking``, which also finds them split by any separators, raw
or percent-encoded, and 15-digit ones, shown as first 6 and last 3);
API keys keep only their public id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from domain.text_masking import mask_identity_numbers

_API_KEY = re.compile(r"\bcl_([0-9a-f]{12})_[A-Za-z0-9_\-]+")
_OTHER_BEARER = re.compile(r"(?i)\b(bearer\s+)(?!cl_[0-9a-f]{12}_\*)\S+")


def mask_sensitive(text: str) -> str:
    text = mask_identity_numbers(text)
    text = _API_KEY.sub(r"cl_\1_********", text)
    return _OTHER_BEARER.sub(r"\1********", text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_sensitive(value)
    if value is None or isinstance(value, int | float):
        return value  # kept, for a ``%d`` to format
    # Any other argument (an exception, say) is formatted as its text, which
    # may hold a number: shown masked, or kept as it is when nothing is.
    try:
        text = str(value)
    except Exception:
        return value  # formatting it fails later, where logging reports it
    shown = mask_sensitive(text)
    return value if shown == text else shown


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
