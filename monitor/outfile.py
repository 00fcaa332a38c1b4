"""Writing an output file whole or not at all: a temporary file in the same folder,
renamed over the target only when everything was written (a cron job publishing
``edits.atom`` never serves half a feed)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from monitor.errors import InputError


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8); :class:`InputError` when it cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"-o {path}: is a directory; give a file name")
    if not path.parent.exists():
        raise InputError(f"-o {path}: folder {path.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"-o {path}: cannot write it ({exc.strerror})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
