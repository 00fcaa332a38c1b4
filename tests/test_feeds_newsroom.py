"""Feeds at newsroom scale: several at once, checked once each, autodiscovery from an
HTML page, sitemaps and OPML refused by feeds add, OPML import/export, edit, pause."""

from __future__ import annotations

import json

from conftest import SAMPLES
from feed_helpers import items, rss

from monitor.opml import read_opml

XML = "application/rss+xml"
FRONTIER = str(SAMPLES / "feeds" / "frontier-wire.xml")
KABUL = str(SAMPLES / "feeds" / "kabul-sample-times.atom")

PAGE = """<!doctype html><html><head><title>News</title>
<link rel="stylesheet" href="/site.css">
<link rel="alternate" type="application/rss+xml" title="Top stories" href="/rss/top.xml">
<link rel="alternate" type="application/atom+xml" title="Pakistan" href="feeds/pakistan.atom">
</head><body><p>Front page</p></body></html>"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/a</loc></url></urlset>"""

OPML = """<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>
<outline text="World"><outline text="Frontier" type="rss" xmlUrl="{one}"/></outline>
<outline text="Kabul Times" title="Kabul Times" type="rss" xmlUrl="{two}"/>
<outline text="a folder without feeds"/></body></opml>"""


def test_feeds_add_follows_the_feed_an_html_page_announces(invoke, httpserver) -> None:
    httpserver.expect_request("/news").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/rss/top.xml").respond_with_data(rss(items(3)), content_type=XML)
    result = invoke("feeds", "add", httpserver.url_for("/news"))
    assert result.exit_code == 0, result.stderr
    feed_url = httpserver.url_for("/rss/top.xml")
    assert f"feed 1: {feed_url}" in result.stdout and "3 entries now" in result.stdout
    assert f"{httpserver.url_for('/news')} is a web page; following the feed it announces" in (
        result.stderr
    )
    assert httpserver.url_for("/feeds/pakistan.atom") in result.stderr  # the other one, named
    rows = json.loads(invoke("feeds", "list", "--json").stdout)
    assert [r["url"] for r in rows] == [feed_url]
    assert rows[0]["title"] == "Test feed"


def test_a_page_without_feeds_a_sitemap_and_an_opml_list_are_refused(
    invoke, httpserver, tmp_path
) -> None:
    httpserver.expect_request("/plain").respond_with_data(
        "<html><head><title>x</title></head><body>hi</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(SITEMAP, content_type="text/xml")
    opml = tmp_path / "list.opml"
    opml.write_text(OPML.format(one=FRONTIER, two=KABUL))
    invoke("init")
    plain = invoke("feeds", "add", httpserver.url_for("/plain"))
    assert plain.exit_code == 1 and "announces no RSS or Atom feed" in plain.stderr
    sitemap = invoke("feeds", "add", httpserver.url_for("/sitemap.xml"))
    assert sitemap.exit_code == 1 and "a sitemap, not a feed" in sitemap.stderr
    assert "monitor add URL" in sitemap.stderr
    listed = invoke("feeds", "add", str(opml))
    assert listed.exit_code == 1 and "monitor feeds import FILE.opml" in listed.stderr
    assert "Traceback" not in plain.stderr + sitemap.stderr + listed.stderr
    assert json.loads(invoke("feeds", "list", "--json").stdout) == []


def test_feeds_add_takes_several_urls_and_standard_input(invoke, httpserver) -> None:
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    both = invoke("feeds", "add", FRONTIER, httpserver.url_for("/down"), KABUL)
    assert both.exit_code == 1
    assert "feed 1: " in both.stdout and "feed 2: " in both.stdout  # the failure stops nothing
    assert "1 of 3 feeds could not be added" in both.stderr
    invoke("feeds", "remove", "1")
    invoke("feeds", "remove", "2")
    piped = invoke("feeds", "add", "-", input=f"# my feeds\n{FRONTIER}\n\n{KABUL}\n")
    assert piped.exit_code == 0, piped.stderr
    assert len(json.loads(invoke("feeds", "list", "--json").stdout)) == 2


def test_opml_round_trip(invoke, tmp_path) -> None:
    source = tmp_path / "reader.opml"
    source.write_text(OPML.format(one=FRONTIER, two=KABUL))
    imported = invoke("feeds", "import", str(source), "--story", "pakistan-taliban")
    assert imported.exit_code == 0, imported.stderr
    assert "2 feeds added, 0 skipped" in imported.stderr
    invoke("feeds", "edit", "2", "--pause")
    exported = invoke("feeds", "export", "--opml")
    assert exported.exit_code == 0
    feeds = read_opml(exported.stdout_bytes)
    assert [(f.url, f.name, f.story, f.paused) for f in feeds] == [
        (FRONTIER, "Frontier", "pakistan-taliban", False),
        (KABUL, "Kabul Times", "pakistan-taliban", True),
    ]
    copy = tmp_path / "copy.opml"
    copy.write_bytes(exported.stdout_bytes)
    other = tmp_path / "other.db"
    again = invoke("--db", str(other), "feeds", "import", str(copy))
    assert again.exit_code == 0, again.stderr
    rows = json.loads(invoke("feeds", "list", "--json", "--db", str(other)).stdout)
    assert [(r["url"], r["name"], r["story"], r["paused"]) for r in rows] == [
        (FRONTIER, "Frontier", "pakistan-taliban", 0),
        (KABUL, "Kabul Times", "pakistan-taliban", 1),
    ]
    twice = invoke("feeds", "import", str(copy))
    assert twice.exit_code == 1 and "already followed" in twice.stderr


def test_import_refuses_a_file_that_is_not_opml(invoke) -> None:
    result = invoke("feeds", "import", FRONTIER)
    assert result.exit_code == 1 and "not an OPML file" in result.stderr


def test_edit_story_name_and_pause_resume(invoke) -> None:
    invoke("feeds", "add", FRONTIER)
    invoke("feeds", "add", KABUL)
    edited = invoke("feeds", "edit", "1", "--story", "pakistan-taliban", "--name", "Frontier")
    assert edited.exit_code == 0, edited.stderr
    assert "story pakistan-taliban, name Frontier" in edited.stdout
    assert invoke("feeds", "edit", "1", "--story", "no-such").exit_code == 1
    assert invoke("feeds", "edit", "1").exit_code == 2  # nothing to change
    assert invoke("feeds", "edit", "9", "--pause").exit_code == 1
    assert "paused" in invoke("feeds", "edit", KABUL, "--pause").stdout
    table = invoke("feeds", "list").stdout
    assert any(line.split()[:2] == ["2", "paused"] for line in table.splitlines()), table
    fetched = invoke("fetch")
    assert fetched.exit_code == 0, fetched.stderr
    rows = json.loads(invoke("feeds", "list", "--json").stdout)
    assert rows[0]["last_fetched_at"] and rows[1]["last_fetched_at"] is None  # skipped
    assert rows[1]["paused"] == 1
    invoke("feeds", "edit", "2", "--resume")
    invoke("fetch")
    rows = json.loads(invoke("feeds", "list", "--json").stdout)
    assert rows[1]["last_fetched_at"] and rows[1]["paused"] == 0
    articles = json.loads(invoke("list", "--json", "--limit", "0").stdout)
    assert {a["source"] for a in articles} >= {"Frontier"}


def test_all_feeds_paused_is_nothing_to_fetch(invoke) -> None:
    invoke("feeds", "add", FRONTIER)
    invoke("feeds", "edit", "1", "--pause")
    result = invoke("fetch")
    assert result.exit_code == 4
