"""monitor fetch against a real HTTP server on 127.0.0.1 (pytest-httpserver).

Only what fetch does with a response is tested here (stored articles, feed
state, back-off, exit codes); the HTTP client's own behaviour has its own tests.
"""

from __future__ import annotations

from datetime import timedelta

from feed_helpers import Item, fetch, items, rss
from werkzeug import Response

from monitor import schedule
from monitor.store import feeds as feedstore
from monitor.text.timeutil import iso, parse_datetime, utcnow
from monitor.themes import stories

XML = "application/rss+xml"


def feed_row(db, feed_id=1):
    return db["feeds"].get(feed_id)


def count(db, table):
    return db[table].count


def test_200_stores_entries_and_validators(db, httpserver):
    httpserver.expect_request("/feed").respond_with_data(
        rss(items(3)),
        content_type=XML,
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 20 Oct 2025 08:00:00 GMT"},
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert (report.feeds_ok, report.new_articles, report.exit_code) == (1, 3, 0)
    row = feed_row(db)
    assert row["etag"] == '"v1"'
    assert row["last_modified"] == "Mon, 20 Oct 2025 08:00:00 GMT"
    assert (row["last_status"], row["error_count"], row["entries_seen"]) == (200, 0, 3)
    assert row["title"] == "Test feed"
    article = next(db.query("select * from articles where guid = 'feed1:a-1'"))
    assert article["feed_id"] == 1 and article["source"] == "Test feed"
    assert article["published_at"] == "2025-10-20T07:15:00Z"
    version = next(db.query("select * from versions where id = 1"))
    assert version["origin"] == "feed" and "Torkham" in version["text"]


def test_304_sends_validators_and_stores_nothing(db, httpserver):
    url = httpserver.url_for("/feed")
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss(items(2)),
        content_type=XML,
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 20 Oct 2025 08:00:00 GMT"},
    )
    httpserver.expect_ordered_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 20 Oct 2025 08:00:00 GMT"},
    ).respond_with_data("", status=304)
    feedstore.add_feed(db, url)
    fetch(db)
    second = fetch(db)
    httpserver.check_assertions()
    assert second.feeds[0].not_modified and second.new_articles == 0 and second.exit_code == 0
    row = feed_row(db)
    assert row["last_status"] == 304 and row["etag"] == '"v1"' and row["entries_seen"] == 2
    assert count(db, "articles") == 2


def test_404_is_recorded_and_backed_off(db, httpserver):
    httpserver.expect_request("/gone-missing").respond_with_data("nope", status=404)
    feedstore.add_feed(db, httpserver.url_for("/gone-missing"))
    before = utcnow()
    report = fetch(db)
    assert report.feeds_failed == 1 and report.exit_code == 4  # the only feed failed
    row = feed_row(db)
    assert row["last_status"] == 404 and "404" in row["last_error"]
    assert row["error_count"] == 1 and row["active"] == 1
    assert parse_datetime(row["next_fetch_at"]) >= before + timedelta(minutes=15)
    assert feedstore.due_feeds(db) == []  # not retried at the next cron run
    assert count(db, "articles") == 0


def test_410_deactivates_the_feed(db, httpserver):
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds_failed == 1
    assert any("410" in note for note in report.feeds[0].notes)
    row = feed_row(db)
    assert row["active"] == 0 and "deactivated" in row["last_error"]
    db["feeds"].update(1, {"next_fetch_at": None})
    assert feedstore.due_feeds(db) == []


def test_500_counts_errors_and_backs_off_exponentially(db, httpserver):
    httpserver.expect_request("/feed").respond_with_data("boom", status=500)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    delays = []
    for _ in range(3):
        start = utcnow()
        fetch(db, feed="1")  # --feed fetches it even while backed off
        row = feed_row(db)
        delays.append(parse_datetime(row["next_fetch_at"]) - start)
    assert row["error_count"] == 3 and row["last_status"] == 500 and "500" in row["last_error"]
    assert [round(d.total_seconds() / 60) for d in delays] == [15, 30, 60]
    assert schedule.backoff(20) == timedelta(hours=24)  # capped at a day


def test_success_after_failures_resets_the_error_count(db, httpserver):
    httpserver.expect_ordered_request("/feed").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/feed").respond_with_data(rss(items(1)), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    fetch(db)
    fetch(db, feed="1")
    row = feed_row(db)
    assert (row["error_count"], row["last_error"], row["last_status"]) == (0, None, 200)


def test_html_page_instead_of_a_feed_is_an_error(db, httpserver):
    page = b"<!DOCTYPE html><html><head><title>403</title></head><body><h1>Request blocked</h1></body></html>"
    httpserver.expect_request("/feed").respond_with_data(page, content_type="text/html")
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds[0].error == "not a feed: looks like an HTML page"
    assert feed_row(db)["error_count"] == 1 and count(db, "articles") == 0


def test_empty_body_is_an_error(db, httpserver):
    httpserver.expect_request("/feed").respond_with_data(b"", content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds[0].error == "empty response: no feed"
    assert feed_row(db)["last_error"] == "empty response: no feed"


def test_malformed_xml_with_entries_is_kept_with_a_warning(db, httpserver):
    body = rss(items(2)).replace(b"</channel></rss>", b"<item><title>broken & unclosed")
    httpserver.expect_request("/feed").respond_with_data(body, content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds[0].ok and report.new_articles >= 2
    assert report.feeds[0].warning and "malformed XML" in report.feeds[0].warning
    row = feed_row(db)
    assert row["error_count"] == 0 and row["last_error"].startswith("warning: ")


def test_duplicate_guids_within_one_feed(db, httpserver):
    body = rss(
        [
            Item("same", "Pakistan Taliban one", link="https://news.example/one"),
            Item("same", "Pakistan Taliban two", link="https://news.example/two"),
            Item("twice", "Pakistan Taliban three", link="https://news.example/three"),
            Item("twice", "Pakistan Taliban three", link="https://news.example/three"),
        ]
    )
    httpserver.expect_request("/feed").respond_with_data(body, content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    assert fetch(db).new_articles == 3
    assert fetch(db, feed="1").new_articles == 0  # and again: nothing merged or doubled
    titles = sorted(r["title"] for r in db.query("select title from versions"))
    assert titles == ["Pakistan Taliban one", "Pakistan Taliban three", "Pakistan Taliban two"]


def test_title_change_between_fetches_is_a_new_version(db, httpserver):
    first = Item("g1", "Pakistan warns Taliban", link="https://news.example/warn")
    second = Item("g1", "Pakistan warns Taliban of 'open war'", link="https://news.example/warn")
    httpserver.expect_ordered_request("/feed").respond_with_data(rss([first]), content_type=XML)
    httpserver.expect_ordered_request("/feed").respond_with_data(rss([second]), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    assert fetch(db).new_articles == 1
    report = fetch(db)
    assert (report.new_articles, report.new_versions) == (0, 1)
    article = db["articles"].get(1)
    assert article["version_count"] == 2
    assert [v["title"] for v in db.query("select title from versions order by number")] == [
        first.title,
        second.title,
    ]


def test_permanent_redirect_updates_the_stored_url(db, httpserver):
    new_url = httpserver.url_for("/new-feed")
    httpserver.expect_request("/old-feed").respond_with_response(
        Response(status=301, headers={"Location": new_url})
    )
    httpserver.expect_request("/new-feed").respond_with_data(rss(items(1)), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/old-feed"))
    report = fetch(db)
    assert report.feeds[0].ok and report.new_articles == 1
    assert feed_row(db)["url"] == new_url
    assert any("moved permanently" in note for note in report.feeds[0].notes)


def test_temporary_redirect_keeps_the_stored_url(db, httpserver):
    httpserver.expect_request("/old-feed").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    httpserver.expect_request("/elsewhere").respond_with_data(rss(items(1)), content_type=XML)
    old = httpserver.url_for("/old-feed")
    feedstore.add_feed(db, old)
    fetch(db)
    assert feed_row(db)["url"] == old


def test_same_entry_in_two_feeds_is_one_article(db, httpserver):
    shared = Item("x-1", "Pakistan and Taliban agree talks", link="https://news.example/talks")
    httpserver.expect_request("/a").respond_with_data(rss([shared], title="A"), content_type=XML)
    other = Item("other-guid", shared.title, summary="A shorter summary of Pakistan Taliban talks.",
                 link="https://news.example/talks?utm_source=feed")  # fmt: skip
    httpserver.expect_request("/b").respond_with_data(rss([other], title="B"), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/a"))
    feedstore.add_feed(db, httpserver.url_for("/b"))
    for _ in range(2):  # and again: the two summaries never flip the article's version
        fetch(db, jobs=2)
    assert count(db, "articles") == 1
    assert db["articles"].get(1)["version_count"] == 1


def test_story_rule_filters_entries(db, httpserver):
    body = rss(
        [
            Item("1", "Pakistan strikes TTP hideouts in Afghanistan", link="https://news.example/1"),
            Item("2", "Cricket: Lahore final rained off", summary="Rain in Lahore.", link="https://news.example/2"),
        ]
    )  # fmt: skip
    httpserver.expect_request("/feed").respond_with_data(body, content_type=XML)
    stories.ensure_builtin(db)
    feedstore.add_feed(db, httpserver.url_for("/feed"), story="pakistan-taliban")
    report = fetch(db)
    assert (report.feeds[0].entries, report.feeds[0].kept, report.new_articles) == (2, 1, 1)
    assert db["articles"].get(1)["story"] == "pakistan-taliban"


def test_partial_failure_exit_code_and_failures_listed(db, httpserver, invoke):
    httpserver.expect_request("/ok").respond_with_data(rss(items(1)), content_type=XML)
    httpserver.expect_request("/bad").respond_with_data("nope", status=404)
    feedstore.add_feed(db, httpserver.url_for("/ok"))
    feedstore.add_feed(db, httpserver.url_for("/bad"))
    result = invoke("fetch", "--quiet", "--jobs", "1")
    assert result.exit_code == 3
    assert f"failed: {httpserver.url_for('/bad')}: " in result.stderr
    assert "fetched 2 feeds (1 failed), 1 new articles, 0 new versions" in result.stderr
    assert result.stdout == ""
    run = db["runs"].get(1)
    assert (run["status"], run["feeds_ok"], run["feeds_failed"], run["new_articles"]) == (
        "partial",
        1,
        1,
        1,
    )


def test_quiet_prints_nothing_when_all_is_well(db, httpserver, invoke):
    httpserver.expect_request("/ok").respond_with_data(rss(items(2)), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/ok"))
    result = invoke("fetch", "--quiet")
    assert result.exit_code == 0 and result.stderr == "" and result.stdout == ""
    loud = invoke("fetch", "--feed", "1")
    assert loud.exit_code == 0 and "fetched 1 feed, 0 new articles" in loud.stderr


def test_failing_feeds_in_status(db, httpserver, invoke):
    httpserver.expect_request("/bad").respond_with_data("boom", status=404)
    feedstore.add_feed(db, httpserver.url_for("/bad"))
    invoke("fetch")
    result = invoke("status")
    assert result.exit_code == 0
    assert "failing feeds:" in result.stdout and "404" in result.stdout
    assert "failed" in result.stdout.splitlines()[2]  # the run's status


def test_not_due_feeds_are_skipped(db, httpserver, invoke):
    feedstore.add_feed(db, httpserver.url_for("/never-requested"))
    db["feeds"].update(1, {"next_fetch_at": iso(utcnow() + timedelta(hours=1))})
    result = invoke("fetch")
    assert result.exit_code == 0 and "no feed due yet" in result.stderr
    assert len(httpserver.log) == 0


def test_plain_guids_are_scoped_to_their_feed(db, httpserver):
    a = Item("1001", "Pakistan Taliban story on site A", link="https://a.example/story")
    b = Item("1001", "Pakistan Taliban story on site B", link="https://b.example/other")
    httpserver.expect_request("/a").respond_with_data(rss([a]), content_type=XML)
    httpserver.expect_request("/b").respond_with_data(rss([b]), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/a"))
    feedstore.add_feed(db, httpserver.url_for("/b"))
    for _ in range(2):
        fetch(db)
    rows = list(db.query("select guid, version_count from articles order by id"))
    assert rows == [
        {"guid": "feed1:1001", "version_count": 1},
        {"guid": "feed2:1001", "version_count": 1},
    ]


def test_an_entry_that_cannot_be_stored_is_rolled_back_alone_and_the_run_goes_on(db, httpserver):
    httpserver.expect_request("/a").respond_with_data(rss(items(2, "a")), content_type=XML)
    httpserver.expect_request("/b").respond_with_data(rss(items(2, "b")), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/a"))
    feedstore.add_feed(db, httpserver.url_for("/b"))
    # a trigger that fails the second article of feed 1 half way through its transaction
    db.execute(
        """create trigger fail_a1 before insert on articles when new.guid = 'feed1:a-1'
           begin select raise(abort, 'simulated failure'); end"""
    )
    report = fetch(db)
    assert [(f.ok, f.new_articles, f.skipped) for f in report.feeds] == [(True, 1, 1), (True, 2, 0)]
    assert "simulated failure" in report.feeds[0].skip_reasons[0] and report.exit_code == 0
    assert db["articles"].count == 3  # only the failing entry was rolled back
    assert feed_row(db, 1)["error_count"] == 0


def test_feed_sighting_never_replaces_a_hand_added_article(db, httpserver, invoke, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Title: Pakistan warns Taliban\nURL: https://news.example/warn\n\n"
        "The full text of the article, as added by hand, about Pakistan and the Taliban.\n"
    )
    assert invoke("add", str(article)).exit_code == 0
    item = Item(
        "g1", "Pakistan warns Taliban", summary="A short summary.", link="https://news.example/warn"
    )
    httpserver.expect_request("/feed").respond_with_data(rss([item]), content_type=XML)
    stories.ensure_builtin(db)
    feedstore.add_feed(db, httpserver.url_for("/feed"), story="pakistan-taliban")
    report = fetch(db)
    assert (report.new_articles, report.new_versions, report.feeds[0].seen) == (0, 0, 1)
    row = db["articles"].get(1)
    assert row["version_count"] == 1 and row["story"] == "pakistan-taliban"
    assert "as added by hand" in next(db.query("select * from versions where id = 1"))["text"]


def test_entry_seen_in_another_feed_under_another_link_is_found_by_its_guid(db, httpserver):
    """A global GUID already stored from another feed is that article: this sighting
    (another link, another summary) adds no version (the per-feed key lookup must
    look at GUIDs too)."""
    guid = "tag:news.example,2025:talks"
    first = Item(guid, "Pakistan and Taliban agree talks", link="https://a.example/talks")
    second = Item(guid, first.title, summary="Another outlet's summary of the Pakistan talks.",
                  link="https://b.example/story/talks")  # fmt: skip
    httpserver.expect_request("/a").respond_with_data(rss([first], title="A"), content_type=XML)
    httpserver.expect_request("/b").respond_with_data(rss([second], title="B"), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/a"))
    feedstore.add_feed(db, httpserver.url_for("/b"))
    report = fetch(db, jobs=1)
    assert (report.new_articles, report.new_versions) == (1, 0)
    assert [f.seen for f in report.feeds] == [0, 1]
    assert db["articles"].get(1)["version_count"] == 1


def test_known_articles_says_new_only_when_find_article_finds_nothing(db):
    from monitor import ingest
    from monitor.ingest import KnownArticles, Observation

    stored = Observation("T", "text", "feed", url="https://x.example/1", guid="tag:x,1")
    ingest.store(db, stored)
    same_key = Observation("T", "other", "feed", url="https://x.example/1?utm_source=rss")
    same_guid = Observation("T", "other", "feed", url="https://x.example/2", guid="tag:x,1")
    fresh = Observation("N", "new", "feed", url="https://x.example/3", guid="tag:x,3")
    with db.atomic():
        known = KnownArticles(db, [same_key, same_guid, fresh])
    for obs in (same_key, same_guid, fresh):
        assert known.surely_new(obs) is (ingest.find_article(db, obs) is None)
    assert known.surely_new(fresh)
    known.add(fresh)
    assert not known.surely_new(fresh)
    later = Observation("N", "new", "feed", url="https://x.example/4", guid="tag:x,3")
    assert not known.surely_new(later)


def test_one_bad_entry_is_skipped_and_counted_the_others_stored(db, httpserver, monkeypatch):
    """Regression: one entry that could not be stored failed the whole feed (and the
    feed backed off while its good entries rolled off)."""
    from monitor import ingest

    httpserver.expect_request("/feed").respond_with_data(
        rss(
            [
                Item("g1", "Pakistan and Taliban talks resume", link="https://news.example/1"),
                Item("g2", "Poisoned entry", link="http://example.com:99999/x"),
                Item("g3", "Torkham border reopens", link="https://news.example/3"),
            ]
        ),
        content_type=XML,
    )
    real = ingest.store

    def store(db, obs, **kw):
        if obs.title == "Poisoned entry":
            raise ValueError("something no one foresaw")
        return real(db, obs, **kw)

    monkeypatch.setattr(ingest, "store", store)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds_failed == 0 and report.new_articles == 2
    assert (
        report.feeds[0].skipped == 1
        and "something no one foresaw" in report.feeds[0].skip_reasons[0]
    )
    assert "1 entries skipped" in report.summary()
    row = feed_row(db)
    assert row["error_count"] == 0 and "1 entries skipped" in row["last_error"]
    run = db["runs"].get(report.run_id)
    assert '"skipped": 1' in run["errors"]


def test_an_entry_link_with_a_bad_port_does_not_cost_the_feed(db, httpserver):
    httpserver.expect_request("/feed").respond_with_data(
        rss(
            [
                Item("g1", "Pakistan and Taliban talks resume", link="https://news.example/1"),
                Item("g2", "A link with a bad port", link="http://example.com:99999/x"),
            ]
        ),
        content_type=XML,
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db)
    assert report.feeds_failed == 0 and report.new_articles == 2


def test_entries_a_story_rule_drops_are_counted_and_listed(db, httpserver, invoke):
    httpserver.expect_request("/feed").respond_with_data(
        rss(
            [
                Item("g1", "Pakistan and Taliban talks resume", link="https://news.example/1"),
                Item(
                    "g2",
                    "Cricket: Lahore win the final",
                    summary="A cricket match.",
                    link="https://news.example/2",
                ),
                Item(
                    "g3",
                    "Stock markets rally",
                    summary="Shares rose.",
                    link="https://news.example/3",
                ),
            ]
        ),
        content_type=XML,
    )
    stories.ensure_builtin(db)
    feedstore.add_feed(db, httpserver.url_for("/feed"), story="pakistan-taliban")
    report = fetch(db)
    assert report.feeds[0].dropped == 2 and "2 entries dropped by story rules" in report.summary()
    result = invoke("feeds", "rejected", "1")
    assert result.exit_code == 0
    assert (
        "Stock markets rally" in result.stdout and "Cricket: Lahore win the final" in result.stdout
    )
    assert "talks resume" not in result.stdout
    fetch(db)  # the same headlines again are not doubled
    assert db["rejected_entries"].count == 2


def _fts_segment_writes(db, run) -> int:
    """How many times the full-text index wrote out a segment while ``run`` ran."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    return sum(1 for sql in seen if "INSERT INTO 'main'.'versions_fts_idx'" in sql)


def test_a_feed_is_indexed_in_one_flush_not_one_an_entry(db, httpserver):
    """FTS5 writes out what it holds when a savepoint opens: a savepoint an entry made
    one index segment an entry, and merging them cost more CPU than the indexing."""
    httpserver.expect_request("/feed").respond_with_data(rss(items(40)), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    writes = _fts_segment_writes(db, lambda: fetch(db))
    assert db["articles"].count == 40
    assert writes <= 3
    hits = db.execute("select count(*) from versions_fts where versions_fts match 'Taliban'")
    assert hits.fetchone()[0] == 40


def test_a_failing_entry_costs_its_feed_one_more_pass_and_nothing_else(db, httpserver):
    """Stored under one savepoint first; when an entry fails, the feed is stored again
    entry by entry: the others stored once each, indexed, and counted once."""
    httpserver.expect_request("/feed").respond_with_data(rss(items(30)), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    db.execute(
        """create trigger fail_a17 before insert on articles when new.guid = 'feed1:a-17'
           begin select raise(abort, 'simulated failure'); end"""
    )
    report = fetch(db)
    assert (report.new_articles, report.feeds[0].skipped, report.feeds[0].seen) == (29, 1, 0)
    assert db["articles"].count == 29 and db["version_rows"].count == 29
    hits = db.execute("select count(*) from versions_fts where versions_fts match 'Taliban'")
    assert hits.fetchone()[0] == 29
    assert "simulated failure" in report.feeds[0].skip_reasons[0]


def test_a_dictionary_trained_in_a_rolled_back_pass_is_not_used_after_it(
    db, db_path, httpserver, monkeypatch
):
    """The text dictionary trained while the feed's first pass stored its entries goes
    with that pass when an entry fails; the texts stored again after it must not be
    packed with it (the codec forgets it), or no other connection could read them."""
    import random

    from monitor.store import db as dbmod
    from monitor.store import texts

    monkeypatch.setattr(texts, "TRAIN_AT", 20)
    monkeypatch.setattr(texts, "TRAIN_EVERY", 20)
    monkeypatch.setattr(texts, "DICT_SIZE", 4096)
    rng = random.Random(7)
    vocabulary = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{n}" for n in range(400)]
    entries = [
        Item(
            f"a-{i}",
            f"Pakistan and Taliban story number {i}",
            summary=" ".join(rng.choices(vocabulary, k=300)),
            link=f"https://news.example/a/{i}",
        )
        for i in range(40)
    ]
    httpserver.expect_request("/feed").respond_with_data(rss(entries), content_type=XML)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    db.execute(
        """create trigger fail_a30 before insert on articles when new.guid = 'feed1:a-30'
           begin select raise(abort, 'simulated failure'); end"""
    )
    report = fetch(db)
    assert (report.new_articles, report.feeds[0].skipped) == (39, 1)
    assert db.execute("select count(*) from text_dicts").fetchone()[0] == 1
    other = dbmod.connect(db_path)  # (a connection that never saw the rolled-back pass)
    stored = {r[0]: r[1] for r in other.execute("select title, text from versions")}
    expected = {e.title: e.summary for e in entries if e.guid != "a-30"}
    assert stored == expected
