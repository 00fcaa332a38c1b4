"""Themes over time: per theme article counts, sources, first/last seen, and periods.

An article counts for a theme when its *current* version carries the tag; its
time is ``articles.dated_at`` (published, else first seen). Periods are days
(``YYYY-MM-DD``), ISO weeks (``YYYY-Www``, the ISO year: 2024-12-30 is in
2025-W01) or months (``YYYY-MM``).

A theme is **recurring** when it appears in at least :data:`MIN_PERIODS`
distinct periods of the window (a single burst, however large, is not).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError

if TYPE_CHECKING:
    from sqlite_utils import Database

PERIODS = ("day", "week", "month")
MIN_PERIODS = 3
BLOCKS = "▁▂▃▄▅▆▇█"


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso[:10]).date()


def period_key(iso: str, by: str) -> str:
    """The period ``iso`` (a UTC timestamp or date) falls in."""
    d = _day(iso)
    if by == "day":
        return d.isoformat()
    if by == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{d.year}-{d.month:02d}"
    raise InputError(f"--by {by!r}: use one of {', '.join(PERIODS)}")


def _period_start(key: str, by: str) -> date:
    if by == "day":
        return date.fromisoformat(key)
    if by == "week":
        year, week = key.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def _next(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_range(first: str, last: str, by: str) -> list[str]:
    """Every period key from ``first`` to ``last`` inclusive (keys of the same ``by``)."""
    keys: list[str] = []
    current, end = _period_start(first, by), _period_start(last, by)
    while current <= end:
        keys.append(period_key(current.isoformat(), by))
        current = _next(current, by)
    return keys


def sparkline(values: list[int]) -> str:
    """Unicode block sparkline; zero is a space so gaps show."""
    top = max(values, default=0)
    if top <= 0:
        return " " * len(values)
    return "".join(
        " " if v <= 0 else BLOCKS[min(len(BLOCKS) - 1, (v * len(BLOCKS) - 1) // top)]
        for v in values
    )


@dataclass
class ThemeTrend:
    theme: str
    label: str
    articles: int = 0
    sources: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    periods: dict[str, int] = field(default_factory=dict)

    @property
    def recurring(self) -> bool:
        return len(self.periods) >= MIN_PERIODS

    def as_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "label": self.label,
            "articles": self.articles,
            "sources": self.sources,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "periods": dict(sorted(self.periods.items())),
            "recurring": self.recurring,
        }


def resolve_story(db: Database, story: str | None) -> str:
    """``story``, or the only story with themes when there is one."""
    if story:
        if not db["themes"].count_where("story = ?", [story]) and not db["stories"].count_where(
            "slug = ?", [story]
        ):
            raise InputError(f"story {story!r}: has no themes; see 'monitor stories list'")
        return story
    slugs = [
        r["story"]
        for r in db.query(
            "select story from themes union select story from version_themes order by 1"
        )
    ]
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        raise InputError(
            "no story has themes yet; run 'monitor init' or 'monitor stories add FILE'"
        )
    raise InputError(f"several stories have themes ({', '.join(slugs)}); choose one with --story")


def theme_trends(
    db: Database,
    story: str,
    by: str = "month",
    since: str | None = None,
    until: str | None = None,
) -> list[ThemeTrend]:
    """Every theme of ``story`` (taxonomy order kept for ties), most articles first."""
    if by not in PERIODS:
        raise InputError(f"--by {by!r}: use one of {', '.join(PERIODS)}")
    trends: dict[str, ThemeTrend] = {
        r["slug"]: ThemeTrend(r["slug"], r["label"])
        for r in db.query("select slug, label from themes where story = ? order by rowid", [story])
    }
    found: dict[str, ThemeTrend] = {}
    sources: dict[str, set[str]] = {}
    days: dict[str, tuple[str, str]] = {}  # theme -> its first and last day
    edges: dict[tuple[str, str], tuple[str, str]] = {}  # (theme, day) -> first, last
    for theme, day, count, first, last, names in _day_rows(db, story, since, until):
        trend = found.setdefault(theme, trends.get(theme) or ThemeTrend(theme, theme))
        sources.setdefault(theme, set()).update(names)
        if not day:  # a theme's sources alone
            continue
        trend.articles += count
        key = period_key(day, by)
        trend.periods[key] = trend.periods.get(key, 0) + count
        low, high = days.get(theme, (day, day))
        days[theme] = (min(low, day), max(high, day))
        if first is not None and last is not None:
            edges[theme, day] = (first, last)
    _first_and_last(db, story, found, days, edges)
    for theme in sorted(found):  # themes no longer in the taxonomy, after it
        trends.setdefault(theme, found[theme])
    for theme, seen in sources.items():
        trends[theme].sources = len(seen)
    order = {slug: i for i, slug in enumerate(trends)}
    return sorted(trends.values(), key=lambda t: (-t.articles, order[t.theme]))


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _day_rows(
    db: Database, story: str, since: str | None, until: str | None
) -> Iterator[tuple[str, str, int, str | None, str | None, set[str]]]:
    """(theme, day, articles, first, last, sources) of the story's tagged current versions
    dated in the window. Whole days come from ``theme_day_totals`` and ``theme_days``
    (counts kept by triggers as tags and articles change: a row a theme and day, and two
    index seeks a theme and source, whatever the archive holds; ``first``/``last``
    None); the window's partial first and last days are counted from their articles."""
    low = since[:10] if since else None
    high = until[:10] if until else None
    # (days are kept as the number YYYYMMDD: schema_themedays)
    window = {"story": story, "low": _day_number(low), "high": _day_number(high)}
    days = (
        "d.articles > 0"
        + (" and d.day > :low" if low else "")
        + (" and d.day < :high" if high else "")
    )
    themes: dict[str, int] = {}
    for theme, key, day, count in db.execute(
        f"""select k.theme, k.id, d.day, d.articles from theme_keys k
            join theme_day_totals d on d.key = k.id where k.story = :story and {days}""",
        window,
    ):
        themes[theme] = key
        yield theme, _day_text(day), int(count), None, None, set()
    for theme in sorted(themes):
        yield theme, "", 0, None, None, _sources(db, {**window, "key": themes[theme]}, days)
    for day in sorted({d for d in (low, high) if d}):
        for theme, count, first, last, seen in _aggregate(
            db, story, day, _next_day(day), since, until
        ):
            yield theme, day, count, first, last, {n for n in json.loads(seen) if n}


def _sources(db: Database, params: dict[str, Any], days: str) -> set[str]:
    """The sources with an article of a theme on a day matching ``days``: the theme's
    sources walked in the index one seek each (however many days each has), each
    looked up once in the window."""
    sql = f"""with recursive s(source) as (
                select (select min(source) from theme_days where key = :key)
                union all
                select (select min(source) from theme_days where key = :key and source > s.source)
                from s where s.source is not null)
              select source from s where source is not null and source != ''
              and exists (select 1 from theme_days d where d.key = :key
                          and d.source = s.source and {days})"""
    return {row[0] for row in db.execute(sql, params)}


def _day_number(day: str | None) -> int | None:
    """``2026-07-10`` as ``theme_days`` keeps it: 20260710."""
    return int(day.replace("-", "")) if day else None


def _day_text(day: int) -> str:
    return f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}"


def _first_and_last(
    db: Database,
    story: str,
    found: dict[str, ThemeTrend],
    days: dict[str, tuple[str, str]],
    edges: dict[tuple[str, str], tuple[str, str]],
) -> None:
    """Each theme's first and last article time: from the articles of its first and
    last day (one query a day, few days: themes mostly start and end on the same)."""
    wanted = {d for theme, pair in days.items() for d in pair if d} - {d for _t, d in edges}
    for day in sorted(wanted):
        for theme, _count, first, last, _seen in _aggregate(
            db, story, day, _next_day(day), None, None
        ):
            edges[theme, day] = (first, last)
    for theme, (low, high) in days.items():
        trend = found[theme]
        trend.first_seen = edges[theme, low][0] if (theme, low) in edges else None
        trend.last_seen = edges[theme, high][1] if (theme, high) in edges else None


def _aggregate(
    db: Database, story: str, low: str, high: str, since: str | None, until: str | None
) -> list[Any]:
    """(theme, articles, first, last, sources JSON) of the story's tagged current
    versions dated from ``low`` to before ``high`` (and in the window)."""
    clauses = ["vt.story = ?", "a.dated_at >= ?", "a.dated_at < ?"]
    params: list[Any] = [story, low, high]
    if since:
        clauses.append("a.dated_at >= ?")
        params.append(since)
    if until:
        clauses.append("a.dated_at <= ?")
        params.append(until)
    # the join runs from the day's articles (through an index that holds their date,
    # current version and source) to their current versions' tags, reading no text
    sql = f"""select vt.theme, count(*), min(a.dated_at), max(a.dated_at),
                     json_group_array(distinct nullif(a.source, ''))
              from articles a indexed by articles_dated_current
              cross join versions v on v.article_id = a.id and v.number = a.current_version
              cross join version_themes vt on vt.version_id = v.id
              where {" and ".join(clauses)} group by 1"""
    return [list(row) for row in db.execute(sql, params)]


def window_periods(
    trends: list[ThemeTrend], by: str, since: str | None, until: str | None, limit: int = 0
) -> list[str]:
    """The periods to draw: the window (or the span of the data), the last ``limit``."""
    seen = [k for t in trends for k in t.periods]
    first = period_key(since, by) if since else min(seen, default=None)
    last = period_key(until, by) if until else max(seen, default=None)
    if first is None or last is None or first > last:
        return []
    keys = period_range(first, last, by)
    return keys[-limit:] if limit else keys


#: the columns of a trend table, the same for ``themes --csv`` and ``export theme-trends``
TREND_COLUMNS = ["period", "period_start", "story", "theme", "label", "articles", "mean_score"]


def period_rows(db: Database, sql: str, params: list[Any], by: str) -> list[dict[str, Any]]:
    """One row per period, story and theme, in :data:`TREND_COLUMNS`.

    ``sql`` selects ``article_id, dated_at, story, theme, label, score`` (one row per
    tagged current version). ``period`` is the label ``themes`` shows (``2025-W44``,
    ``2025-10``, ``2025-10-30``); ``period_start`` is its first day, a date that
    spreadsheets sort and chart.
    """
    if by not in PERIODS:
        raise InputError(f"--by {by!r}: use one of {', '.join(PERIODS)}")
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for article_id, dated, story, theme, label, score in db.execute(sql, params):
        key = (period_key(dated, by), story, theme)
        group = groups.setdefault(key, {"label": label or theme, "ids": set(), "scores": []})
        group["ids"].add(article_id)
        group["scores"].append(score)
    return [
        {
            "period": period,
            "period_start": _period_start(period, by).isoformat(),
            "story": story,
            "theme": theme,
            "label": group["label"],
            "articles": len(group["ids"]),
            "mean_score": round(sum(group["scores"]) / len(group["scores"]), 4),
        }
        for (period, story, theme), group in sorted(groups.items())
    ]
