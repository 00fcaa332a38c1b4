"""Operator hazards: a mistyped --db, another application's database, export -o onto
something that is not a regular file. One line on stderr, exit 1, nothing changed."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "1"),
        ("search", "talks"),
        ("status",),
        ("themes",),
        ("export", "articles"),
    ],
)
def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(invoke, tmp_path, args):
    missing = tmp_path / "typo.db"
    result = invoke("--db", str(missing), *args)
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not missing.exists() and not (tmp_path / "typo.db-wal").exists()


def test_commands_that_store_create_the_database_and_say_where(invoke, tmp_path):
    new = tmp_path / "new.db"
    result = invoke("--db", str(new), "init")
    assert result.exit_code == 0 and new.exists() and str(new) in result.stderr


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_another_applications_database_is_refused_and_left_byte_identical(invoke, tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("create table customers (id integer primary key, name text)")
    conn.execute("insert into customers (name) values ('Ada')")
    conn.commit()
    conn.close()
    before = _digest(other)
    for args in (("list",), ("add", "-", "--title", "x")):
        result = invoke("--db", str(other), *args, input="text")
        assert result.exit_code == 1
        assert "another application's SQLite database" in result.stderr
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no -shm


def test_a_file_that_is_not_sqlite_is_refused(invoke, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\n" * 20)
    before = _digest(junk)
    result = invoke("--db", str(junk), "list")
    assert result.exit_code == 1 and "not an SQLite database" in result.stderr
    assert _digest(junk) == before


def test_export_output_refuses_symlinks_and_devices(invoke, tmp_path):
    assert invoke("init").exit_code == 0
    target = tmp_path / "precious.csv"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = invoke("export", "articles", "-o", str(link))
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert link.is_symlink() and target.read_text() == "keep me\n"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = invoke("export", "articles", "-o", str(fifo))
    assert result.exit_code == 1 and "not a regular file" in result.stderr
    result = invoke("export", "articles", "-o", "/dev/null")
    assert result.exit_code == 1 and "not a regular file" in result.stderr


def test_export_dash_is_stdout(invoke, tmp_path):
    assert invoke("init").exit_code == 0
    result = invoke("export", "articles", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("id,")
    assert not (tmp_path / "-").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_database_folder_is_one_line(invoke, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = invoke("--db", str(folder / "x.db"), "init")
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
