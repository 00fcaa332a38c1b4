"""--full-text and --recheck: article pages from a real 127.0.0.1 server, and the rule
that a feed summary never replaces (or flips with) a page version."""

from __future__ import annotations

from datetime import timedelta

from feed_helpers import Item, fetch, rss, serve_sequence

from monitor.schedule import due_for_recheck
from monitor.store import feeds as feedstore
from monitor.text.timeutil import iso, utcnow

XML = "application/rss+xml"

PARAGRAPHS = [
    "ISLAMABAD: Pakistan's defence minister said on Thursday that talks with the Afghan "
    "Taliban had failed and warned that Islamabad would respond to any attack by the TTP.",
    "The minister told reporters in Islamabad that Kabul had been given evidence of militant "
    "camps across the border and that patience was running out after months of attacks.",
    "A Taliban spokesman in Kabul rejected the claims and said Afghanistan wanted good "
    "relations with its neighbour, but would defend its territory if attacked.",
]


def page(paragraphs: list[str], title: str = "Pakistan warns Taliban after talks fail") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Sample footer</footer></body></html>"
    ).encode()


def versions(db):
    return list(db.query("select number, origin, title, text from versions order by number"))


def test_full_text_stores_the_page_as_version_1(db, httpserver):
    link = httpserver.url_for("/article/1")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Pakistan warns Taliban after talks fail", link=link)]), content_type=XML
    )
    httpserver.expect_request("/article/1").respond_with_data(
        page(PARAGRAPHS), content_type="text/html"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True)
    assert report.new_articles == 1 and report.pages_fetched == 1 and not report.page_errors
    [v1] = versions(db)
    assert v1["origin"] == "page"
    assert "patience was running out" in v1["text"] and "Sample footer" not in v1["text"]
    assert db["articles"].get(1)["last_checked_at"] is not None


def test_full_text_falls_back_to_the_summary_when_the_page_fails(db, httpserver):
    link = httpserver.url_for("/missing")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Pakistan warns Taliban", link=link)]), content_type=XML
    )
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True)
    assert report.feeds_ok == 1 and report.new_articles == 1 and report.exit_code == 0
    assert len(report.page_errors) == 1 and "404" in report.page_errors[0][1]
    assert versions(db)[0]["origin"] == "feed"


def test_a_feed_summary_never_replaces_a_page_version(db, httpserver):
    link = httpserver.url_for("/article/1")
    title = "Pakistan warns Taliban after talks fail"
    feed_versions = [
        rss([Item("g1", title, summary="First summary of Pakistan Taliban talks.", link=link)]),
        rss([Item("g1", title, summary="Rewritten summary of Pakistan Taliban talks.", link=link)]),
        rss([Item("g1", title + " (updated)", summary="Rewritten summary.", link=link)]),
    ]
    serve_sequence(httpserver, "/feed", feed_versions, XML)
    httpserver.expect_request("/article/1").respond_with_data(
        page(PARAGRAPHS), content_type="text/html"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    fetch(db, full_text=True)
    checked = db["articles"].get(1)["last_checked_at"]
    assert checked is not None
    second = fetch(db, full_text=True)  # the summary changed: no version, just seen
    assert second.new_versions == 0 and len(versions(db)) == 1
    assert db["articles"].get(1)["last_checked_at"] == checked
    third = fetch(db, full_text=True)  # the headline changed: the page is due a recheck
    assert third.new_versions == 0 and len(versions(db)) == 1
    assert db["articles"].get(1)["last_checked_at"] is None


def _age(db, article_id, first_seen_ago, checked_ago=None):
    now = utcnow()
    db["articles"].update(
        article_id,
        {
            "first_seen_at": iso(now - first_seen_ago),
            "last_checked_at": iso(now - checked_ago) if checked_ago else None,
        },
    )


def test_recheck_stores_an_edited_page_as_a_new_version(db, httpserver):
    link = httpserver.url_for("/article/1")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Pakistan warns Taliban after talks fail", link=link)]), content_type=XML
    )
    edited = [
        *PARAGRAPHS[:2],
        "The Taliban spokesman later said a delegation would return to Istanbul.",
    ]
    serve_sequence(
        httpserver, "/article/1", [page(PARAGRAPHS), page(PARAGRAPHS), page(edited)], "text/html"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    fetch(db, full_text=True)
    assert fetch(db, recheck_hours=24).rechecked == 0  # just checked: not due yet

    _age(db, 1, timedelta(hours=2), checked_ago=timedelta(hours=1))
    unchanged = fetch(db, recheck_hours=24)
    assert (unchanged.rechecked, unchanged.new_versions) == (1, 0)

    _age(db, 1, timedelta(hours=2), checked_ago=timedelta(hours=1))
    changed = fetch(db, recheck_hours=24)
    assert (changed.rechecked, changed.new_versions) == (1, 1)
    v1, v2 = versions(db)
    assert v2["origin"] == "page" and "delegation would return" in v2["text"]
    assert "would defend its territory" in v1["text"]
    run = db["runs"].get(changed.run_id)
    assert run["new_versions"] == 1


def test_recheck_skips_articles_outside_the_window(db, httpserver):
    link = httpserver.url_for("/article/1")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Pakistan warns Taliban", link=link)]), content_type=XML
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    fetch(db)
    _age(db, 1, timedelta(days=3))
    assert fetch(db, recheck_hours=48).rechecked == 0
    assert not any(entry[0].path == "/article/1" for entry in httpserver.log)


def test_recheck_interval_grows_with_age(db):
    db["articles"].insert(
        {"id": 1, "key": "url:https://news.example/a", "url": "https://news.example/a",
         "dated_at": "2025-01-01T00:00:00Z", "first_seen_at": "x", "last_seen_at": "x",
         "current_version": 1, "version_count": 1}
    )  # fmt: skip
    db["version_rows"].insert(
        {"article_id": 1, "number": 1, "observed_at": "x", "title": "t", "text": "x",
         "content_hash": "h", "words": 1, "origin": "feed"}
    )  # fmt: skip
    now = utcnow()
    cases = [
        # (first seen ago, last checked ago, due?)  interval = max(15 min, age / 4)
        (timedelta(minutes=10), None, False),  # 10 min since first seen < 15 min
        (timedelta(minutes=20), None, True),
        (timedelta(hours=40), timedelta(hours=9), False),  # interval 10 h
        (timedelta(hours=40), timedelta(hours=11), True),
        (timedelta(hours=1), timedelta(minutes=14), False),  # interval 15 min
    ]
    for first, checked, due in cases:
        db["articles"].update(
            1,
            {
                "first_seen_at": iso(now - first),
                "last_checked_at": iso(now - checked) if checked else None,
            },
        )
        assert bool(due_for_recheck(db, 48, now)) is due, (first, checked)


def test_cli_reports_page_failures_without_failing_the_run(db, httpserver, invoke):
    link = httpserver.url_for("/missing")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Pakistan warns Taliban", link=link)]), content_type=XML
    )
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    result = invoke("fetch", "--full-text", "--recheck", "24", "--allow-private")
    assert result.exit_code == 0
    assert f"note: page {link}: " in result.stderr and "404" in result.stderr
    assert "1 new articles, 0 new versions, 1 pages (1 failed)" in result.stderr
    quiet = invoke("fetch", "--full-text", "--quiet", "--allow-private")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_parallel_full_text_and_recheck_download_in_threads_and_extract_in_workers(db, httpserver):
    """jobs > 1: pages are downloaded by the run's threads and extracted by its worker
    processes; a failed page still falls back to the summary, a recheck still stores
    an edited page."""
    good, missing = httpserver.url_for("/article/1"), httpserver.url_for("/missing")
    httpserver.expect_request("/feed").respond_with_data(
        rss(
            [
                Item("g1", "Pakistan warns Taliban after talks fail", link=good),
                Item("g2", "Pakistan closes Torkham", link=missing),
            ]
        ),
        content_type=XML,
    )
    edited = [*PARAGRAPHS[:2], "The Taliban spokesman later said a delegation would return."]
    serve_sequence(httpserver, "/article/1", [page(PARAGRAPHS), page(edited)], "text/html")
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True, jobs=2)
    assert (report.new_articles, report.pages_fetched) == (2, 2)
    assert len(report.page_errors) == 1 and report.page_errors[0][0] == missing
    origins = dict(db.execute("select a.url, v.origin from articles a join versions v "
                              "on v.article_id = a.id").fetchall())  # fmt: skip
    assert origins == {good: "page", missing: "feed"}

    _age(db, 1, timedelta(hours=2), checked_ago=timedelta(hours=1))
    rechecked = fetch(db, recheck_hours=24, jobs=2)
    assert (rechecked.rechecked, rechecked.new_versions) == (1, 1)
    assert "delegation would return" in versions(db)[-1]["text"]


def test_pages_on_private_addresses_are_refused_unless_allowed(db, httpserver):
    """SSRF guard: a feed linking to a loopback page does not make monitor fetch it."""
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Strikes near Kabul", link=httpserver.url_for("/article/1"))]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/article/1").respond_with_data(
        page(PARAGRAPHS), content_type="text/html"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True, allow_private=False)
    assert report.new_articles == 1
    assert report.page_errors and "loopback" in report.page_errors[0][1]
    assert (
        next(db.query("select * from versions where id = 1"))["origin"] == "feed"
    )  # the summary is kept
    assert not [r for r in httpserver.log if r[0].path == "/article/1"]
