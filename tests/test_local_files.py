"""Local files from outside: FIFOs and devices refused at once, size capped before reading."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.sources import MAX_FILE_BYTES, read_local_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def _in_time(func, seconds: float = 5.0):
    """Run ``func`` in a thread; fail (instead of hanging the suite) if it blocks."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.xml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a named pipe"):
        _in_time(lambda: read_local_file(fifo))


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a character device"):
        _in_time(lambda: read_local_file(Path("/dev/zero")))


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_local_file(tmp_path)


def test_a_file_over_the_cap_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="larger than 20 MB"):
        read_local_file(big)
    small = tmp_path / "small.xml"
    small.write_bytes(b"<rss/>")
    assert read_local_file(small) == b"<rss/>"
    with pytest.raises(InputError, match="larger than"):
        read_local_file(small, max_bytes=3)


def test_add_of_a_fifo_is_one_clear_line(invoke, tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    result = _in_time(lambda: invoke("add", str(fifo)))
    assert result.exit_code == 1
    assert "named pipe" in result.stderr and "Traceback" not in result.stderr


def test_following_a_fifo_says_what_it_is(invoke, tmp_path: Path) -> None:
    # it said "no such file" of a path that exists
    fifo = tmp_path / "feed.xml"
    os.mkfifo(fifo)
    result = _in_time(lambda: invoke("feeds", "add", str(fifo)))
    assert result.exit_code == 1 and "not a regular file" in result.stderr
    assert "no such file" not in result.stderr
