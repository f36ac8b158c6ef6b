"""Settings that name something a command cannot use.

Apart from ``infrastructure.settings`` so that the command line can tell these
errors from others without importing all that reading the settings needs.
"""

from __future__ import annotations

from pathlib import Path

SETTINGS_PREFIX = "CREDIT_LEDGER_"


class UnusableSetting(Exception):
    """A setting naming what this run cannot use: a store that is not there, a
    file that cannot be read. The message is one line naming the setting; it
    never quotes a secret."""

    @classmethod
    def named(cls, setting: str, problem: str) -> UnusableSetting:
        return cls(f"{SETTINGS_PREFIX}{setting.upper()}: {problem}")

    @classmethod
    def unreadable(cls, setting: str, path: Path, error: Exception) -> UnusableSetting:
        """The file ``setting`` names, which could not be read as one."""
        reason = str(error)
        if isinstance(error, OSError) and error.strerror:
            reason = error.strerror  # its str() repeats the path
        return cls.named(setting, f"cannot use {path}: {reason}")
