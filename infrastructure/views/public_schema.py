"""Tables of the public views; ``{name}`` is the table's (live or shadow) name.

Dates are ISO text (they sort as dates); lists are JSON text. Secondary indexes
are created apart, because a rebuild creates them after the swap renames its
tables (SQLite cannot rename an index).
"""

from __future__ import annotations

PUBLIC_TABLES = (
    "subjects",
    "records",
    "serious_list",
    "red_list",
    "licences",
    "penalties",
    "commitments",
    "subject_grams",
    "upgrades",
)

CREATE_PUBLIC_TABLES = (
    """CREATE TABLE IF NOT EXISTS {subjects} (
        subject_code TEXT PRIMARY KEY,
        public_code TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        legal_representative TEXT)""",
    """CREATE TABLE IF NOT EXISTS {records} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        department TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        severity TEXT,
        published BOOLEAN NOT NULL,
        maximum_until TEXT,
        status TEXT NOT NULL,
        closed_on TEXT,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {serious_list} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        department TEXT NOT NULL,
        basis TEXT NOT NULL,
        measures TEXT NOT NULL,
        listed_on TEXT NOT NULL,
        term_ends_on TEXT NOT NULL,
        notified_on TEXT,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {red_list} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        scheme TEXT NOT NULL,
        department TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {licences} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        decision_no TEXT NOT NULL,
        licence_category TEXT NOT NULL,
        licence_name TEXT NOT NULL,
        licence_no TEXT,
        content TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_to TEXT,
        authority TEXT NOT NULL,
        authority_code TEXT NOT NULL,
        data_source TEXT NOT NULL,
        publication_deadline TEXT NOT NULL,
        late BOOLEAN NOT NULL,
        corrections INTEGER NOT NULL DEFAULT 0,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {penalties} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        decision_no TEXT NOT NULL,
        violation_type TEXT NOT NULL,
        facts TEXT NOT NULL,
        basis TEXT NOT NULL,
        penalty_types TEXT NOT NULL,
        content TEXT NOT NULL,
        fine_amount TEXT,
        confiscated_amount TEXT,
        severity TEXT NOT NULL,
        decided_on TEXT NOT NULL,
        publicity_until TEXT,
        authority TEXT NOT NULL,
        authority_code TEXT NOT NULL,
        data_source TEXT NOT NULL,
        publication_deadline TEXT NOT NULL,
        late BOOLEAN NOT NULL,
        corrections INTEGER NOT NULL DEFAULT 0,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id))""",
    """CREATE TABLE IF NOT EXISTS {commitments} (
        subject_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        commitment_type TEXT NOT NULL,
        matter TEXT NOT NULL,
        content TEXT NOT NULL,
        made_on TEXT NOT NULL,
        due_on TEXT,
        status TEXT NOT NULL,
        closed_on TEXT,
        breach_details TEXT,
        data_source TEXT NOT NULL,
        publication_deadline TEXT NOT NULL,
        late BOOLEAN NOT NULL,
        closure_late BOOLEAN,
        corrections INTEGER NOT NULL DEFAULT 0,
        position BIGINT NOT NULL,
        PRIMARY KEY (subject_code, record_id))""",
    # The name search's keys (name_grams.py) of legal persons, in name order
    # per pair. A rename adds its new name's rows and leaves the old ones, which
    # the search passes over (the subject's name is no longer theirs): no row
    # is ever looked up by subject, so the key is the only index needed.
    """CREATE TABLE IF NOT EXISTS {subject_grams} (
        gram TEXT NOT NULL,
        name TEXT NOT NULL,
        subject_code TEXT NOT NULL,
        PRIMARY KEY (gram, name, subject_code))""",
    # Changes made once to the rows of tables built before them (e.g.
    # masking_backfill.py), by name; they come along with a rebuild's tables.
    """CREATE TABLE IF NOT EXISTS {upgrades} (name TEXT PRIMARY KEY)""",
)

# Each list is read newest first by (date, position), from a cursor's key on,
# or per department. The search reads legal persons by (name, code) from a
# cursor's key on: a one-character part here, a longer one by the pairs' primary
# key. The (kind, name) index this one replaces is dropped when the service
# starts: without the code, a key could not start the scan.
PUBLIC_INDEXES = (
    "CREATE INDEX IF NOT EXISTS {records}_due ON {records} (status, maximum_until)",
    "DROP INDEX IF EXISTS {subjects}_name",
    "CREATE INDEX IF NOT EXISTS {subjects}_name_code "
    "ON {subjects} (kind, name, subject_code)",
    "CREATE INDEX IF NOT EXISTS {serious_list}_newest "
    "ON {serious_list} (listed_on, position)",
    "CREATE INDEX IF NOT EXISTS {serious_list}_department "
    "ON {serious_list} (department, listed_on, position)",
    "CREATE INDEX IF NOT EXISTS {red_list}_newest ON {red_list} (decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {red_list}_department "
    "ON {red_list} (department, decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {licences}_newest ON {licences} (decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {licences}_department "
    "ON {licences} (data_source, decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {penalties}_newest "
    "ON {penalties} (decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {penalties}_department "
    "ON {penalties} (data_source, decided_on, position)",
    "CREATE INDEX IF NOT EXISTS {commitments}_newest "
    "ON {commitments} (made_on, position)",
    "CREATE INDEX IF NOT EXISTS {commitments}_department "
    "ON {commitments} (data_source, made_on, position)",
)
