"""The positions of the views in ``view_tracking``: one row per view and source
(the store, or each Kafka partition and its offset)."""

from __future__ import annotations

CREATE_TRACKING = """CREATE TABLE IF NOT EXISTS view_tracking (
    view_name TEXT NOT NULL,
    application_name TEXT NOT NULL,
    notification_id BIGINT NOT NULL,
    PRIMARY KEY (view_name, application_name))"""
SELECT_POSITION = """SELECT notification_id FROM view_tracking
WHERE view_name = %(view)s AND application_name = %(app)s"""
# Writing the row takes its lock, so no other runner or swap moves it meanwhile.
LOCK_POSITION = """INSERT INTO view_tracking
VALUES (%(view)s, %(app)s, 0)
ON CONFLICT (view_name, application_name)
DO UPDATE SET notification_id = view_tracking.notification_id
RETURNING notification_id"""
ADVANCE_POSITION = """INSERT INTO view_tracking
VALUES (%(view)s, %(app)s, %(id)s)
ON CONFLICT (view_name, application_name)
DO UPDATE SET notification_id = excluded.notification_id
WHERE view_tracking.notification_id < excluded.notification_id
RETURNING notification_id"""
FORGET_POSITION = "DELETE FROM view_tracking WHERE view_name = %(view)s"
# A rebuild's swap hands its position to the live view it replaces.
TAKE_POSITION = """UPDATE view_tracking SET notification_id = %(id)s
WHERE view_name = %(view)s AND application_name = %(app)s"""
# A source's own mark (e.g. a Kafka offset) may go back as well as forward.
SET_POSITION = """INSERT INTO view_tracking
VALUES (%(view)s, %(app)s, %(id)s)
ON CONFLICT (view_name, application_name)
DO UPDATE SET notification_id = excluded.notification_id"""
# Several views' rows at once (``{rows}``: one ``(view, app, id)`` each), for
# the views fed together: one statement each way, not one per view.
LOCK_POSITIONS = """INSERT INTO view_tracking VALUES {rows}
ON CONFLICT (view_name, application_name)
DO UPDATE SET notification_id = view_tracking.notification_id
RETURNING view_name, notification_id"""
ADVANCE_POSITIONS = """INSERT INTO view_tracking VALUES {rows}
ON CONFLICT (view_name, application_name)
DO UPDATE SET notification_id = excluded.notification_id
WHERE view_tracking.notification_id < excluded.notification_id"""
