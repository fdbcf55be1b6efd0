"""One run at a time per plan directory: an exclusive ``flock(2)`` on ``.DIR.lock`` beside DIR.

Runs wait for each other (two ``make plan`` from two terminals each finish with a complete plan).
The kernel releases the lock when a process dies, so a killed run never blocks the next.

The lock file is removed when the run ends, so a plan directory leaves no ``.lock`` behind. That
is safe because a run checks, once it holds the lock, that the file it locked is still the one at
the path (same device and inode): a run that waited on a file its predecessor has since unlinked
sees a different or no file there, and starts over on the new one. Only an empty file is removed
(ours never hold data), so a user's own ``.DIR.lock`` with content in it is left alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def locked(target: Path, stage: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of ``target`` for the block; ``stage("locked")`` once it is held."""
    lock_file = target.with_name(f".{target.name}.lock")
    fd = _acquire(lock_file)
    try:
        stage("locked")
        yield
    finally:
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_size == 0 and _is_locked_file(fd, lock_file):
                os.unlink(lock_file)
        os.close(fd)  # releases the lock


def _acquire(lock_file: Path) -> int:
    while True:
        # O_NOFOLLOW: a planted symlink .DIR.lock must not make us create or lock a file elsewhere.
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a concurrent run on the same DIR
            if _is_locked_file(fd, lock_file):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _is_locked_file(fd: int, lock_file: Path) -> bool:
    try:
        now = os.stat(lock_file, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)
