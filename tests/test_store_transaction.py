"""Issue 15: a long diff at store time never runs inside the write transaction. The
SQL statements are traced with sqlite3's trace callback, and the pair comparison is
logged into the same trace: it must come before BEGIN IMMEDIATE."""

from __future__ import annotations

import random

from monitor import derive
from monitor.add import AddOptions, add_source
from monitor.analysis import edits
from monitor.store import diffs

WORDS = [
    "river",
    "bridge",
    "council",
    "mayor",
    "traffic",
    "repair",
    "cracks",
    "engineer",
    "town",
    "market",
    "budget",
    "school",
    "harbour",
    "station",
    "police",
    "report",
    "minister",
    "talks",
    "border",
    "army",
    "rain",
    "flood",
    "farm",
    "price",
    "fuel",
    "court",
    "judge",
    "trial",
    "vote",
    "party",
    "election",
    "union",
    "strike",
    "hospital",
    "doctor",
    "nurse",
    "water",
    "power",
]


def long_text(seed: int, chars: int) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        words = [f"{rng.choice(WORDS)}{rng.randrange(10_000)}" for _ in range(60)]
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def test_the_pair_is_compared_before_the_write_transaction(db, tmp_path, monkeypatch):
    url = "https://news.example/long"
    for name, seed in (
        ("v1.txt", 1),
        ("v2.txt", 2),
    ):  # two unrelated 100 KB texts (benchmarks/bench_store_txn.py: 1 MB)
        (tmp_path / name).write_text(
            f"Title: A long report\nURL: {url}\n\n{long_text(seed, 100_000)}", encoding="utf-8"
        )
    assert add_source(db, str(tmp_path / "v1.txt"), AddOptions()).result.status == "new"

    trace: list[str] = []
    compare = edits.pair_row

    def logged(*args, **kwargs):
        trace.append("-- pair compared")
        return compare(*args, **kwargs)

    monkeypatch.setattr(edits, "pair_row", logged)
    db.conn.set_trace_callback(lambda sql: trace.append(sql.strip().split()[0].upper()))
    try:
        result = add_source(db, str(tmp_path / "v2.txt"), AddOptions()).result
    finally:
        db.conn.set_trace_callback(None)
    assert result.status == "updated"
    begin, commit = trace.index("BEGIN"), len(trace) - 1 - trace[::-1].index("COMMIT")
    assert trace.count("-- pair compared") == 1
    assert trace.index("-- pair compared") < begin
    assert "-- pair compared" not in trace[begin:commit]
    # and the pair's row is stored, the same as comparing the stored versions afterwards
    stored = db.execute("select severity, summary from diffs").fetchone()
    again = compare(1, diffs.version(db, 1), diffs.version(db, 2))
    assert (stored[0], stored[1]) == (again["severity"], again["summary"])


def test_a_pair_lost_between_version_and_diff_is_repaired_by_backfill(db, tmp_path):
    url = "https://news.example/short"
    for name, text in (("a.txt", "The bridge will close."), ("b.txt", "The bridge will reopen.")):
        (tmp_path / name).write_text(f"Title: Bridge\nURL: {url}\n\n{text}", encoding="utf-8")
        add_source(db, str(tmp_path / name), AddOptions())
    db.execute("delete from diffs")  # as if a crash came between the version and its pair
    db.execute("insert or ignore into backfills (name) values ('edit_stats')")
    assert derive.backfill(db)["edit_stats"] == 1
    assert db.execute("select count(*) from diffs").fetchone()[0] == 1


def _outside_transactions(trace: list[str], marker: str) -> bool:
    depth = 0
    for entry in trace:
        if entry == "BEGIN":
            depth += 1
        elif entry in ("COMMIT", "ROLLBACK"):
            depth -= 1
        elif entry == marker and depth:
            return False
    return True


def _feed_with_a_changed_summary(db, httpserver):
    from feed_helpers import Item, rss, serve_sequence

    from monitor.store import feeds as feedstore

    first = " ".join(long_text(3, 20_000).split("\n\n"))
    second = " ".join(long_text(4, 20_000).split("\n\n"))
    serve_sequence(
        httpserver,
        "/feed",
        [rss([Item("g1", "Report", summary=first)]), rss([Item("g1", "Report", summary=second)])],
        "application/rss+xml",
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))


def test_a_feeds_new_pairs_are_compared_after_its_transaction(db, httpserver, monkeypatch):
    from feed_helpers import fetch

    _feed_with_a_changed_summary(db, httpserver)
    assert fetch(db).new_articles == 1
    trace: list[str] = []
    compare = edits.pair_row

    def logged(*args, **kwargs):
        trace.append("-- pair compared")
        return compare(*args, **kwargs)

    monkeypatch.setattr(edits, "pair_row", logged)
    db.conn.set_trace_callback(lambda sql: trace.append(sql.strip().split()[0].upper()))
    try:
        report = fetch(db, feed="1")
    finally:
        db.conn.set_trace_callback(None)
    assert report.new_versions == 1
    assert trace.count("-- pair compared") == 1
    assert _outside_transactions(trace, "-- pair compared")
    assert db.execute("select count(*) from diffs").fetchone()[0] == 1
    assert not db.execute("select 1 from backfills where name = 'new_pairs'").fetchall()


def test_a_crash_before_a_feeds_pairs_are_written_is_repaired_on_open(
    db, db_path, httpserver, monkeypatch
):
    from feed_helpers import fetch

    from monitor import api, ingest

    _feed_with_a_changed_summary(db, httpserver)
    fetch(db)
    monkeypatch.setattr(ingest, "store_pairs", lambda db, deferred: 0)  # "dies" after commit
    assert fetch(db, feed="1").new_versions == 1
    assert db.execute("select count(*) from diffs").fetchone()[0] == 0
    assert db.execute("select 1 from backfills where name = 'new_pairs'").fetchall()
    monkeypatch.undo()
    with api.open(db_path) as reopened:
        assert reopened.db.execute("select count(*) from diffs").fetchone()[0] == 1
        assert reopened.db.execute("select count(*) from backfills").fetchone()[0] == 0
