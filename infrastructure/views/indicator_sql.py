"""Tables and statements of the indicator facts; ``{name}`` is a table.

Days are ISO text (they compare as dates); registration instants are UTC ISO
text (they compare as instants). Parameters: ``first_day``, ``last_day``,
``twelve_months_from`` (days) and ``starts_at``, ``ends_at`` (instants).
"""

from __future__ import annotations

INDICATOR_TABLES = (
    "indicator_subjects",
    "indicator_publications",
    "indicator_listings",
    "indicator_red_list",
    "indicator_repairs",
)
_KEY = "subject_code TEXT NOT NULL, record_id TEXT NOT NULL"
CREATE_INDICATOR_TABLES = (
    """CREATE TABLE IF NOT EXISTS {indicator_subjects} (
        subject_code TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        registered_at TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {{indicator_publications}} (
        {_KEY},
        step TEXT NOT NULL,
        column_name TEXT NOT NULL,
        department TEXT NOT NULL,
        published_for TEXT NOT NULL,
        publication_deadline TEXT NOT NULL,
        late BOOLEAN NOT NULL,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id, step))""",
    f"""CREATE TABLE IF NOT EXISTS {{indicator_listings}} (
        {_KEY},
        department TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        term_ends_on TEXT NOT NULL,
        ended_on TEXT,
        exit_reason TEXT,
        PRIMARY KEY (subject_code, record_id))""",
    f"""CREATE TABLE IF NOT EXISTS {{indicator_red_list}} (
        {_KEY},
        scheme TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        ended_on TEXT,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {indicator_repairs} (
        subject_code TEXT NOT NULL,
        repair_id TEXT NOT NULL,
        requested_on TEXT NOT NULL,
        decision_due_on TEXT NOT NULL,
        decision TEXT,
        decided_on TEXT,
        PRIMARY KEY (subject_code, repair_id))""",
)
INDICATOR_INDEXES = (
    "CREATE INDEX IF NOT EXISTS {indicator_publications}_day "
    "ON {indicator_publications} (published_for)",
    "CREATE INDEX IF NOT EXISTS {indicator_listings}_day "
    "ON {indicator_listings} (decided_on)",
)

# Writes ---------------------------------------------------------------------

_WHERE_KEY = "WHERE subject_code = %(subject_code)s AND record_id = %(record_id)s"
INSERT_SUBJECT = """INSERT INTO {indicator_subjects} (subject_code, kind, registered_at)
VALUES (%(subject_code)s, %(kind)s, %(registered_at)s)"""
INSERT_PUBLICATION = """INSERT INTO {indicator_publications}
(subject_code, record_id, step, column_name, department, published_for,
 publication_deadline, late, position) VALUES
(%(subject_code)s, %(record_id)s, %(step)s, %(column)s, %(department)s,
 %(published_for)s, %(publication_deadline)s, %(late)s, %(position)s)"""
INSERT_LISTING = """INSERT INTO {indicator_listings}
(subject_code, record_id, department, decided_on, term_ends_on) VALUES
(%(subject_code)s, %(record_id)s, %(department)s, %(decided_on)s, %(term_ends_on)s)"""
END_LISTING = f"""UPDATE {{indicator_listings}}
SET ended_on = %(ended_on)s, exit_reason = %(reason)s {_WHERE_KEY}"""
REOPEN_LISTING = f"""UPDATE {{indicator_listings}}
SET ended_on = NULL, exit_reason = NULL {_WHERE_KEY} AND exit_reason = %(reason)s"""
INSERT_RED_LISTING = """INSERT INTO {indicator_red_list}
(subject_code, record_id, scheme, decided_on, valid_to) VALUES
(%(subject_code)s, %(record_id)s, %(scheme)s, %(decided_on)s, %(valid_to)s)"""
END_RED_LISTING = f"""UPDATE {{indicator_red_list}}
SET ended_on = %(ended_on)s {_WHERE_KEY} AND ended_on IS NULL"""
INSERT_REPAIR = """INSERT INTO {indicator_repairs}
(subject_code, repair_id, requested_on, decision_due_on) VALUES
(%(subject_code)s, %(repair_id)s, %(requested_on)s, %(decision_due_on)s)"""
DECIDE_REPAIR = """UPDATE {indicator_repairs}
SET decision = %(decision)s, decided_on = %(decided_on)s
WHERE subject_code = %(subject_code)s AND repair_id = %(repair_id)s"""

# Reads ----------------------------------------------------------------------


def _count(condition: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def _within(column: str) -> str:
    return f"{column} >= %(first_day)s AND {column} <= %(last_day)s"


def _in_force(alias: str, until: str) -> str:
    """In force on the period's last day: started, not yet at its end, not ended."""
    return (
        f"{alias}.decided_on <= %(last_day)s AND {alias}.{until} > %(last_day)s "
        f"AND ({alias}.ended_on IS NULL OR {alias}.ended_on > %(last_day)s)"
    )


_ENTERPRISE = "s.subject_code = {t}.subject_code AND s.kind = 'legal_person'"
PUBLICATIONS = f"""SELECT column_name, department,
 {_count("NOT late")} AS on_time, {_count("late")} AS late_count
FROM {{indicator_publications}} WHERE {_within("published_for")}
GROUP BY column_name, department ORDER BY column_name, department"""
# Registered by the end of the period; or, registered later with a backfilled
# listing or red-list entry in force on its last day: the base the shares
# below are of must hold every subject they count.
ENTERPRISES = f"""SELECT COUNT(*) AS n FROM {{indicator_subjects}} s
WHERE s.kind = 'legal_person' AND (s.registered_at < %(ends_at)s
 OR EXISTS (SELECT 1 FROM {{indicator_listings}} l
  WHERE l.subject_code = s.subject_code AND {_in_force("l", "term_ends_on")})
 OR EXISTS (SELECT 1 FROM {{indicator_red_list}} r
  WHERE r.subject_code = s.subject_code AND {_in_force("r", "valid_to")}))"""
LISTED_ENTERPRISES = f"""SELECT COUNT(DISTINCT l.subject_code) AS n
FROM {{indicator_listings}} l JOIN {{indicator_subjects}} s
 ON {_ENTERPRISE.format(t="l")}
WHERE {_in_force("l", "term_ends_on")}"""
# On the list at some time in the period: listed by its end, not gone before it.
LISTING_COUNTS = f"""SELECT
 {_count("decided_on >= %(twelve_months_from)s AND decided_on <= %(last_day)s")}
  AS new_last_12_months,
 {_count(_within("decided_on"))} AS new_in_period,
 {
    _count(
        "decided_on <= %(last_day)s AND "
        "COALESCE(ended_on, term_ends_on) >= %(first_day)s"
    )
} AS in_period
FROM {{indicator_listings}}"""
EXITS = f"""SELECT exit_reason, COUNT(*) AS n FROM {{indicator_listings}}
WHERE {_within("ended_on")} GROUP BY exit_reason ORDER BY exit_reason"""
_RED_IN_FORCE = f"""FROM {{indicator_red_list}} r JOIN {{indicator_subjects}} s
 ON {_ENTERPRISE.format(t="r")} WHERE {_in_force("r", "valid_to")}"""
RED_LISTED_BY_SCHEME = f"""SELECT r.scheme, COUNT(DISTINCT r.subject_code) AS n
{_RED_IN_FORCE} GROUP BY r.scheme ORDER BY r.scheme"""
RED_LISTED = f"""SELECT COUNT(DISTINCT r.subject_code) AS n {_RED_IN_FORCE}
 AND r.scheme IN ('a_grade_taxpayer', 'customs_aeo')"""
_DECIDED = _within("decided_on")
REPAIR_COUNTS = f"""SELECT
 {_count(_within("requested_on"))} AS requested,
 {_count(f"decision = 'granted' AND {_DECIDED}")} AS granted,
 {_count(f"decision = 'rejected' AND {_DECIDED}")} AS rejected,
 {
    _count(
        "requested_on <= %(last_day)s AND decision_due_on < %(last_day)s "
        "AND (decided_on IS NULL OR decided_on > %(last_day)s)"
    )
} AS overdue,
 {_count(f"{_DECIDED} AND decided_on > decision_due_on")} AS decided_late
FROM {{indicator_repairs}}"""
DECIDED_REPAIRS = f"""SELECT requested_on, decided_on FROM {{indicator_repairs}}
WHERE {_DECIDED} ORDER BY decided_on, subject_code, repair_id"""
# The check log is not an event stream but an append-only table of its own.
CHECKS_BY_MATTER = """SELECT matter, COUNT(*) AS n FROM credit_checks
WHERE checked_at >= %(starts_at)s AND checked_at < %(ends_at)s
GROUP BY matter ORDER BY matter"""
