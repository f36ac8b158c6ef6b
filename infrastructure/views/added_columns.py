"""Adds to a view table made by an earlier release the columns added since, so
an upgraded service reads and writes it at once, without a rebuild.

Its rows hold NULL there, which the views show as "not known": they were made
from events stored before the value was kept. SQLite has no ``ADD COLUMN IF
NOT EXISTS``, so the table's columns are read first; both databases take the
same ``ALTER TABLE``. Processes set up one at a time (``setup_lock``), so two
never add the same column.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from infrastructure.views.tracked import SqlTrackedView

log = logging.getLogger("credit_ledger.projections")

Column = tuple[str, str]
"""A column's name and SQL type."""


def add_missing_columns(
    view: SqlTrackedView, table: str, columns: Sequence[Column]
) -> list[str]:
    """The names of the columns added to the view's ``table`` (a logical name,
    as ``{table}`` in its statements); none when it has them all."""
    with view.store.transaction(commit=True) as cursor:
        present = view.store.column_names(cursor, view.table_names[table])
        missing = [(name, kind) for name, kind in columns if name not in present]
        for name, kind in missing:
            add = f"ALTER TABLE {{{table}}} ADD COLUMN {name} {kind}"
            cursor.execute(view.sql(add))
    added = [name for name, _ in missing]
    if added:
        log.info("%s: columns added to %s: %s", view.view_name, table, added)
    return added
