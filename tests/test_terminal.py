"""Tables in a real pseudo-terminal at 60, 80 and 120 columns, piped tables, and local
time: identifying columns are never dropped or cut, titles end in an ellipsis."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import click
import pytest
from conftest import ROOT, add_article
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")

LONG = "Pakistan and Afghanistan agree to extend the ceasefire " * 4
URDU = (
    "پاکستان اور افغانستان کے درمیان جنگ بندی میں توسیع پر اتفاق، مذاکرات کا اگلا دور استنبول میں"
)
CJK = "巴基斯坦与阿富汗同意延长停火协议并在伊斯坦布尔举行下一轮谈判巴基斯坦与阿富汗同意延长停火"


def run_in_pty(
    args: list[str], columns: int, env: dict[str, str], rows: int = 50
) -> tuple[int, str]:
    """Run ``monitor ARGS`` with a pseudo-terminal of ``columns`` as its stdin, stdout
    and stderr; its exit code and everything it wrote (escapes removed, \\n lines)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=60)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return code, ANSI.sub("", text)


@pytest.fixture
def newsroom(db, db_path: Path) -> dict[str, str]:
    """Twelve articles (two-digit ids), with a long, an Urdu and a CJK headline."""
    titles = [f"Short headline {n}" for n in range(9)] + [LONG, URDU, CJK]
    for n, title in enumerate(titles):
        add_article(
            db,
            f"https://example.com/a{n}",
            title,
            f"Body text of article {n}. " * 5,
            source="The Very Long Outlet Name Daily" if n % 2 else "Dawn",
            published=f"2025-11-{n + 1:02d}T21:30:00Z",
        )
    add_article(db, "https://example.com/a9", LONG, "Body text, edited. " * 5, source="Dawn")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update(MONITOR_DB=str(db_path), PYTHONPATH=str(ROOT), TZ="UTC", TERM="xterm-256color")
    return env


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\s*\d+\s", line)]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_in_a_terminal_keeps_id_date_and_versions(newsroom, columns) -> None:
    code, text = run_in_pty(["list"], columns, newsroom)
    assert code == 0, text
    lines = table_lines(text)
    assert len(lines) == 12, text
    for line in text.splitlines():
        assert cell_len(line) <= columns, (columns, line)
    ids = set()
    for line in lines:
        found = re.match(r"\s*(\d+)\s+(\d{4}-\d\d-\d\d)\s+(\d+)\s", line)
        assert found, (columns, line)  # id, date and version count whole, in that order
        ids.add(int(found.group(1)))
    assert ids == set(range(1, 13))
    assert "date (UTC)" in text
    edited = next(line for line in lines if line.split()[0] == "10")
    assert edited.split()[2] == "2"  # two versions
    for title in (LONG, URDU, CJK):
        # every long title is cut with an ellipsis, never lost whole
        assert any(title[:8] in line and line.rstrip().endswith("…") for line in lines), title


def test_wide_shows_titles_whole_by_wrapping(newsroom) -> None:
    code, text = run_in_pty(["list", "--wide"], 80, newsroom)
    assert code == 0, text
    flat = re.sub(r"\s+", "", text)
    for title in (LONG, URDU, CJK):
        assert re.sub(r"\s+", "", title) in flat
    assert "…" not in text
    assert all(cell_len(line) <= 80 for line in text.splitlines())


def test_feeds_stories_themes_status_fit(newsroom) -> None:
    """At 60, 80 and 120 columns (one database: the feeds added and fetched once)."""
    samples = ROOT / "samples"
    for feed in sorted((samples / "feeds").glob("*.xml")) + sorted(
        (samples / "feeds").glob("*.atom")
    ):
        code, text = run_in_pty(
            ["feeds", "add", str(feed), "--story", "pakistan-taliban"], 60, newsroom
        )
        assert code == 0, text
    run_in_pty(["fetch", "--quiet"], 60, newsroom)
    for columns in (60, 80, 120):
        code, text = run_in_pty(["feeds", "list"], columns, newsroom)
        assert code == 0, text
        lines = table_lines(text)
        assert [line.split()[:2] for line in lines] == [["1", "ok"], ["2", "ok"]], text
        code, text = run_in_pty(["stories", "list"], columns, newsroom)
        assert "pakistan-taliban" in text, text  # the slug whole
        code, text = run_in_pty(["themes", "--story", "pakistan-taliban"], columns, newsroom)
        assert code == 0, text
        assert re.search(r"\d{4}-\d\d-\d\d\s+\d{4}-\d\d-\d\d\s+[▁▂▃▄▅▆▇█ ]+", text), text
        code, text = run_in_pty(["status"], columns, newsroom)
        assert re.search(r"^\s*\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d\s", text, re.M), text
        for command in (["feeds", "list"], ["stories", "list"], ["themes"], ["status"]):
            _, text = run_in_pty(command, columns, newsroom)
            assert all(cell_len(line) <= columns for line in text.splitlines()), (command, text)


def test_piped_tables_are_plain_and_the_same_at_any_terminal_width(newsroom) -> None:
    outputs = set()
    for columns in ("60", "200"):
        env = {**newsroom, "COLUMNS": columns}
        done = subprocess.run(
            [sys.executable, "-m", "monitor", "list"],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "\x1b[" not in done.stdout
        outputs.add(done.stdout)
    (text,) = outputs
    assert max(cell_len(line) for line in text.splitlines()) <= 100
    assert text.splitlines()[1].startswith("---")


def test_tsv_is_one_row_a_line(invoke, newsroom) -> None:
    result = invoke("list", "--tsv")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "url", "title"]
    assert len(lines) == 13 and all(
        len(line.split("\t")) == len(lines[0].split("\t")) for line in lines
    )
    assert any(URDU in line for line in lines)


def test_local_time_with_the_zone_named_and_utc_on_request(newsroom) -> None:
    """An article published 21:30 UTC on 9 Nov is dated 10 Nov in Karachi (UTC+5)."""
    karachi = {**newsroom, "TZ": "Asia/Karachi"}
    _, text = run_in_pty(["list", "--limit", "0"], 120, karachi)
    assert "date (PKT)" in text
    row = next(line for line in table_lines(text) if line.split()[0] == "9")
    assert row.split()[1] == "2025-11-10"
    _, text = run_in_pty(["list", "--utc"], 120, karachi)
    row = next(line for line in table_lines(text) if line.split()[0] == "9")
    assert "date (UTC)" in text and row.split()[1] == "2025-11-09"
    # --utc after the command too, and JSON stays UTC ISO whatever the zone
    _, text = run_in_pty(["list", "--json", "--limit", "0"], 120, karachi)
    assert json.loads(text[text.index("[") :])[0]["dated_at"].endswith("Z")


def test_limit_has_one_default_and_zero_means_all(invoke, newsroom) -> None:
    from monitor.cli.app import DEFAULT_LIMIT

    few = invoke("list", "--json", "--limit", "3")
    assert len(json.loads(few.stdout)) == 3
    assert "showing the first 3; --limit 0 shows them all" in few.stderr
    assert len(json.loads(invoke("list", "--json", "--limit", "0").stdout)) == 12
    from monitor.cli import cli

    for path in (["list"], ["search"], ["feeds", "list"], ["stories", "list"], ["status"]):
        command = cli
        for name in path:
            command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        limit = next(p for p in command.params if p.name == "limit")
        assert limit.default == DEFAULT_LIMIT, path


def test_show_in_local_time_and_utc(invoke, newsroom, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    try:
        local = invoke("show", "9").stdout
        utc = invoke("show", "9", "--utc").stdout
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "published: 2025-11-10 02:30 PKT" in local
    assert "published: 2025-11-09 21:30 UTC" in utc


_ascii = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    headers=st.lists(_ascii.filter(bool), min_size=1, max_size=5),
    rows=st.lists(st.lists(_ascii, min_size=5, max_size=5), min_size=1, max_size=4),
    wide=st.sampled_from([None, 0, 1, 2, "url"]),
    total=st.integers(min_value=1, max_value=160),
)
def test_plain_ascii_tables_print_as_rich_prints_them(headers, rows, wide, total) -> None:
    """The table written without rich (printable ASCII, no colour, titles cut) is the
    one rich writes: the fast path of ``monitor list``'s start-up changes no byte."""
    import io

    from monitor.render import rows as output

    keys = [f"k{i}" for i in range(len(headers))]
    if wide == "url":
        keys[-1] = "url"
    columns = list(zip(keys, headers, strict=True))
    cells = [{k: output.safetext.line(v) for k, v in zip(keys, row, strict=False)} for row in rows]
    key = keys[wide] if isinstance(wide, int) and wide < len(keys) else ("url" if wide else None)
    if not output._plain_ascii(cells, dict(columns)):
        assert any("[" in h for h in headers)  # rich reads headers as markup: left to it
        return
    plain, rich = io.StringIO(), io.StringIO()
    shown = output._print_plain(cells, columns, plain, key, ("k0",), total)
    assert shown in (
        None,
        output._print_rich(cells, columns, rich, key, ("k0",), total, False, False),
    )
    if shown is None:  # wider than the terminal: left to rich
        assert plain.getvalue() == ""
    else:
        assert plain.getvalue() == rich.getvalue()


def _loads_rich(env: dict[str, str]) -> tuple[bool, str]:
    code = (
        "import sys; from monitor.cli import main; sys.argv = ['monitor', 'list'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stderr.strip().splitlines()[-1] == "True", done.stdout


def test_list_piped_loads_rich_only_for_titles_beyond_ascii(newsroom, db, db_path) -> None:
    """A piped ``list`` of ASCII titles is written without importing rich (25 ms of
    start-up); Urdu and CJK titles are measured by rich."""
    assert _loads_rich(newsroom)[0]  # it has an Urdu and a CJK headline
    other = db_path.with_name("ascii.db")
    from monitor.store import db as dbmod

    plain = dbmod.connect(other)
    add_article(plain, "https://example.com/p1", "Plain headline", "Body text. " * 5)
    plain.close()
    loaded, out = _loads_rich({**newsroom, "MONITOR_DB": str(other)})
    assert not loaded
    assert "Plain headline" in out
