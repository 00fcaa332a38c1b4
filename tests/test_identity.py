"""Article identity: rel=canonical / og:url, aliases, the same text by file and by URL;
the raw HTML kept with each page version (real 127.0.0.1 server, real SQLite files)."""

from __future__ import annotations

from monitor.add import AddOptions, add_source
from monitor.extract import canonical_url
from monitor.store import page_html

BODY = (
    "<p>Pakistan and the Afghan Taliban failed to agree on a mechanism to stop cross-border "
    "attacks after four days of talks mediated by Turkey and Qatar in Istanbul.</p>"
    "<p>Defence Minister Khawaja Asif said more than 60 soldiers had been killed this month and "
    "warned that Pakistan would respond to further attacks by militants based in Afghanistan.</p>"
)


def html(head: str = "", author: str | None = None) -> bytes:
    meta = f'<meta name="author" content="{author}">' if author else ""
    return (
        f"<!DOCTYPE html><html><head><title>Talks collapse in Istanbul</title>{meta}{head}"
        "</head><body><article><h1>Talks collapse in Istanbul</h1>"
        f"{BODY}</article></body></html>"
    ).encode()


def test_canonical_url_reads_link_then_og_url_and_resolves_relative_ones():
    assert canonical_url('<link href="/a/1" rel="canonical">', "https://x.example/amp/1") == (
        "https://x.example/a/1"
    )
    og = "<meta property='og:url' content='https://x.example/b'>"
    assert canonical_url(og) == "https://x.example/b"
    both = '<meta property="og:url" content="https://x.example/og"><link rel=canonical href=https://x.example/c>'
    assert canonical_url(both) == "https://x.example/c"  # rel=canonical wins
    assert canonical_url('<link rel="canonical" href="javascript:alert(1)">') is None
    assert canonical_url("<p>no head</p>") is None


def test_one_article_reached_by_three_urls_is_stored_once(db, httpserver):
    canonical = httpserver.url_for("/news/talks")
    head = f'<link rel="canonical" href="{canonical}">'
    for path in ("/news/talks", "/amp/news/talks", "/p/123"):
        httpserver.expect_request(path).respond_with_data(html(head), content_type="text/html")
    results = [
        add_source(db, httpserver.url_for(path) + suffix, AddOptions()).result
        for path, suffix in [
            ("/amp/news/talks", ""),
            ("/p/123", "?utm_source=x"),
            ("/news/talks", ""),
        ]
    ]
    assert [r.status for r in results] == ["new", "unchanged", "unchanged"]
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
    assert db["articles"].get(1)["url"] == canonical
    # the URLs it was reached by are aliases: a feed entry linking to one finds it
    aliases = {row[0] for row in db.execute("select key from article_aliases")}
    assert f"url:{httpserver.url_for('/amp/news/talks')}" in aliases


def test_the_same_text_by_file_and_by_url_is_one_article(db, httpserver, tmp_path):
    httpserver.expect_request("/news/talks").respond_with_data(html(), content_type="text/html")
    saved = tmp_path / "talks.html"
    saved.write_bytes(html())
    from_file = add_source(db, str(saved), AddOptions()).result
    from_url = add_source(db, httpserver.url_for("/news/talks"), AddOptions()).result
    assert (from_file.status, from_url.status) == ("new", "unchanged")
    assert from_url.article_id == from_file.article_id
    assert db["articles"].get(1)["url"] == httpserver.url_for("/news/talks")


def test_the_same_text_by_url_then_by_file_is_one_article(db, httpserver, tmp_path):
    httpserver.expect_request("/news/talks").respond_with_data(html(), content_type="text/html")
    from_url = add_source(db, httpserver.url_for("/news/talks"), AddOptions()).result
    saved = tmp_path / "talks.html"
    saved.write_bytes(html())
    from_file = add_source(db, str(saved), AddOptions()).result
    assert from_file.status == "unchanged" and from_file.article_id == from_url.article_id


def test_two_sites_with_the_same_text_stay_two_articles(db, httpserver):
    httpserver.expect_request("/one").respond_with_data(html(), content_type="text/html")
    httpserver.expect_request("/two").respond_with_data(html(), content_type="text/html")
    one = add_source(db, httpserver.url_for("/one"), AddOptions()).result
    two = add_source(db, httpserver.url_for("/two"), AddOptions()).result
    assert one.article_id != two.article_id


def test_the_raw_html_of_each_page_version_is_kept_compressed(db, httpserver):
    page = html(author="Jane Roe")
    httpserver.expect_request("/news/talks").respond_with_data(page, content_type="text/html")
    add_source(db, httpserver.url_for("/news/talks"), AddOptions())
    row = db.execute("select size, length(html), encoding from page_html").fetchone()
    assert row[0] == len(page) and row[1] < len(page) and row[2] == "zlib"
    assert page_html.load(db, 1) == page


def test_a_byline_change_on_the_page_is_a_new_version_named_byline_changed(db, httpserver):
    from werkzeug import Response

    pages = [html(author="Jane Roe"), html(author="Jane Roe and John Doe")]
    hits = [0]

    def handler(request):
        hits[0] += 1
        return Response(pages[min(hits[0] - 1, 1)], content_type="text/html")

    httpserver.expect_request("/news/talks").respond_with_handler(handler)
    url = httpserver.url_for("/news/talks")
    assert add_source(db, url, AddOptions()).result.status == "new"
    second = add_source(db, url, AddOptions()).result
    assert second.status == "updated" and second.version == 2
    pair = db.execute("select byline_changed, summary from diffs").fetchone()
    assert pair[0] == 1 and "byline changed" in pair[1]
    assert add_source(db, url, AddOptions()).result.status == "unchanged"


def test_feed_entries_linking_one_canonical_page_are_one_article(db, httpserver):
    from feed_helpers import Item, fetch, rss

    from monitor.store import feeds as feedstore

    canonical = httpserver.url_for("/news/talks")
    head = f'<link rel="canonical" href="{canonical}">'
    for path in ("/amp/talks", "/m/talks"):
        httpserver.expect_request(path).respond_with_data(html(head), content_type="text/html")
    items = [
        Item("g1", "Talks collapse in Istanbul", link=httpserver.url_for("/amp/talks")),
        Item("g2", "Talks collapse in Istanbul", link=httpserver.url_for("/m/talks")),
    ]
    httpserver.expect_request("/feed").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True)
    assert report.new_articles == 1 and report.feeds[0].seen == 1
    assert db["articles"].get(1)["url"] == canonical
    again = fetch(db, feed="1")  # the links are aliases: seen again, not new articles
    assert again.new_articles == 0
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
