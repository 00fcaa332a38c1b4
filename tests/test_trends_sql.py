"""``themes`` aggregates in SQL: the same trends as counting every tag in Python."""

from __future__ import annotations

import random

import pytest
from conftest import add_article

from monitor.themes import stories, trends

SENTENCES = [
    "Pakistan and the Taliban held peace talks in Doha mediated by Qatar.",
    "A suicide bombing by TTP militants killed soldiers in Bannu.",
    "The Torkham border crossing was closed after clashes along the Durand Line.",
    "Thousands of Afghan refugees were deported from Pakistan.",
    "Traders said trucks were stranded and exports halted.",
]


def reference(db, story, by, since, until):
    """Every tag of a current version read into Python, as ``themes`` did before."""
    found = {
        r[0]: trends.ThemeTrend(r[0], r[1])
        for r in db.execute(
            "select slug, label from themes where story = ? order by rowid", [story]
        )
    }
    sources: dict[str, set[str]] = {}
    clauses, params = ["vt.story = ?"], [story]
    if since:
        clauses.append("a.dated_at >= ?")
        params.append(since)
    if until:
        clauses.append("a.dated_at <= ?")
        params.append(until)
    sql = f"""select vt.theme, a.dated_at, coalesce(a.source, '') from version_themes vt
              join versions v on v.id = vt.version_id
              join articles a on a.id = v.article_id and v.number = a.current_version
              where {" and ".join(clauses)}"""
    for theme, dated, source in db.execute(sql, params).fetchall():
        t = found.setdefault(theme, trends.ThemeTrend(theme, theme))
        t.articles += 1
        if source:
            sources.setdefault(theme, set()).add(source)
        t.first_seen = dated if t.first_seen is None else min(t.first_seen, dated)
        t.last_seen = dated if t.last_seen is None else max(t.last_seen, dated)
        key = trends.period_key(dated, by)
        t.periods[key] = t.periods.get(key, 0) + 1
    for theme, names in sources.items():
        found[theme].sources = len(names)
    order = {slug: i for i, slug in enumerate(found)}
    return sorted(found.values(), key=lambda t: (-t.articles, order[t.theme]))


@pytest.fixture
def archive(db):
    stories.ensure_builtin(db)
    rng = random.Random(4)
    for i in range(120):
        text = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
        published = f"2025-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}T{i % 24:02d}:00:00Z"
        source = [None, "", "Dawn", "Geo", "Jang"][i % 5]
        url = f"https://a/{i}"
        add_article(
            db, url, "Report", text, source=source, story="pakistan-taliban", published=published
        )
        if i % 4 == 0:  # an edit: only the current version counts
            add_article(
                db,
                url,
                "Report",
                rng.choice(SENTENCES),
                source=source,
                story="pakistan-taliban",
                published=published,
            )
    return db


@pytest.mark.parametrize("by", trends.PERIODS)
@pytest.mark.parametrize(
    "window", [(None, None), ("2025-03-01", "2025-09-30T23:59:59Z"), ("2025-06-01", None)]
)
def test_sql_aggregates_equal_counting_every_tag(archive, by, window):
    since, until = window
    got = trends.theme_trends(archive, "pakistan-taliban", by, since, until)
    want = reference(archive, "pakistan-taliban", by, since, until)
    assert [t.as_dict() | {"s": t.sources} for t in got] == [
        t.as_dict() | {"s": t.sources} for t in want
    ]
    assert sum(t.articles for t in got) > 0
