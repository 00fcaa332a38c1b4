"""Hostile input through the commands that print it: shown, never obeyed, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ESC = "\x1b"
TITLE = (
    f"Talks [/bold] resume [link=http://evil.example]x[/link] {ESC}]0;pwned\x07"
    f"{ESC}[2J \u202eevil\u202c end"
)
SOURCE = f"Wire [bold]{ESC}]8;;http://evil.example{ESC}\\Agency{ESC}]8;;{ESC}\\"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BODY = "The delegations met in Doha on Monday to resume the talks that stalled last month."


def _add(invoke, tmp_path: Path, name: str, title: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(
        f"Title: {title}\nURL: https://x.example/a\nSource: {SOURCE}\n"
        f"Published: 2026-11-10\n\n{body}\n",
        encoding="utf-8",
    )
    result = invoke("add", str(path))
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def hostile_article(invoke, tmp_path: Path) -> None:
    _add(invoke, tmp_path, "v1.txt", TITLE, BODY)
    _add(invoke, tmp_path, "v2.txt", TITLE + " v2", BODY + f"\n\nMore {ESC}[31mred{ESC}[0m words.")


def test_list_with_closing_markup_in_a_title_does_not_crash(invoke, hostile_article) -> None:
    result = invoke("list")
    assert result.exit_code == 0, result.stderr
    assert "[/bold]" in result.stdout  # shown literally
    assert not FORBIDDEN.search(result.stdout)
    assert "pwned" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("list", "--csv"),
        ("list", "--nl"),
        ("show", "1"),
        ("search", "delegations"),
        ("diff", "1"),
        ("diff", "1", "--format", "html"),
        ("changes", "--since", "2026-01-01", "--until", "2026-12-31"),
        ("changes", "--since", "2026-01-01", "--until", "2026-12-31", "--format", "markdown"),
    ],
)
def test_commands_print_hostile_text_inert(invoke, hostile_article, args) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    out = result.stdout.replace("\r\n", "\n")
    assert not FORBIDDEN.search(out), args
    if not {"--json", "--nl"} & set(args):  # JSON keeps the data, escaped as \u001b
        assert "pwned" not in out and "8;;http" not in out


def test_a_hostile_feed_and_reason_phrase_through_fetch_and_status(invoke) -> None:
    from hostile_server import HostileServer

    with HostileServer(interval=0.1, max_seconds=10) as server:
        assert invoke("feeds", "add", server.url("/feed")).exit_code == 0
        assert invoke("feeds", "add", "--no-check", server.url("/reason")).exit_code == 0
        fetched = invoke("fetch")
    assert "Traceback" not in fetched.stderr
    for args in (("list",), ("show", "1"), ("status",), ("feeds", "list")):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.stderr)
        for text in (result.stdout, result.stderr):
            assert not FORBIDDEN.search(text), (args, text)
            assert "pwned" not in text, args
    for text in (fetched.stdout, fetched.stderr):
        assert not FORBIDDEN.search(text) and "pwned" not in text
