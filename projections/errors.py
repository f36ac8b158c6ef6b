"""Errors of the read side."""

from __future__ import annotations


class ProjectionError(Exception):
    title = "Read model error"


class InvalidCursor(ProjectionError):
    """A paging cursor that this service did not issue for this list."""

    title = "Invalid cursor"


class PositionMoved(ProjectionError):
    """The view is no longer where the runner left it (another runner, a rebuild
    swap): the batch is dropped and the runner starts again from the view."""
