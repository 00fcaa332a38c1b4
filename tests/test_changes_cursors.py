"""monitor changes: named cursors move only when asked and only after the output was
written; new articles are those first seen in the window; --quiet stays silent."""

from __future__ import annotations

import json
from datetime import timedelta

from conftest import add_article

from monitor import api, lock
from monitor.store import cursors
from monitor.text.timeutil import iso, parse_datetime, utcnow


def ago(**kw) -> str:
    return iso(utcnow() - timedelta(**kw))


def add(db, url, title, published, observed, **kw):
    return add_article(
        db, url, title, "Text of " + title, published=published, observed=observed, **kw
    )


def report(invoke, *args):
    result = invoke("changes", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(data):
    return [a["id"] for a in data["new_articles"]["top"]]


def test_new_articles_are_those_first_seen_in_the_window(db, invoke):
    """Regression: articles were windowed by published date, so one fetched late but
    published early never appeared in any digest."""
    late = add(db, "https://x/late", "Backfilled", ago(days=30), ago(hours=1)).article_id
    add(db, "https://x/early", "Seen long ago", ago(hours=2), ago(days=3))
    data = report(invoke, "--since", "24h")
    assert ids(data) == [late]
    (row,) = data["new_articles"]["top"]
    assert row["published_at"][:10] == ago(days=30)[:10]  # shown beside it
    assert row["url"] == "https://x/late" and row["source"] == "Dawn"
    text = invoke("changes", "--since", "24h").stdout
    assert f"published {ago(days=30)[:10]}" in text and "https://x/late" in text


def test_two_cursors_advance_independently(db, invoke):
    first = add(db, "https://x/1", "First", None, ago(hours=3)).article_id
    a1 = report(invoke, "--cursor", "daily")
    assert ids(a1) == [first] and a1["window"]["cursor"] == "daily"
    assert cursors.position(db, "daily") == a1["window"]["until"]
    assert cursors.position(db, "hourly") is None
    # the same window is not reported twice by one cursor ...
    assert ids(report(invoke, "--cursor", "daily")) == []
    # ... while another cursor's first run still sees it
    assert ids(report(invoke, "--since", "@hourly")) == [first]
    assert cursors.position(db, "hourly") is not None
    # an article seen after both cursors' position is reported once by each
    cursors.advance(db, "daily", ago(hours=2))  # (advance never moves back: a new cursor)
    db.execute("update cursors set position = ? where name in ('daily', 'hourly')", [ago(hours=2)])
    second = add(db, "https://x/2", "Second", None, ago(hours=1)).article_id
    assert ids(report(invoke, "--cursor", "daily")) == [second]
    assert ids(report(invoke, "--cursor", "daily")) == []
    assert ids(report(invoke, "--cursor", "hourly")) == [second]


def test_consecutive_cursor_windows_tile_time(db, invoke):
    before = ago(hours=5)
    db.execute(
        "insert into cursors (name, position, updated_at) values ('c', ?, ?)", [before, before]
    )
    w = report(invoke, "--cursor", "c")["window"]
    assert parse_datetime(w["since"]) == parse_datetime(before) + timedelta(seconds=1)
    assert parse_datetime(w["until"]) < utcnow()  # the settled present: a second ago
    nxt = report(invoke, "--cursor", "c")["window"]
    assert parse_datetime(nxt["since"]) == parse_datetime(w["until"]) + timedelta(seconds=1)


def test_interactive_runs_leave_cursors_alone(db, invoke):
    add(db, "https://x/1", "First", None, ago(hours=3))
    report(invoke, "--cursor", "daily")
    before = cursors.position(db, "daily")
    for args in (
        (),
        ("--since", "60d"),
        ("--since", "7d", "--format", "markdown"),
        ("--since", "2026-01-01", "--until", "2026-01-02"),
    ):
        assert invoke("changes", *args).exit_code == 0
    assert cursors.list_cursors(db) == [
        {
            "name": "daily",
            "position": before,
            "updated_at": cursors.list_cursors(db)[0]["updated_at"],
        }
    ]


def _broken_pipe(report):
    raise BrokenPipeError(32, "Broken pipe")


def test_a_failed_write_does_not_move_the_cursor(db, db_path, invoke, tmp_path):
    add(db, "https://x/1", "First", None, ago(hours=3))
    (tmp_path / "afile").write_text("x")
    for target in (tmp_path / "missing" / "digest.md", tmp_path / "afile" / "digest.md"):
        result = invoke("changes", "--cursor", "daily", "-o", str(target), "--format", "markdown")
        assert result.exit_code != 0
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
        assert cursors.position(db, "daily") is None
    good = tmp_path / "digest.md"
    assert (
        invoke("changes", "--cursor", "daily", "-o", str(good), "--format", "markdown").exit_code
        == 0
    )
    assert "First" in good.read_text() and cursors.position(db, "daily") is not None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    # a broken standard output (the pipe's reader gone) does not move it either
    before = cursors.position(db, "daily")
    earlier = ago(hours=4)
    db.execute("update cursors set position = ?", [earlier])
    with api.open(db_path) as m:
        try:
            m.changes(cursor="daily", deliver=_broken_pipe)
        except BrokenPipeError:
            pass
    assert cursors.position(db, "daily") == earlier != before


def test_quiet_prints_nothing_when_nothing_changed(db, invoke):
    result = invoke("changes", "--cursor", "daily", "--quiet", "--format", "markdown")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert cursors.position(db, "daily") is not None  # the empty window was reported
    db.execute("update cursors set position = ?", [ago(hours=2)])
    add(db, "https://x/1", "Something new", None, ago(hours=1))
    result = invoke("changes", "--cursor", "daily", "--quiet", "--format", "markdown")
    assert result.exit_code == 0 and "Something new" in result.stdout
    assert invoke("changes", "--cursor", "daily", "--quiet").stdout == ""


def test_cursor_options_are_checked(db, invoke):
    result = invoke("changes", "--cursor", "daily", "--until", "2026-01-01")
    assert result.exit_code == 2 and "--until" in result.stderr
    result = invoke("changes", "--cursor", "bad name!")
    assert result.exit_code == 1 and "cursor" in result.stderr
    result = invoke("changes", "--since", "@a", "--cursor", "b")
    assert result.exit_code == 1 and "one cursor" in result.stderr
    assert cursors.list_cursors(db) == []


def test_a_running_fetch_ends_a_cursor_window_before_it_began(db, db_path):
    """A fetch stamps its rows with its start time and commits them later: a cursor
    window ending after that start would skip them for good."""
    started = ago(minutes=10)
    db.execute(
        "insert into runs (command, started_at, status) values ('fetch', ?, 'running')", [started]
    )
    with lock.exclusive(db_path), api.open(db_path) as m:
        data = m.changes(cursor="daily", deliver=lambda r: None)
    assert parse_datetime(data["window"]["until"]) == parse_datetime(started) - timedelta(seconds=1)
    # without a running fetch the window ends a second ago
    with api.open(db_path) as m:
        data = m.changes(cursor="other")
    assert utcnow() - parse_datetime(data["window"]["until"]) <= timedelta(seconds=3)


def test_a_delivery_that_raises_leaves_the_cursor(db, db_path):
    def broken(report):
        raise OSError("disk full")

    with api.open(db_path) as m:
        try:
            m.changes(cursor="daily", deliver=broken)
        except OSError:
            pass
    assert cursors.position(db, "daily") is None


def test_the_bookmark_of_older_releases_continues_as_cursor_changes(db, invoke):
    """A database upgraded from the single bookmark keeps it as the cursor 'changes'."""
    old = ago(hours=2)
    db.execute(
        "insert into cursors (name, position, updated_at) values ('changes', ?, ?)", [old, old]
    )
    w = report(invoke, "--since", "@changes")["window"]
    assert parse_datetime(w["since"]) == parse_datetime(old) + timedelta(seconds=1)
    assert report(invoke)["window"]["from"] == "default 24h"  # no cursor: the last 24 hours
