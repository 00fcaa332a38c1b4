"""Themes over time: per theme article counts, sources, first/last seen, and periods.

An article counts for a theme when its *current* version carries the tag; its
time is ``articles.dated_at`` (published, else first seen). Periods are days
(``YYYY-MM-DD``), ISO weeks (``YYYY-Www``, the ISO year: 2024-12-30 is in
2025-W01) or months (``YYYY-MM``).

A theme is **recurring** when it appears in at least :data:`MIN_PERIODS`
distinct periods of the window (a single burst, however large, is not).
"""

from __future__ import annotations

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
    clauses, params = ["vt.story = ?"], [story]
    if since:
        clauses.append("a.dated_at >= ?")
        params.append(since)
    if until:
        clauses.append("a.dated_at <= ?")
        params.append(until)
    # SQLite aggregates while it streams the tags: rows per theme and day, then per theme,
    # whatever the number of tagged articles (memory stays flat). The join runs from the
    # articles (small rows) through covering indexes, never reading a version's text.
    tagged = f"""from articles a
              cross join versions v on v.article_id = a.id and v.number = a.current_version
              cross join version_themes vt on vt.version_id = v.id
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
