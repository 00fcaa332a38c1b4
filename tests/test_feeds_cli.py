"""monitor feeds add|list|remove, fetch on local sample feeds, status, the lock."""

from __future__ import annotations

import json

from conftest import SAMPLES

from monitor import lock
from monitor.parse import html_to_text, parse_feed

FRONTIER = str(SAMPLES / "feeds" / "frontier-wire.xml")
KABUL = str(SAMPLES / "feeds" / "kabul-sample-times.atom")


def test_feeds_add_list_remove(invoke):
    added = invoke(
        "feeds", "add", FRONTIER, "--story", "pakistan-taliban", "--name", "Frontier Wire"
    )
    assert added.exit_code == 0, added.stderr
    assert added.stdout.startswith("feed 1: ") and "story pakistan-taliban" in added.stdout
    assert "keeping every entry" in invoke("feeds", "add", KABUL).stdout
    rows = json.loads(invoke("feeds", "list", "--json").stdout)
    assert [(r["id"], r["story"], r["name"], r["active"]) for r in rows] == [
        (1, "pakistan-taliban", "Frontier Wire", 1),
        (2, None, None, 1),
    ]
    assert rows[0]["url"] == str(SAMPLES.resolve() / "feeds" / "frontier-wire.xml")
    table = invoke("feeds", "list")
    assert "frontier-wire.xml" in table.stdout and "new" in table.stdout
    removed = invoke("feeds", "remove", "2")
    assert removed.exit_code == 0 and "removed" in removed.stderr
    again = invoke("feeds", "remove", FRONTIER)  # by path as well as by id
    assert again.exit_code == 0
    assert json.loads(invoke("feeds", "list", "--json").stdout) == []


def test_feeds_add_rejects_bad_input_without_writing(invoke, db):
    cases = [
        (["feeds", "add", "ftp://example.com/feed"], "only http(s) URLs and local files"),
        (["feeds", "add", "no/such/feed.xml"], "no such file"),
        (["feeds", "add", "http://"], "not a valid http(s) URL"),
        (
            ["feeds", "add", FRONTIER, "--story", "no-such-story"],
            "story 'no-such-story': not found",
        ),
    ]
    for args, message in cases:
        result = invoke(*args)
        assert result.exit_code == 1, args
        assert message in result.stderr and "Traceback" not in result.stderr
    assert db["feeds"].count == 0
    invoke("feeds", "add", FRONTIER)
    duplicate = invoke("feeds", "add", FRONTIER)
    assert duplicate.exit_code == 1 and "already followed (id 1)" in duplicate.stderr
    missing = invoke("feeds", "remove", "42")
    assert missing.exit_code == 1 and "feed 42: not found" in missing.stderr


def test_fetch_local_sample_feeds(invoke, db):
    invoke("feeds", "add", FRONTIER, "--story", "pakistan-taliban", "--name", "Frontier Wire")
    invoke("feeds", "add", KABUL)
    first = invoke("fetch", "--jobs", "1")  # deterministic: feed 1 claims the shared article
    assert first.exit_code == 0, first.stderr
    # 3 of 4 Frontier items match the story (not the cricket one); Kabul keeps all 3,
    # one of which is the Frontier article syndicated: 5 articles
    assert "fetched 2 feeds, 5 new articles, 0 new versions" in first.stderr
    assert db["articles"].count == 5
    torkham = next(db.query("select * from articles where url like '%torkham-crossing-shut'"))
    assert torkham["source"] == "Frontier Wire" and torkham["feed_id"] == 1
    second = invoke("fetch")  # unchanged files are "not modified", like a 304
    assert "fetched 2 feeds, 0 new articles" in second.stderr
    assert {r["last_status"] for r in db.query("select last_status from feeds")} == {304}


def test_fetch_with_no_feeds_exits_4(invoke):
    result = invoke("fetch")
    assert result.exit_code == 4
    assert "no feeds to fetch: add one with 'monitor feeds add URL'" in result.stderr


def test_fetch_all_failed_exits_4(invoke, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<html><body>Service unavailable</body></html>")
    refused = invoke("feeds", "add", str(bad))
    assert refused.exit_code == 1 and "an HTML file, not a feed" in refused.stderr
    assert invoke("feeds", "add", "--no-check", str(bad)).exit_code == 0
    result = invoke("fetch", "--quiet")
    assert result.exit_code == 4
    assert f"failed: {bad}: not a feed: looks like an HTML page" in result.stderr


def test_fetch_feed_option_and_inactive_feed(invoke, db):
    invoke("feeds", "add", FRONTIER)
    invoke("feeds", "add", KABUL)
    only = invoke("fetch", "--feed", KABUL)
    assert only.exit_code == 0 and "fetched 1 feed, 3 new articles" in only.stderr
    db["feeds"].update(
        2, {"active": 0, "last_error": "HTTP 410 Gone: the feed is gone; deactivated"}
    )
    inactive = invoke("fetch", "--feed", "2")
    assert inactive.exit_code == 1 and "inactive" in inactive.stderr
    unknown = invoke("fetch", "--feed", "https://nowhere.example/feed")
    assert unknown.exit_code == 1 and "not followed" in unknown.stderr


def test_fetch_while_locked_exits_5(invoke, db_path):
    with lock.exclusive(db_path):
        result = invoke("fetch", "--wait", "0")
    assert result.exit_code == 5
    assert "another 'monitor fetch'" in result.stderr and "is running" in result.stderr


def test_status_lists_runs_and_marks_interrupted_ones(invoke, db):
    invoke("feeds", "add", FRONTIER)
    invoke("fetch")
    db["runs"].insert(
        {"command": "fetch", "started_at": "2026-01-01T00:00:00Z", "status": "running"}
    )
    invoke("fetch")
    data = json.loads(invoke("status", "--json").stdout)
    assert [r["status"] for r in data["runs"]] == ["ok", "interrupted", "ok"]
    assert data["runs"][2]["new_articles"] == 4 and data["failing_feeds"] == []
    table = invoke("status", "--limit", "1")
    assert table.exit_code == 0 and len(table.stdout.strip().splitlines()) == 3


def test_status_before_any_run(invoke):
    assert invoke("init").exit_code == 0
    result = invoke("status")
    assert result.exit_code == 0 and "no fetch has run yet" in result.stderr


def test_parse_rules():
    assert (
        html_to_text("<p>One &amp; two.</p><p>Three<br>four</p>") == "One & two.\n\nThree\n\nfour"
    )
    assert parse_feed(b"  \n").error == "empty response: no feed"
    assert parse_feed(b'{"version": "https://jsonfeed.org/version/1"}').error.startswith(
        "not a feed: looks like JSON"
    )
    empty = parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>')
    assert empty.ok and empty.entries == [] and empty.version == "rss20"
    no_ids = parse_feed(
        b'<rss version="2.0"><channel><item><title>A</title><description>x</description></item>'
        b"<item><title>B</title><link>https://n.example/b</link></item></channel></rss>"
    )
    assert no_ids.entries[0].guid.startswith("sha256:")  # no id, no link: a content hash
    assert no_ids.entries[1].guid == "https://n.example/b"  # no id: the link


def test_fetch_feed_empty_is_an_error_not_every_feed(invoke, db):
    """Regression: `fetch --feed ''` fetched every feed."""
    result = invoke("fetch", "--feed", "")
    assert result.exit_code == 1 and "--feed: empty" in result.stderr


def test_recheck_without_feeds_is_not_a_failure(invoke, db):
    """Regression: --recheck with only URL-added articles exited 4 ("no feeds to fetch")."""
    result = invoke("fetch", "--recheck", "48")
    assert result.exit_code == 0, result.stderr
    assert "no page due a recheck" in result.stderr
