"""Tables and statements of the repair history; ``{name}`` is a table."""

from __future__ import annotations

from projections.repair_view import RepairQuery

REPAIR_TABLES = ("repairs", "repair_decisions")
# Columns added to {repairs} after it was first made (made last in a new table
# too, so both list their columns alike), with their types: a table made
# before gets them when the service starts, its rows NULL there.
ADDED_REPAIR_COLUMNS = (("deadline_on_fallback_calendar", "BOOLEAN"),)
CREATE_REPAIR_TABLES = (
    """CREATE TABLE IF NOT EXISTS {repairs} (
        subject_code TEXT NOT NULL,
        repair_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        requested_on TEXT NOT NULL,
        commitment TEXT NOT NULL,
        materials TEXT NOT NULL,
        department TEXT NOT NULL,
        actor TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        decision_due_on TEXT NOT NULL,
        status TEXT NOT NULL,
        decided_on TEXT,
        position BIGINT NOT NULL,
        deadline_on_fallback_calendar BOOLEAN,
        PRIMARY KEY (subject_code, repair_id))""",
    """CREATE TABLE IF NOT EXISTS {repair_decisions} (
        subject_code TEXT NOT NULL,
        repair_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        reason TEXT,
        department TEXT NOT NULL,
        actor TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        position BIGINT PRIMARY KEY)""",
)
# Newest first by (request date, position), from a cursor's key on, also per
# department and per status (``overdue`` reads the pending ones).
REPAIR_INDEXES = (
    "CREATE INDEX IF NOT EXISTS {repairs}_newest ON {repairs} (requested_on, position)",
    "CREATE INDEX IF NOT EXISTS {repairs}_department "
    "ON {repairs} (department, requested_on, position)",
    "CREATE INDEX IF NOT EXISTS {repairs}_status "
    "ON {repairs} (status, requested_on, position)",
    "CREATE INDEX IF NOT EXISTS {repairs}_id ON {repairs} (repair_id)",
    "CREATE INDEX IF NOT EXISTS {repair_decisions}_repair "
    "ON {repair_decisions} (subject_code, repair_id)",
)

INSERT_REPAIR = """INSERT INTO {repairs}
(subject_code, repair_id, record_id, requested_on, commitment, materials,
 department, actor, recorded_at, decision_due_on, status, position,
 deadline_on_fallback_calendar) VALUES
(%(subject_code)s, %(repair_id)s, %(record_id)s, %(requested_on)s, %(commitment)s,
 %(materials)s, %(department)s, %(actor)s, %(recorded_at)s, %(decision_due_on)s,
 'pending', %(position)s, %(deadline_on_fallback_calendar)s)"""
INSERT_DECISION = """INSERT INTO {repair_decisions}
(subject_code, repair_id, decision, decided_on, reason, department, actor,
 recorded_at, position) VALUES
(%(subject_code)s, %(repair_id)s, %(decision)s, %(decided_on)s, %(reason)s,
 %(department)s, %(actor)s, %(recorded_at)s, %(position)s)"""
DECIDE_REPAIR = """UPDATE {repairs}
SET status = %(decision)s, decided_on = %(decided_on)s
WHERE subject_code = %(subject_code)s AND repair_id = %(repair_id)s"""

REVOKE_REPAIR = """UPDATE {repairs} SET status = 'revoked'
WHERE subject_code = %(subject_code)s AND repair_id = %(repair_id)s"""

_REPAIR_COLUMNS = (
    "r.subject_code AS subject, r.repair_id, r.record_id, r.requested_on, "
    "r.commitment, r.materials, r.department, r.actor, r.recorded_at, "
    "r.decision_due_on, r.deadline_on_fallback_calendar, r.status, r.decided_on, "
    "r.position"
)

OVERDUE = "r.status = 'pending' AND r.decision_due_on < %(today)s"


def decisions_of(subjects: int) -> str:
    """Every decision on the repairs of ``subjects`` subjects (``%(s0)s``, ...),
    in order: one statement for a whole page, not one per repair."""
    codes = ", ".join(f"%(s{n})s" for n in range(subjects))
    return f"""SELECT subject_code, repair_id, decision, decided_on, reason,
 department, actor, recorded_at, position
FROM {{repair_decisions}} WHERE subject_code IN ({codes}) ORDER BY position"""


def repairs_page(query: RepairQuery) -> str:
    where = ["1 = 1"]
    if query.department is not None:
        where.append("r.department = %(department)s")
    if query.since is not None:
        where.append("r.requested_on >= %(since)s")
    if query.subject_code is not None:
        where.append("r.subject_code = %(subject_code)s")
    if query.status is not None:
        where.append("r.status = %(status)s")
    if query.overdue is not None:
        where.append(OVERDUE if query.overdue else f"NOT ({OVERDUE})")
    if query.after is not None:
        # A row value starts the index scan at the key (see public_read_sql.py).
        where.append(
            "(r.requested_on, r.position) < (%(after_on)s, %(after_position)s)"
        )
    limit = "" if query.limit is None else " LIMIT %(limit)s"
    return (
        f"SELECT {_REPAIR_COLUMNS} FROM {{repairs}} r WHERE {' AND '.join(where)} "
        f"ORDER BY r.requested_on DESC, r.position DESC{limit}"
    )


REPAIRS_WITH_ID = (
    f"SELECT {_REPAIR_COLUMNS} FROM {{repairs}} r WHERE r.repair_id = %(repair_id)s "
    "AND (CAST(%(subject_code)s AS TEXT) IS NULL "
    "OR r.subject_code = %(subject_code)s) ORDER BY r.subject_code"
)
