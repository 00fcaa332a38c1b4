"""Reading a local source (a file or stdin) into text, with clear errors."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from monitor.errors import InputError

#: cap on one local file (an article, or a local feed), as on a downloaded body
MAX_FILE_BYTES = 20 * 1024 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


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


def read_local_file(path: Path, name: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``; else an :class:`InputError`.

    Opened non-blocking before anything is read, so a FIFO or a device cannot hang
    the caller: it is refused by type (``fstat`` of the opened file, so a swapped
    path cannot slip one in). A file over ``max_bytes`` is refused by its size,
    and only ``max_bytes + 1`` bytes are ever read (a file growing meanwhile too).
    """
    shown = name or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise InputError(f"{shown}: no such file; check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{shown}: is a directory, not a file") from exc
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)
        for is_kind, kind in _KINDS:
            if is_kind(info.st_mode):
                raise InputError(f"{shown}: is {kind}, not a regular file; give a file")
        limit = f"larger than {max_bytes // (1024 * 1024)} MB"
        if info.st_size > max_bytes:
            raise InputError(f"{shown}: {limit}; is it the right file?")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{shown}: {limit}; is it the right file?")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror})") from exc
    finally:
        os.close(fd)


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
        data = read_local_file(path, name, MAX_FILE_BYTES)
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


#: the encodings a text file that is not UTF-8 realistically comes in, most common
#: first: charset-normalizer chooses among these, and the order breaks its ties
#: (a short text often decodes cleanly in several)
LEGACY_ENCODINGS = (
    "cp1252",  # Western European Windows: the old default
    "cp1256",  # Arabic-script Windows (Urdu, Arabic, Persian)
    "cp1251",  # Cyrillic Windows
    "cp1250",  # Central European Windows
    "cp1253",  # Greek Windows
    "cp1254",  # Turkish Windows
    "cp1255",  # Hebrew Windows
    "cp1257",  # Baltic Windows
    "cp1258",  # Vietnamese Windows
    "cp874",  # Thai
    "iso8859_6",
    "iso8859_5",
    "iso8859_7",
    "koi8_r",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_jp",
    "euc_kr",
    "mac_roman",
)


def guess_encoding(data: bytes) -> str:
    """The most likely legacy encoding of ``data`` (charset-normalizer), cp1252 when it
    finds none."""
    return _guess_encoding(data) or "cp1252"


def _guess_encoding(data: bytes) -> str | None:
    """The most likely legacy encoding of ``data``; ``None`` when none reads it as text."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        return None
    order = {name: i for i, name in enumerate(LEGACY_ENCODINGS)}
    best = min(
        matches,
        key=lambda m: (
            round(m.chaos, 2),
            -round(m.coherence, 2),
            order.get(m.encoding, len(order)),
        ),
    )
    return str(best.encoding)


#: below this many bytes charset-normalizer's "no encoding fits" is not evidence
#: enough to call a file binary (cp1252 is read instead)
MIN_BYTES_TO_JUDGE = 64
#: more bytes than this share that the guessed encoding cannot map: not text
MAX_UNREADABLE_SHARE = 0.02


def decode_text(raw: RawSource) -> tuple[str, str | None]:
    """Decode bytes as UTF-8 (BOMs honoured); otherwise guess the encoding with
    charset-normalizer and say which was used.

    Returns the text and a warning (or ``None``). Bytes that are not text are an
    :class:`InputError`, never stored as garbage: no encoding reads them (from
    :data:`MIN_BYTES_TO_JUDGE` bytes on), or more than :data:`MAX_UNREADABLE_SHARE`
    of them have no character in the guessed encoding (fewer are dropped).
    """
    data = raw.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        guessed = _guess_encoding(data)
        if guessed is None and len(data) >= MIN_BYTES_TO_JUDGE:
            raise InputError(
                f"{raw.name}: is not text: not valid UTF-8 (byte {exc.start}) and no known "
                "encoding reads it; a binary or damaged file? Give a .txt or .html article"
            ) from None
        encoding = guessed or "cp1252"
        text = data.decode(encoding, errors="replace")
        # bytes the encoding has no character for: a few are dropped, many mean "not text"
        unreadable = text.count("\ufffd")
        if unreadable > max(2, len(text) * MAX_UNREADABLE_SHARE):
            raise InputError(
                f"{raw.name}: is not text: {unreadable} bytes that {encoding} (the best "
                "guess) cannot read; a binary or damaged file? Give a .txt or .html article"
            ) from None
        text = text.replace("\ufffd", "")
        return text, (
            f"{raw.name}: not valid UTF-8 (byte {exc.start}); read it as {encoding} "
            "(a guess by charset-normalizer) — check the text, or convert the file to "
            "UTF-8 first"
        )
