"""One ``fetch`` at a time per database: an exclusive ``flock`` on ``<db>.lock``.

The operating system drops the lock when the process dies (even by kill -9),
so a stale lock file never blocks the next run. A second run waits up to
``wait`` seconds, then raises :class:`LockedError` (exit code 5).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.errors import LockedError

POLL_S = 0.1


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def exclusive(db_path: str | Path, wait: float = 0.0) -> Iterator[Path]:
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_pid(fd)
                    raise LockedError(
                        f"{path}: another 'monitor fetch'{holder} is running on this database; "
                        f"waited {wait:g} s, exiting (try again later, or raise --wait)"
                    ) from None
                time.sleep(POLL_S)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing releases the flock


def _read_pid(fd: int) -> str:
    try:
        data = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {data})" if data.isdigit() else ""


def is_held(db_path: str | Path) -> bool:
    """Whether a fetch holds the lock on this database right now."""
    path = lock_path(db_path)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
