"""ingest.decide: the sighting rule as a pure function (no database, no HTTP)."""

from __future__ import annotations

import pytest

from monitor.ingest import decide
from monitor.types import Article, IngestStatus, Observation, Version

T0, T1 = "2025-10-01T00:00:00Z", "2025-10-02T00:00:00Z"


def article(**kw) -> Article:
    base = dict(
        id=1,
        key="url:https://ex.example/a",
        current_version=1,
        version_count=1,
        first_seen_at=T0,
        last_seen_at=T0,
        dated_at=T0,
        feed_id=7,
    )
    return Article(**{**base, **kw})


def version(origin: str, title: str = "Headline", digest: str = "h1") -> Version:
    return Version(
        article_id=1,
        number=1,
        title=title,
        text="x",
        origin=origin,
        observed_at=T0,
        content_hash=digest,
    )


def feed_obs(feed_id: int = 7, **kw) -> Observation:
    return Observation(title="Headline", text="y", origin="feed", feed_id=feed_id, **kw)


def test_unknown_article_is_new():
    got = decide(None, None, feed_obs(), title="Headline", digest="h2", observed=T1)
    assert got.action == IngestStatus.NEW


def test_same_content_is_unchanged_and_marks_seen():
    got = decide(
        article(),
        version("file"),
        Observation(title="Headline", text="x", origin="file"),
        title="Headline",
        digest="h1",
        observed=T1,
    )
    assert got.action == IngestStatus.UNCHANGED and got.updates["last_seen_at"] == T1


def test_changed_content_is_a_new_version():
    got = decide(
        article(),
        version("file"),
        Observation(title="New", text="x", origin="file"),
        title="New",
        digest="h2",
        observed=T1,
    )
    assert got.action == IngestStatus.UPDATED


def test_same_feed_summary_edit_is_a_new_version():
    got = decide(article(), version("feed"), feed_obs(), title="Headline", digest="h2", observed=T1)
    assert got.action == IngestStatus.UPDATED


@pytest.mark.parametrize(("current_origin", "feed_id"), [("page", 7), ("file", 7), ("feed", 8)])
def test_a_summary_never_replaces_a_page_a_file_or_another_feeds_text(current_origin, feed_id):
    got = decide(
        article(),
        version(current_origin),
        feed_obs(feed_id=feed_id),
        title="Headline",
        digest="h2",
        observed=T1,
    )
    assert got.action == IngestStatus.SEEN
    assert got.updates == {"last_seen_at": T1}


def test_a_moved_headline_over_a_page_makes_the_page_due_for_recheck():
    got = decide(
        article(last_checked_at=T0),
        version("page", title="Old headline"),
        feed_obs(),
        title="Headline",
        digest="h2",
        observed=T1,
    )
    assert got.action == IngestStatus.SEEN and got.updates["last_checked_at"] is None


def test_a_feed_sighting_files_a_storyless_article_under_the_feeds_story():
    got = decide(
        article(),
        version("file"),
        feed_obs(story="pakistan-taliban"),
        title="Headline",
        digest="h2",
        observed=T1,
    )
    assert got.updates["story"] == "pakistan-taliban"


def test_missing_metadata_is_filled_never_overwritten():
    obs = Observation(
        title="Headline",
        text="x",
        origin="file",
        source="Dawn",
        published_at=T0,
        url="https://ex.example/a",
    )
    got = decide(article(), version("file"), obs, title="Headline", digest="h1", observed=T1)
    assert got.updates["source"] == "Dawn" and got.updates["published_at"] == T0
    got = decide(
        article(source="Geo"), version("file"), obs, title="Headline", digest="h1", observed=T1
    )
    assert "source" not in got.updates


def test_an_unknown_origin_is_an_error():
    with pytest.raises(ValueError, match="unknown origin"):
        Observation(title="t", text="x", origin="carrier-pigeon")
    with pytest.raises(ValueError, match="unknown origin"):
        Version.from_row(
            {
                "article_id": 1,
                "number": 1,
                "title": "t",
                "text": "x",
                "origin": "??",
                "observed_at": T0,
            }
        )


# -- byline (page, file and standard-input sightings) and suspect pages


def byline_version(byline: str | None, origin: str = "page") -> Version:
    return Version(
        article_id=1,
        number=1,
        title="Headline",
        text="x",
        origin=origin,
        observed_at=T0,
        content_hash="h1",
        byline=byline,
    )


@pytest.mark.parametrize("origin", ["page", "file", "stdin"])
def test_a_byline_change_is_a_new_version(origin):
    obs = Observation(title="Headline", text="x", origin=origin, byline="Jane Roe")
    got = decide(
        article(), byline_version("John Doe"), obs, title="Headline", digest="h1", observed=T1
    )
    assert got.action == IngestStatus.UPDATED


@pytest.mark.parametrize(
    ("old", "new"),
    [("John Doe", "john  doe"), ("John Doe", None), ("John Doe", " ")],
)
def test_byline_case_spacing_or_a_missing_byline_is_unchanged(old, new):
    obs = Observation(title="Headline", text="x", origin="page", byline=new)
    got = decide(article(), byline_version(old), obs, title="Headline", digest="h1", observed=T1)
    assert got.action == IngestStatus.UNCHANGED


def test_a_feed_authors_field_is_not_a_byline_change():
    obs = feed_obs(byline="Somebody Else")
    got = decide(
        article(),
        byline_version("John Doe", origin="feed"),
        obs,
        title="Headline",
        digest="h1",
        observed=T1,
    )
    assert got.action == IngestStatus.UNCHANGED


LONG = (
    "The regional council voted on Tuesday to close the eastern bridge for repairs after "
    "engineers found cracks in two of its supporting piers during a routine inspection, and "
    "traffic will be diverted through the old town for at least four months, officials said."
)
WALL = "Subscribe to continue reading. Already a subscriber? Sign in."


def long_version() -> Version:
    return Version(
        article_id=1,
        number=1,
        title="Bridge to close",
        text=LONG,
        origin="page",
        observed_at=T0,
        content_hash="h1",
    )


def test_a_paywalled_page_is_suspect_then_a_cut_once_it_persists():
    obs = Observation(title="Bridge to close", text=WALL, origin="page")
    kw = dict(title="Bridge to close", digest="h2", text=WALL)
    first = decide(article(), long_version(), obs, observed=T1, **kw)
    assert first.action == IngestStatus.SUSPECT and first.suspect.kind == "paywall"
    again = decide(article(), long_version(), obs, observed=T1, suspects=[T1], **kw)
    assert again.action == IngestStatus.SUSPECT  # the same hour: not yet
    later = "2025-10-03T00:00:00Z"
    persisted = decide(article(), long_version(), obs, observed=later, suspects=[T1], **kw)
    assert persisted.action == IngestStatus.UPDATED and persisted.cut


def test_files_are_not_judged_as_walls():
    obs = Observation(title="Bridge to close", text=WALL, origin="file")
    got = decide(
        article(),
        long_version(),
        obs,
        title="Bridge to close",
        digest="h2",
        text=WALL,
        observed=T1,
    )
    assert got.action == IngestStatus.UPDATED and not got.cut
