"""Every user mistake: one clear line on stderr, non-zero exit, no traceback,
and the database unchanged."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

from monitor.store import texts

SEED = str(SAMPLES / "articles" / "01-asif-obliterate.txt")


def counts(db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    texts.register(conn)  # monitor_text(): the versions view
    try:
        return tuple(
            conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("articles", "versions")
        )
    finally:
        conn.close()


@pytest.fixture
def seeded(invoke, db_path):
    assert invoke("add", SEED).exit_code == 0
    return counts(db_path)


def assert_one_line_error(result, *needles):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.stderr
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1
    for needle in needles:
        assert needle in errors[0], errors[0]


def test_missing_path(invoke, seeded, db_path, tmp_path):
    result = invoke("add", str(tmp_path / "nope.txt"))
    assert_one_line_error(result, "nope.txt", "no such file")
    assert counts(db_path) == seeded


def test_directory(invoke, seeded, db_path, tmp_path):
    result = invoke("add", str(tmp_path))
    assert_one_line_error(result, str(tmp_path), "directory")
    assert counts(db_path) == seeded


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file(invoke, seeded, db_path, tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert_one_line_error(invoke("add", str(path)), "empty.txt", "empty")
    assert counts(db_path) == seeded


def test_binary_file(invoke, seeded, db_path, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    assert_one_line_error(invoke("add", str(path)), "photo.jpg", "binary")
    assert counts(db_path) == seeded


def test_invalid_utf8_is_read_with_fallback_and_said(invoke, db_path, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 talks in Peshawar\n\nThe caf\xe9 was closed.".encode("latin-1"))
    result = invoke("add", str(path))
    assert result.exit_code == 0
    assert "not valid UTF-8" in result.stderr and "latin.txt" in result.stderr
    assert json.loads(invoke("show", "1", "--json").stdout)["title"] == "Café talks in Peshawar"


def test_utf16_with_bom_is_text(invoke, tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("پاکستان اور افغانستان\n\nمذاکرات ناکام ہو گئے۔".encode("utf-16"))
    result = invoke("add", str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(invoke("show", "1", "--json").stdout)["title"] == "پاکستان اور افغانستان"


def test_html_without_article_text(invoke, seeded, db_path, tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><body><nav>Home</nav></body></html>")
    assert_one_line_error(invoke("add", str(path)), "blank.html", "no article text")
    assert counts(db_path) == seeded


@pytest.mark.parametrize("args", [("show", "99"), ("show", "1", "--version", "7")])
def test_unknown_article_or_version(invoke, seeded, args):
    result = invoke(*args)
    assert_one_line_error(result, "article")


@pytest.mark.parametrize(
    "args, needle",
    [
        (("add", SEED, "--published", "last tuesday"), "--published"),
        (("list", "--since", "yesterday-ish"), "--since"),
        (("list", "--until", "2025-13-45"), "--until"),
    ],
)
def test_invalid_dates(invoke, seeded, db_path, args, needle):
    assert_one_line_error(invoke(*args), needle)
    assert counts(db_path) == seeded


def test_invalid_published_header(invoke, seeded, db_path, tmp_path):
    path = tmp_path / "h.txt"
    path.write_text("Title: X\nPublished: soon\n\nBody.")
    assert_one_line_error(invoke("add", str(path)), "h.txt", "Published")
    assert counts(db_path) == seeded


def test_unknown_story(invoke, seeded, db_path):
    path = SAMPLES / "articles" / "02-kabul-strikes.txt"
    assert_one_line_error(invoke("add", str(path), "--story", "nope"), "nope", "stories add")
    assert counts(db_path) == seeded


def test_bad_url(invoke, seeded, db_path):
    assert_one_line_error(invoke("add", SEED, "--url", "not a url"), "--url")
    assert counts(db_path) == seeded


def test_many_sources_one_bad_keeps_the_good(invoke, db_path, tmp_path):
    result = invoke("add", SEED, str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr and "1 of 2" in result.stderr
    assert counts(db_path) == (1, 1)


def test_bad_story_files(invoke, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('slug = "x"\nname = "X"\nrule = "(Iran OR"\n')
    assert_one_line_error(invoke("stories", "add", str(bad)), "bad.toml", "rule")
    broken = tmp_path / "broken.toml"
    broken.write_text('slug = "x\nname = 1')
    assert_one_line_error(invoke("stories", "add", str(broken)), "broken.toml", "TOML")
    assert_one_line_error(invoke("stories", "add", str(tmp_path / "none.toml")), "none.toml")


def test_database_path_is_a_directory(invoke, tmp_path):
    result = invoke("--db", str(tmp_path), "list")
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_not_a_database(invoke, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not SQLite " * 100)
    result = invoke("--db", str(path), "list")
    assert_one_line_error(result, "notes.db")
