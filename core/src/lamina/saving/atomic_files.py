"""Atomic file writes: write to a temporary file in the target's folder, then rename.

A crash or an exception half-way through a save leaves the previous file untouched:
the target only ever changes by `os.replace`, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


class PendingFiles:
    """Temporary files that replace their targets together on `commit()`.

    Every target gets a temporary sibling; nothing is renamed until all of them were
    written, so a failure while writing leaves every target as it was.

    Example:
        >>> pending = PendingFiles()
        >>> with open(pending.new("a.json"), "w") as f:
        ...     f.write("{}")
        >>> pending.commit()
    """

    def __init__(self):
        self._pending: list[tuple[str, str]] = []

    def new(self, target) -> str:
        """A fresh temporary path next to `target`, renamed onto it by `commit()`."""
        target = os.path.abspath(os.fspath(target))
        folder, name = os.path.split(target)
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        os.chmod(temp, _file_mode(target))
        self._pending.append((temp, target))
        return temp

    def commit(self) -> None:
        """Flush every temporary file to disk, then rename each onto its target in order."""
        for temp, _ in self._pending:
            _fsync_file(temp)
        for temp, target in self._pending:
            os.replace(temp, target)
        for folder in {os.path.dirname(target) for _, target in self._pending}:
            _fsync_folder(folder)
        self._pending = []

    def discard(self) -> None:
        """Delete the temporary files (after a failed write)."""
        for temp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.remove(temp)
        self._pending = []


@contextlib.contextmanager
def atomic_files():
    """A `PendingFiles` committed when the block succeeds, discarded when it raises.

    Example:
        >>> with atomic_files() as pending:
        ...     np.save(pending.new("x.npy"), np.ones(3))
    """
    pending = PendingFiles()
    try:
        yield pending
    except BaseException:
        pending.discard()
        raise
    try:
        pending.commit()
    except BaseException:
        pending.discard()
        raise


@contextlib.contextmanager
def atomic_path(target):
    """Yield a temporary path; when the block succeeds it atomically replaces `target`.

    Example:
        >>> with atomic_path("model.keras") as temp:
        ...     write_archive(temp)
    """
    with atomic_files() as pending:
        yield pending.new(target)


def _file_mode(target) -> int:
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _fsync_file(path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_folder(folder) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows).
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
