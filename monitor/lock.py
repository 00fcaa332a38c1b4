"""One ``fetch`` at a time per database: an exclusive lock on ``<db>.lock``.

On POSIX systems the lock is ``flock``: the operating system drops it when the
process dies (even by kill -9), so a stale lock file never blocks the next run.
Where ``fcntl`` does not exist (Windows) the same contract is kept through
``filelock`` (``msvcrt`` locking, also released by the system when the process
ends). Either way, importing this module works on every platform.

A second run waits up to ``wait`` seconds, then raises :class:`LockedError`
(exit code 5).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from monitor.errors import LockedError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

POLL_S = 0.1


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


def _refused(path: Path, wait: float, holder: str = "") -> LockedError:
    return LockedError(
        f"{path}: another 'monitor fetch'{holder} is running on this database; "
        f"waited {wait:g} s, exiting (try again later, or raise --wait)"
    )


@contextmanager
def exclusive(db_path: str | Path, wait: float = 0.0) -> Iterator[Path]:
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with _portable(path, wait):
            yield path
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _refused(path, wait, _read_pid(fd)) from None
                time.sleep(POLL_S)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing releases the flock


@contextmanager
def _portable(path: Path, wait: float) -> Iterator[None]:
    """The lock through ``filelock`` (where there is no ``fcntl``)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=max(wait, 0.0), poll_interval=POLL_S)
    except Timeout:
        raise _refused(path, wait) from None
    try:
        yield
    finally:
        lock.release()


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
    if fcntl is None:
        from filelock import FileLock, Timeout

        probe = FileLock(str(path))
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
