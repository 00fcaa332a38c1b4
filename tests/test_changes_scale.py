"""changes counts a window's words from per-day cached counts (and at most a partial
day's texts) and its background in bounded steps: the counts, and so the report, equal
counting every text of the window, through new articles, edits and deletions."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from conftest import add_article

from monitor.analysis import changes, terms
from monitor.store import termstats
from monitor.text.timeutil import iso, utcnow

WORDS = [
    "talks",
    "ceasefire",
    "border",
    "refugees",
    "drone",
    "strike",
    "doha",
    "kabul",
    "islamabad",
    "trade",
    "envoy",
    "soldiers",
    "militants",
    "clashes",
    "crossing",
    "aid",
    "winter",
    "market",
    "court",
    "election",
    "minister",
]


def brute(db, since: str, until: str, story: str | None):
    """The reference: every current text of the window, counted in one go."""
    return terms.count(changes._texts(db, since, until, story))


@pytest.fixture
def archive(db):
    """Articles over the last 12 days (some edited, some in a story), dated across
    every hour, so windows cut days at both ends."""
    rng = random.Random(5)
    now = utcnow().replace(microsecond=0)
    for i in range(160):
        when = now - timedelta(hours=rng.randint(1, 12 * 24))
        text = " ".join(rng.choices(WORDS, k=rng.randint(5, 30))) + "."
        story = "pakistan-taliban" if i % 3 == 0 else None
        add_article(
            db,
            f"https://a/{i}",
            " ".join(rng.choices(WORDS, k=3)),
            text,
            story=story,
            published=iso(when),
            observed=iso(when),
        )
        if i % 4 == 0:
            add_article(
                db,
                f"https://a/{i}",
                "edited",
                text + " " + rng.choice(WORDS),
                story=story,
                published=iso(when),
                observed=iso(when + timedelta(hours=1)),
            )
    return db


def windows(rng: random.Random) -> list[tuple[str, str]]:
    now = utcnow().replace(microsecond=0)
    out = [(iso(now - timedelta(days=7)), iso(now)), (iso(now - timedelta(hours=3)), iso(now))]
    for _ in range(12):
        end = now - timedelta(minutes=rng.randint(0, 6 * 24 * 60))
        out.append((iso(end - timedelta(minutes=rng.randint(10, 8 * 24 * 60))), iso(end)))
    midnight = now.replace(hour=0, minute=0, second=0) - timedelta(days=3)
    out.append((iso(midnight), iso(midnight + timedelta(days=2) - timedelta(seconds=1))))
    return out


@pytest.mark.parametrize("story", [None, "pakistan-taliban"])
def test_window_counts_equal_counting_every_text(archive, story):
    rng = random.Random(9)
    for since, until in windows(rng):
        expected = brute(archive, since, until, story)
        assert changes.window_counts(archive, since, until, story) == expected, (since, until)
        # a second time from the cache
        assert changes.window_counts(archive, since, until, story) == expected, (since, until)
    cached = archive.execute("select count(*) from term_days").fetchone()[0]
    assert cached > 5


def test_cached_days_follow_new_versions_and_deletions(archive):
    now = utcnow().replace(microsecond=0)
    since, until = iso(now - timedelta(days=9)), iso(now)
    assert changes.window_counts(archive, since, until, None) == brute(archive, since, until, None)
    # a new article dated in a cached day, an edit, a deletion: the days are counted again
    when = now - timedelta(days=4, hours=5)
    add_article(
        archive,
        "https://new/1",
        "Fresh",
        "Unheardof word zanzibar zanzibar.",
        published=iso(when),
        observed=iso(when),
    )
    add_article(
        archive, "https://a/8", "edited again", "Entirely new text about yaks.", observed=iso(now)
    )
    gone = archive.execute(
        "select id from articles where dated_at between ? and ? order by id limit 1",
        [iso(now - timedelta(days=6)), iso(now - timedelta(days=5))],
    ).fetchone()[0]
    archive.execute("delete from articles where id = ?", [gone])
    archive.conn.commit()
    counts = changes.window_counts(archive, since, until, None)
    assert counts == brute(archive, since, until, None)
    assert counts["zanzibar"] == 2 and counts["yaks"] == 1


def test_report_equals_the_report_counted_from_every_text(archive, monkeypatch):
    now = utcnow().replace(microsecond=0)
    for days in (1, 3, 7):
        since, until = iso(now - timedelta(days=days)), iso(now)
        for story in (None, "pakistan-taliban"):
            new = changes.build(archive, since, until, story=story)
            with monkeypatch.context() as m:
                m.setattr(
                    changes, "window_counts", lambda db, s, u, st, _p=None: brute(db, s, u, st)
                )
                old = changes.build(archive, since, until, story=story)
            assert new == old
            assert new["terms"] or days == 1


def test_background_is_counted_in_bounded_steps(archive, monkeypatch):
    total = archive.execute("select count(*) from versions").fetchone()[0]
    assert termstats.refresh(archive, terms.count, limit=50) == 50
    assert termstats.pending(archive) == total - 50
    monkeypatch.setattr(changes, "REFRESH_LIMIT", 60)
    now = utcnow().replace(microsecond=0)
    changes.build(archive, iso(now - timedelta(days=2)), iso(now))
    assert termstats.pending(archive) == total - 110  # one report: at most 60 more
    while termstats.refresh(archive, terms.count, limit=7):
        pass
    words = sorted(brute(archive, "2000-01-01T00:00:00Z", iso(now), None))
    full = terms.count(f"{t}\n{x}" for t, x in archive.execute("select title, text from versions"))
    counts, words_total = termstats.background(archive, words)
    assert counts == {w: full[w] for w in words if full[w]}
    assert words_total == archive.execute("select sum(words) from versions").fetchone()[0]


def test_a_first_report_reads_each_text_of_its_days_once(archive, monkeypatch):
    """The window and the previous window cut the same day (the previous one ends a
    second before the window starts): that day is read once, in two pieces, and
    cached whole; every text from the first day of the previous window to the end of
    the window is read once, none twice."""
    now = utcnow().replace(microsecond=0)
    since = (now - timedelta(days=3)).replace(hour=12, minute=0, second=0)
    if since.date() == now.date():  # pragma: no cover - (three days back is never today)
        pytest.skip("window within one day")
    since_s, until_s = iso(since), iso(now)
    prev = changes.previous_window(since_s, until_s)
    read: list[str] = []
    texts = changes._texts

    def spy(*args, **kwargs):
        for text in texts(*args, **kwargs):
            read.append(text)
            yield text

    monkeypatch.setattr(changes, "_texts", spy)
    report = changes.terms_section(archive, since_s, until_s, prev, None, 0)
    first_day = prev[0][:10]
    expected = archive.execute(
        f"select count(*) from {changes.CURRENT} where a.dated_at >= ? and a.dated_at <= ?",
        [first_day, until_s],
    ).fetchone()[0]
    assert len(read) == expected
    assert report == changes.terms_section(archive, since_s, until_s, prev, None, 0)
