"""CSV for spreadsheets: UTF-8 with a BOM (so Chinese shows correctly), the
schema's field order as the stable column order, lists joined with "; "."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

BOM = "\ufeff"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is a formula to a spreadsheet (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(model: type[BaseModel], items: Iterable[BaseModel]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(model.model_fields)
    writer.writerow(columns)
    for item in items:
        values = item.model_dump(mode="json")
        writer.writerow([_cell(values[column]) for column in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
