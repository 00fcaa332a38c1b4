"""No invented edits: pages re-fetched from a real 127.0.0.1 server that show a
paywall, a consent wall, an error page or a truncated extraction make no version
until the loss persists; a page that comes back makes no edit at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from feed_helpers import Item, fetch, rss, serve_sequence

from monitor.store import feeds as feedstore
from monitor.store import suspects as suspectstore
from monitor.suspect import CONFIRM_HOURS
from monitor.text.timeutil import iso, utcnow

XML = "application/rss+xml"
TITLE = "Council shuts eastern bridge after cracks found"
PARAGRAPHS = [
    "The regional council voted on Tuesday to close the eastern bridge for repairs after "
    "engineers found cracks in two of its supporting piers during a routine inspection.",
    "Traffic will be diverted through the old town for at least four months, officials said, "
    "and buses will run every ten minutes between the two river banks while work goes on.",
    "Shop owners in the old town said they feared the extra traffic would drive customers "
    "away, and asked the council to pay for more parking on the northern edge of the centre.",
    "The mayor said the repairs could not wait and promised a decision on parking next week, "
    "adding that the bridge had carried twice the traffic it was built for since the 1990s.",
]


def page(paragraphs: list[str], title: str = TITLE, extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}{extra}</article>"
        "<footer>Sample footer</footer></body></html>"
    ).encode()


BAD_PAGES = {
    "paywall": page(
        PARAGRAPHS[:1],
        extra="<p>Subscribe to continue reading this article. Already a subscriber? Sign in "
        "to your account to read the full story and all our journalism.</p>",
    ),
    "consent": page(
        [
            "We value your privacy. We and our partners use cookies to store and access "
            "information on your device, for personalised ads and content measurement. "
            "You can accept all or manage preferences at any time in the privacy settings."
        ],
        title="Before you continue",
    ),
    "error page": page(
        [
            "Sorry, the page you requested could not be found. It may have been moved or "
            "deleted. Page not found: return to the home page or search for the story."
        ],
        title="Page not found",
    ),
    "truncated": page(PARAGRAPHS[:1]),
}


def start(db, httpserver, bodies: list[bytes]) -> None:
    link = httpserver.url_for("/article/1")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", TITLE, link=link)]), content_type=XML
    )
    serve_sequence(httpserver, "/article/1", bodies, "text/html")
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    first = fetch(db, full_text=True)
    assert first.new_articles == 1 and not first.page_errors


def due(db, hours_ago_seen: float = 30) -> None:
    """Make article 1 due a recheck (first seen a while ago, checked long ago)."""
    now = utcnow()
    db["articles"].update(
        1,
        {
            "first_seen_at": iso(now - timedelta(hours=hours_ago_seen)),
            "last_checked_at": iso(now - timedelta(hours=hours_ago_seen - 1)),
        },
    )


def versions(db) -> list[dict]:
    return list(db.query("select number, text from versions order by number"))


def suspects(db) -> list[dict]:
    return list(db.query("select kind, state, version from suspects order by id"))


def test_a_transient_paywall_makes_no_version_and_the_restored_page_no_edit(db, httpserver):
    start(db, httpserver, [page(PARAGRAPHS), BAD_PAGES["paywall"], page(PARAGRAPHS)])
    due(db)
    walled = fetch(db, recheck_hours=48)
    assert (walled.rechecked, walled.new_versions, walled.suspects) == (1, 0, 1)
    assert "suspect" in walled.summary()
    assert suspects(db) == [{"kind": "paywall", "state": "pending", "version": 1}]
    due(db)
    back = fetch(db, recheck_hours=48)
    assert (back.rechecked, back.new_versions, back.suspects) == (1, 0, 0)
    assert len(versions(db)) == 1
    assert db.execute("select count(*) from diffs").fetchone()[0] == 0  # no edit at all
    assert suspects(db)[0]["state"] == "transient"


@pytest.mark.parametrize("kind", sorted(BAD_PAGES))
def test_a_loss_becomes_a_version_only_when_it_persists(db, httpserver, kind):
    start(db, httpserver, [page(PARAGRAPHS), BAD_PAGES[kind]])
    due(db)
    assert fetch(db, recheck_hours=48).new_versions == 0
    due(db)
    soon = fetch(db, recheck_hours=48)  # a second check minutes later: not persistent yet
    assert (soon.new_versions, soon.suspects) == (0, 1)
    assert [s["kind"] for s in suspects(db)] == [kind, kind]
    assert len(versions(db)) == 1

    # the first suspect check was longer ago than the confirmation span
    earlier = iso(utcnow() - timedelta(hours=CONFIRM_HOURS + 1))
    db.execute("update suspects set observed_at = ? where id = 1", [earlier])
    due(db)
    persisted = fetch(db, recheck_hours=48)
    assert (persisted.new_versions, persisted.suspects) == (1, 0)
    assert len(versions(db)) == 2
    pair = db.execute("select severity, severity_reason, summary from diffs").fetchone()
    assert pair[0] == "major" and "major cut" in pair[1] and kind in pair[1]
    assert {s["state"] for s in suspects(db)} == {"cut"}


def test_status_and_show_report_suspect_pages(db, httpserver, invoke):
    start(db, httpserver, [page(PARAGRAPHS), BAD_PAGES["error page"]])
    due(db)
    fetch(db, recheck_hours=48)
    assert suspectstore.counts(db)["pending"] == 1
    status = invoke("status")
    assert "suspect pages" in status.stdout and "error page" in status.stdout
    shown = invoke("show", "1")
    assert "suspect" in shown.stdout and "error page" in shown.stdout
    import json

    detail = json.loads(invoke("show", "1", "--json").stdout)
    assert detail["suspects"][0]["kind"] == "error page"
    assert json.loads(invoke("status", "--json").stdout)["suspects"]["pending"] == 1


def test_full_text_keeps_the_summary_when_the_first_page_is_a_wall(db, httpserver):
    link = httpserver.url_for("/article/1")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", TITLE, link=link)]), content_type=XML
    )
    httpserver.expect_request("/article/1").respond_with_data(
        BAD_PAGES["consent"], content_type="text/html"
    )
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    report = fetch(db, full_text=True)
    assert report.new_articles == 1
    assert any("suspect page" in why for _, why in report.page_errors)
    [v1] = db.query("select origin, text from versions")
    assert v1["origin"] == "feed" and "cookies" not in v1["text"]


def test_first_page_rule_passes_a_real_article():
    from monitor.suspect import first_page

    text = " ".join(PARAGRAPHS)
    assert first_page("Council shuts the eastern bridge.", text) is None
