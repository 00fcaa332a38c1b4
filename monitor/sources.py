"""Reading a local source (a file or stdin) into text, with clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from monitor.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class RawSource:
    name: str  # what the user typed, for messages
    data: bytes
    is_html: bool
    path: Path | None = None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 text has NULs too: allow it when it carries a BOM
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return False


def _looks_html(name: str, data: bytes) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def read_source(source: str, stdin: BinaryIO | None = None) -> RawSource:
    """Read ``source`` (a path, or ``-`` for ``stdin``) and check it is usable text."""
    if source == "-":
        if stdin is None:
            raise InputError("-: no standard input to read")
        data = stdin.read(MAX_FILE_BYTES + 1)
        path = None
        name = "<stdin>"
    else:
        path = Path(source)
        name = source
        if not path.exists():
            raise InputError(f"{name}: no such file; check the path (use - to read standard input)")
        if path.is_dir():
            raise InputError(f"{name}: is a directory; give one article file")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"{name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; is it really one article?"
        )
    if not data.strip():
        raise InputError(f"{name}: is empty; nothing to add")
    if _looks_binary(data):
        raise InputError(
            f"{name}: looks like a binary file, not text or HTML; give a .txt or .html article"
        )
    return RawSource(name=name, data=data, is_html=_looks_html(name, data), path=path)


def decode_text(raw: RawSource) -> tuple[str, str | None]:
    """Decode bytes as UTF-8 (BOMs honoured); fall back to cp1252 and say so.

    Returns the text and a warning (or ``None``).
    """
    data = raw.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return text, (
            f"{raw.name}: not valid UTF-8 (byte {exc.start}); read it as Windows-1252 — "
            "check the text, or convert the file to UTF-8 first"
        )
