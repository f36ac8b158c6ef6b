"""Files replaced whole or not at all.

The new content is written to a file beside the old one, then moved over it:
a reader never sees half a file, and a failure (a full disk) leaves the old
file as it was.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from types import TracebackType


class FileReplacement:
    """The file that will replace ``path``. It is created at once, so a folder
    that cannot take it fails before any work is spent on its content."""

    def __init__(self, path: Path) -> None:
        # The file a link names is replaced, as writing through the link would.
        self.path = Path(os.path.realpath(path))
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        self._written = self.path.with_name(
            f".{self.path.name}.{secrets.token_hex(4)}.tmp"
        )
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        self._file = os.fdopen(os.open(self._written, flags, 0o666), "wb")
        self._finished = False

    def __enter__(self) -> FileReplacement:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()

    def complete(self, data: bytes) -> None:
        """Writes ``data`` and moves it over ``path``; on failure the file
        written so far is removed, ``path`` untouched."""
        try:
            with self._file as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
                _keep_mode_of(self.path, file.fileno())
            os.replace(self._written, self.path)
            self._finished = True
        finally:
            self.discard()

    def discard(self) -> None:
        """Removes what was written, unless it already replaced ``path``."""
        self._file.close()
        if not self._finished:
            self._written.unlink(missing_ok=True)
            self._finished = True


def write_whole(path: Path, data: bytes) -> None:
    with FileReplacement(path) as replacement:
        replacement.complete(data)


def _keep_mode_of(path: Path, descriptor: int) -> None:
    """A replaced file keeps its permissions (a new one has the umask's)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    os.fchmod(descriptor, mode)
