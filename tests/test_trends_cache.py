"""themes counts whole days from ``theme_days`` (kept by triggers): the trends equal the
one-pass aggregate over every tag (the code before the counts, kept here), and the
table equals a fresh count, after new articles, edits, deletions, source and date
changes, replaced and renamed tags, a retag, and plain SQL writes."""

from __future__ import annotations

import random

import pytest
from conftest import add_article

from monitor import derive
from monitor.store import schema, schema_themedays
from monitor.themes import stories
from monitor.themes.trends import ThemeTrend, period_key, theme_trends

SENTENCES = [
    "Pakistan and the Taliban government held peace talks in Doha mediated by Qatar.",
    "A suicide bombing by TTP militants from Afghanistan killed soldiers in Bannu.",
    "The Torkham border crossing was closed after clashes along the Durand Line.",
    "Pakistani airstrikes hit hideouts in Paktika, the Taliban spokesman said.",
    "Thousands of Afghan refugees were deported as the expulsion drive continued.",
    "Traders said trucks carrying goods were stranded and exports halted at the border.",
    "Humanitarian agencies warned of food insecurity and malnutrition in Kabul.",
]
STORY = "pakistan-taliban"


def old_trends(db, story, by="month", since=None, until=None):
    """The aggregate before the cache: every tag of the story, grouped by SQLite."""
    trends = {
        r["slug"]: ThemeTrend(r["slug"], r["label"])
        for r in db.query("select slug, label from themes where story = ? order by rowid", [story])
    }
    clauses, params = ["vt.story = ?"], [story]
    if since:
        clauses.append("a.dated_at >= ?")
        params.append(since)
    if until:
        clauses.append("a.dated_at <= ?")
        params.append(until)
    tagged = f"""from articles a
              join versions v on v.article_id = a.id and v.number = a.current_version
              join version_themes vt on vt.version_id = v.id
              where {" and ".join(clauses)}"""
    by_day = f"""select vt.theme, substr(a.dated_at, 1, 10), count(*), min(a.dated_at),
                        max(a.dated_at) {tagged} group by 1, 2"""
    for theme, day, count, first, last in db.execute(by_day, params):
        trend = trends.setdefault(theme, ThemeTrend(theme, theme))
        trend.articles += count
        trend.first_seen = first if trend.first_seen is None else min(trend.first_seen, first)
        trend.last_seen = last if trend.last_seen is None else max(trend.last_seen, last)
        key = period_key(day, by)
        trend.periods[key] = trend.periods.get(key, 0) + count
    by_theme = f"select vt.theme, count(distinct nullif(a.source, '')) {tagged} group by 1"
    for theme, sources in db.execute(by_theme, params):
        trends[theme].sources = sources
    order = {slug: i for i, slug in enumerate(trends)}
    return sorted(trends.values(), key=lambda t: (-t.articles, order[t.theme]))


def dated(rng: random.Random) -> str:
    return f"2026-{rng.randint(6, 9):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:00Z"


@pytest.fixture
def archive(db):
    stories.ensure_builtin(db)
    rng = random.Random(3)
    for i in range(90):
        when = dated(rng)
        text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        source = ["Dawn", "Geo", "Jang", "", None][i % 5]
        story = STORY if i % 2 else None
        add_article(
            db,
            f"https://a/{i}",
            SENTENCES[i % 7][:40],
            text,
            source=source,
            story=story,
            published=when,
            observed=when,
        )
        if i % 6 == 0:
            add_article(
                db,
                f"https://a/{i}",
                "Edited",
                rng.choice(SENTENCES),
                source=source,
                story=story,
                published=when,
                observed=when.replace("15:00Z", "16:00Z"),
            )
    return db


WINDOWS = [
    ("month", None, None),
    ("week", None, None),
    ("day", "2026-07-10T00:00:00Z", "2026-08-20T12:00:00Z"),
    ("month", "2026-07-01T00:00:00Z", None),
    ("week", None, "2026-08-31T23:59:59Z"),
]


def counts_hold(db) -> None:
    """``theme_days`` (its non-zero rows) equals a fresh count of every current tag."""
    kept = db.execute(
        "select story, theme, source, day, articles from theme_days_named where articles != 0"
    ).fetchall()
    fresh = db.execute(schema_themedays.COUNT).fetchall()
    assert sorted(kept) == sorted(fresh)
    totals: dict[tuple[str, str, str], int] = {}
    for story, theme, _source, day, count in fresh:
        totals[story, theme, day] = totals.get((story, theme, day), 0) + count
    assert sorted(
        db.execute(
            "select story, theme, day, articles from theme_day_totals_named where articles != 0"
        ).fetchall()
    ) == sorted((*key, count) for key, count in totals.items())


def check(db) -> None:
    counts_hold(db)
    for by, since, until in WINDOWS:
        expected = [t.as_dict() for t in old_trends(db, STORY, by, since, until)]
        assert [t.as_dict() for t in theme_trends(db, STORY, by, since, until)] == expected
    assert sum(t["articles"] for t in expected) > 20


def test_trends_equal_the_aggregate_of_every_tag(archive):
    check(archive)
    assert archive.execute("select count(*) from theme_days").fetchone()[0] >= 20
    check(archive)  # reading changes nothing


def test_windows_cut_inside_a_day(archive):
    """Partial first and last days are counted from their articles, to the second."""
    times = [
        r[0]
        for r in archive.execute(
            "select distinct dated_at from articles where dated_at >= '2026-07' order by 1"
        )
    ]
    for since, until in [(times[3], times[-4]), (times[5], times[5]), (times[9], None)]:
        for by in ("day", "month"):
            expected = [t.as_dict() for t in old_trends(archive, STORY, by, since, until)]
            assert [t.as_dict() for t in theme_trends(archive, STORY, by, since, until)] == (
                expected
            )
    later = times[-1][:10] + "T23:59:59Z"
    assert theme_trends(archive, STORY, "day", later, times[0]) == [
        t for t in theme_trends(archive, STORY, "day", later, times[0]) if not t.articles
    ]


def test_migration_fills_the_counts_of_an_older_database(archive):
    """The migration counts the tags already stored: the triggers dropped (as before
    m140) while more is stored, then the table made again."""
    for name in schema_themedays.TRIGGERS:
        archive.execute(f"drop trigger {name}")
    archive.execute("drop table theme_days")
    archive.execute("drop table theme_day_totals")
    add_article(archive, "https://late/1", "Talks", SENTENCES[0], story=STORY)
    add_article(archive, "https://a/7", "Edited again", SENTENCES[2], story=STORY)
    with archive.atomic():
        schema_themedays.apply(archive)
    check(archive)


def test_m180_keys_the_counts_of_the_text_keyed_layout(archive):
    """A database of m140's layout (slugs and the day as text) gets the keyed one, the
    same counts, the triggers following it."""
    for name in schema_themedays.TRIGGERS:
        archive.execute(f"drop trigger {name}")
    for name in schema_themedays.VIEWS:
        archive.execute(f"drop view {name}")
    archive.execute("drop table theme_days")
    archive.execute("drop table theme_day_totals")
    archive.execute("drop table theme_keys")
    archive.execute(
        """create table theme_days (story text not null, theme text not null,
           source text not null, day text not null, articles integer not null,
           primary key (story, theme, source, day)) without rowid"""
    )
    archive.execute(f"insert into theme_days {schema_themedays.COUNT}")
    with archive.atomic():
        schema.m180_theme_days_keyed(archive)
    check(archive)
    add_article(archive, "https://late/2", "Talks again", SENTENCES[1], story=STORY)
    check(archive)


def test_counts_follow_plain_sql_writes(archive):
    """Writes by other tools (Datasette, sqlite-utils, plain SQL) keep the counts."""
    vid, story, theme = archive.execute(
        "select vt.version_id, vt.story, vt.theme from version_themes vt "
        "join versions v on v.id = vt.version_id "
        "join articles a on a.id = v.article_id and a.current_version = v.number limit 1"
    ).fetchone()
    # a replaced tag counts once, with recursive triggers on (sqlite-utils) or off (the
    # sqlite3 shell: SQLite runs no delete trigger for the replaced row)
    for recursive in ("on", "off", "on"):
        archive.execute(f"pragma recursive_triggers = {recursive}")
        archive.execute(
            "insert or replace into version_themes (version_id, story, theme, score, evidence) "
            "values (?, ?, ?, 9.0, null)",
            [vid, story, theme],
        )
        counts_hold(archive)
    archive.execute(
        "update version_themes set theme = 'renamed' where version_id = ? and theme = ?",
        [vid, theme],
    )
    counts_hold(archive)
    archive.execute("update articles set dated_at = '2026-05-02T10:00:00Z' where id = 5")
    archive.execute("update articles set source = null where id = 6")
    archive.execute("update articles set current_version = 1 where version_count > 1")
    counts_hold(archive)
    archive.execute("delete from version_rows where id = ?", [vid])
    archive.execute("delete from articles where id % 7 = 0")
    archive.conn.commit()
    check(archive)


def test_cached_months_follow_changes_and_retags(archive):
    check(archive)
    add_article(
        archive,
        "https://new/1",
        "Talks",
        SENTENCES[0],
        source="Dawn",
        published="2026-07-14T10:00:00Z",
        observed="2026-07-14T10:00:00Z",
    )
    check(archive)
    add_article(archive, "https://a/3", "Edited", SENTENCES[4], observed="2026-10-01T00:00:00Z")
    check(archive)
    archive.execute("delete from articles where id in (select id from articles limit 3)")
    archive.execute("update articles set source = 'Renamed' where id = 10")
    archive.conn.commit()
    check(archive)
    # tags lost (as an old taxonomy would have left them), then a retag puts them back
    archive.execute("delete from version_themes where version_id % 3 = 0")
    archive.conn.commit()
    derive.retag(archive, every=True)
    check(archive)
