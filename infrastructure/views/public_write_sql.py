"""Statements that store the public views' facts; ``{name}`` is a table."""

from __future__ import annotations

_KEY = "subject_code = %(subject_code)s AND record_id = %(record_id)s"
INSERT_SUBJECT = """INSERT INTO {subjects}
(subject_code, public_code, kind, name, legal_representative) VALUES
(%(subject_code)s, %(public_code)s, %(kind)s, %(name)s, %(legal_representative)s)"""
RENAME_SUBJECT = """UPDATE {subjects}
SET name = %(name)s, legal_representative = %(legal_representative)s
WHERE subject_code = %(subject_code)s"""
INSERT_GRAM = """INSERT INTO {subject_grams} (gram, name, subject_code) VALUES
(%(gram)s, %(name)s, %(subject_code)s)"""
# A renamed subject's rows, if it was registered as a legal person (its code
# alone may not tell); a name it had before already has its rows.
ADD_GRAM = """INSERT INTO {subject_grams} (gram, name, subject_code)
SELECT %(gram)s, %(name)s, subject_code FROM {subjects}
WHERE subject_code = %(subject_code)s AND kind = 'legal_person'
ON CONFLICT DO NOTHING"""
INSERT_RECORD = """INSERT INTO {records}
(subject_code, record_id, kind, department, decided_on, severity, published,
 maximum_until, status) VALUES
(%(subject_code)s, %(record_id)s, %(kind)s, %(department)s, %(decided_on)s,
 %(severity)s, %(published)s, %(maximum_until)s, 'active')"""
CLOSE_RECORD = f"""UPDATE {{records}}
SET status = %(status)s, closed_on = %(closed_on)s WHERE {_KEY}"""
REOPEN_RECORD = f"""UPDATE {{records}}
SET status = 'active', closed_on = NULL WHERE {_KEY}"""
SET_PENALTY_CORRECTIONS = f"""UPDATE {{penalties}}
SET corrections = %(corrections)s WHERE {_KEY}"""
INSERT_LICENCE = """INSERT INTO {licences}
(subject_code, record_id, decision_no, licence_category, licence_name, licence_no,
 content, decided_on, valid_from, valid_to, authority, authority_code, data_source,
 publication_deadline, late, position) VALUES
(%(subject_code)s, %(record_id)s, %(decision_no)s, %(licence_category)s,
 %(licence_name)s, %(licence_no)s, %(content)s, %(decided_on)s, %(valid_from)s,
 %(valid_to)s, %(authority)s, %(authority_code)s, %(department)s,
 %(publication_deadline)s, %(late)s, %(position)s)"""
INSERT_PENALTY = """INSERT INTO {penalties}
(subject_code, record_id, decision_no, violation_type, facts, basis, penalty_types,
 content, fine_amount, confiscated_amount, severity, decided_on, publicity_until,
 authority, authority_code, data_source, publication_deadline, late, position) VALUES
(%(subject_code)s, %(record_id)s, %(decision_no)s, %(violation_type)s, %(facts)s,
 %(basis)s, %(penalty_types)s, %(content)s, %(fine_amount)s, %(confiscated_amount)s,
 %(severity)s, %(decided_on)s, %(publicity_until)s, %(authority)s,
 %(authority_code)s, %(department)s, %(publication_deadline)s, %(late)s,
 %(position)s)"""
INSERT_COMMITMENT = """INSERT INTO {commitments}
(subject_code, record_id, commitment_type, matter, content, made_on, due_on, status,
 data_source, publication_deadline, late, position) VALUES
(%(subject_code)s, %(record_id)s, %(commitment_type)s, %(matter)s, %(content)s,
 %(made_on)s, %(due_on)s, 'made', %(department)s, %(publication_deadline)s,
 %(late)s, %(position)s)"""
CLOSE_COMMITMENT = f"""UPDATE {{commitments}}
SET status = %(status)s, closed_on = %(closed_on)s, closure_late = %(late)s,
    breach_details = %(details)s
WHERE {_KEY}"""
INSERT_LISTING = """INSERT INTO {serious_list}
(subject_code, record_id, department, basis, measures, listed_on, term_ends_on,
 notified_on, position) VALUES
(%(subject_code)s, %(record_id)s, %(department)s, %(basis)s, %(measures)s,
 %(decided_on)s, %(term_ends_on)s, %(notified_on)s, %(position)s)"""
INSERT_RED_LISTING = """INSERT INTO {red_list}
(subject_code, record_id, scheme, department, decided_on, valid_to, position) VALUES
(%(subject_code)s, %(record_id)s, %(scheme)s, %(department)s, %(decided_on)s,
 %(valid_to)s, %(position)s)"""
WITHDRAW = tuple(
    f"DELETE FROM {{{table}}} WHERE {_KEY}"
    for table in ("serious_list", "red_list", "licences", "penalties", "commitments")
)
# The published fields a correction may replace, per column of the publicity.
CORRECTABLE = {
    "licences": (
        "decision_no",
        "licence_category",
        "licence_name",
        "licence_no",
        "content",
        "valid_from",
        "valid_to",
        "authority",
        "authority_code",
    ),
    "penalties": (
        "decision_no",
        "violation_type",
        "facts",
        "basis",
        "content",
        "fine_amount",
        "confiscated_amount",
        "authority",
        "authority_code",
    ),
    "commitments": ("commitment_type", "matter", "content", "due_on"),
}


def correct_statement(table: str, changed: list[str]) -> str:
    assignments = "".join(f"{column} = %({column})s, " for column in changed)
    return (
        f"UPDATE {{{table}}} SET {assignments}corrections = corrections + 1 "
        f"WHERE {_KEY}"
    )
