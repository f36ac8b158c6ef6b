"""Masks the identity numbers in the text of a public view built before its
rows were masked as they were made (``projections/public_text.py``), so an
upgraded service shows none at once, without a rebuild.

Done once per set of tables: ``{upgrades}`` records it, and a rebuild's swap
brings its own record along (a rebuilt view's rows are masked as they are
made). One transaction, so a crash leaves nothing half done and the next start
does it again. A value is replaced only if it is still the one read, so a row
another process's projection rewrote meanwhile (masked already) is left alone.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from infrastructure.views.codec import to_sql
from infrastructure.views.masking_sql import (
    DONE,
    DROP_GRAM,
    NAMES_WITH_DIGITS,
    RECORD_DONE,
    SUBJECTS,
    TABLES,
    TextColumns,
)
from infrastructure.views.name_grams import name_grams
from infrastructure.views.public_write_sql import ADD_GRAM
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from projections.public_text import masked_value

log = logging.getLogger("credit_ledger.projections")
# Named anew when the rule masks more, so views masked by an earlier rule are
# masked once more (the first: numbers whole or split by whitespace; then
# hyphens and dots between their parts; then dashes, slashes and underscores).
UPGRADES_BEFORE = (
    "identity numbers in text masked",
    "identity numbers in text masked, hyphens and dots too",
    "identity numbers in text masked, dashes, slashes and underscores too",
)
UPGRADE = "identity numbers in text masked, 15-digit ones and any separators too"
CHUNK = 5000


def mask_stored_text(view: SqlTrackedView) -> int:
    """How many values were masked (0 when it was done before)."""
    with view.store.transaction(commit=True) as c:
        c.execute(view.sql(DONE), {"name": UPGRADE})
        if c.fetchone() is not None:
            return 0
        masked = sum(_mask_table(c, view, columns) for columns in TABLES)
        _drop_unmasked_grams(c, view)
        c.execute(view.sql(RECORD_DONE), {"name": UPGRADE})
    if masked:
        log.info("%s: identity numbers masked in %d values", view.view_name, masked)
    return masked


def _mask_table(cursor: Any, view: SqlTrackedView, columns: TextColumns) -> int:
    masked = 0
    after = dict.fromkeys(columns.key, "")
    while True:
        cursor.execute(view.sql(columns.chunk(CHUNK)), after)
        rows = [as_dict(r) for r in cursor.fetchall()]
        if not rows:
            return masked
        for row in rows:
            masked += _mask_row(cursor, view, columns, row)
        after = {k: rows[-1][k] for k in columns.key}


def _mask_row(
    cursor: Any, view: SqlTrackedView, columns: TextColumns, row: dict[str, Any]
) -> int:
    key = {k: row[k] for k in columns.key}
    masked = 0
    for column in columns.text + columns.lists:
        found = row[column]
        shown = _shown(found, listed=column in columns.lists)
        if shown is None:
            continue
        params = key | {"found": found, "shown": shown}
        cursor.execute(view.sql(columns.replace(column)), params)
        masked += 1
        if columns is SUBJECTS and column == "name":
            grams = [key | {"gram": g, "name": shown} for g in name_grams(shown)]
            if grams:
                cursor.executemany(view.sql(ADD_GRAM), grams)
    return masked


def _shown(found: str | None, *, listed: bool) -> str | None:
    """The value masked, or None if there was nothing to mask."""
    if found is None:
        return None
    value = json.loads(found) if listed else found
    shown = masked_value(value)
    if shown == value:
        return None
    return str(to_sql(shown))


def _drop_unmasked_grams(cursor: Any, view: SqlTrackedView) -> None:
    """The name search's rows of names with a number, current or former: the
    current names' masked rows were added as they were masked."""
    cursor.execute(view.sql(NAMES_WITH_DIGITS))
    found = [as_dict(r) for r in cursor.fetchall()]
    drops = [
        {"gram": gram, "name": row["name"], "subject_code": row["subject_code"]}
        for row in found
        if masked_value(row["name"]) != row["name"]
        for gram in name_grams(row["name"])
    ]
    if drops:
        cursor.executemany(view.sql(DROP_GRAM), drops)
