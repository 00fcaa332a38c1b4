"""The ``changes`` report: what changed in coverage in a time window.

Sections: new articles, edited articles, themes rising / fading / new against
the previous window of the same length, and distinctive terms of the window.

Times: a new article belongs to a window by when it was first seen (its
published date is shown beside it), so an article fetched late but published
early is reported once, when it arrives; an edit by when its version was
observed. Themes and terms compare periods of coverage, by each article's date
(published, else first seen), as ``monitor list --since`` does.

Windows and cursors: a report covers a window and moves nothing. A named cursor
(``--cursor NAME``, ``--since @NAME``) starts the window just after where the
cursor's previous report ended and ends it at the settled present (see
:func:`resolve_window`); the caller moves it with :func:`advance_cursor` only
after the report was delivered.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from monitor.analysis import terms
from monitor.store import cursors, termstats
from monitor.store.articles import CURRENT
from monitor.text.timeutil import iso, now_iso, parse_datetime

DEFAULT_SPAN = timedelta(hours=24)
SECOND = timedelta(seconds=1)


def resolve_window(
    db: Database,
    since: str | None,
    until: str | None,
    cursor: str | None = None,
    settled: str | None = None,
) -> tuple[str, str, str]:
    """(since, until, how): ``how`` says where the start came from, for the report header.

    Both ends are inclusive (timestamps have whole seconds). With a ``cursor`` the
    window ends at ``settled`` (the last second whose rows are all stored: the
    caller passes one second ago, or the second before a running fetch began,
    whose rows carry its start time) and starts one second after the cursor's
    position, so consecutive cursor windows tile time without gap or overlap. A
    cursor's first window is the last 24 hours, unless ``since`` is given.
    """
    if cursor is not None:
        end = until or settled or iso(_dt(now_iso()) - SECOND)
        if since:
            return since, end, f"given; cursor {cursor}"
        previous = cursors.position(db, cursor)
        if previous is not None:
            return iso(_dt(previous) + SECOND), end, f"cursor {cursor}"
        return iso(_dt(end) - DEFAULT_SPAN), end, f"cursor {cursor} (first use: 24h)"
    end = until or now_iso()
    if since:
        return since, end, "given"
    return iso(_dt(end) - DEFAULT_SPAN), end, "default 24h"


def advance_cursor(db: Database, cursor: str, report: dict[str, Any]) -> None:
    """Move ``cursor`` to the end of the window ``report`` covered (once it was delivered)."""
    cursors.advance(db, cursor, report["window"]["until"])


def _dt(value: str) -> datetime:
    parsed = parse_datetime(value)
    assert parsed is not None, value
    return parsed


def previous_window(since: str, until: str) -> tuple[str, str]:
    start, end = _dt(since), _dt(until)
    span = end - start
    return iso(start - span), iso(start - timedelta(seconds=1))


def _story(story: str | None, alias: str = "a") -> tuple[str, list[Any]]:
    """Articles that belong to ``story`` (filed under it or matched by its rule)."""
    if not story:
        return "", []
    member = f"select 1 from article_stories m where m.article_id = {alias}.id and m.story = ?"
    return f" and exists ({member})", [story]


def new_articles(
    db: Database, since: str, until: str, story: str | None, top: int
) -> dict[str, Any]:
    clause, params = _story(story)
    window = [since, until, *params]
    count = db.execute(
        f"select count(*) from articles a where a.first_seen_at between ? and ?{clause}", window
    ).fetchone()[0]
    by_source = [
        {"source": r[0], "count": r[1]}
        for r in db.execute(
            f"""select coalesce(a.source, '(unknown)'), count(*) from articles a
                where a.first_seen_at between ? and ?{clause} group by 1 order by 2 desc, 1""",
            window,
        )
    ]
    headlines = list(
        db.query(
            f"""select a.id, v.title, a.source, a.dated_at, a.published_at, a.first_seen_at,
                   a.url, a.version_count
                from {CURRENT}
                where a.first_seen_at between ? and ?{clause}
                order by a.first_seen_at desc, a.id desc limit ?""",
            [*window, top],
        )
    )
    return {"count": count, "by_source": by_source, "top": headlines}


def edited_articles(
    db: Database, since: str, until: str, story: str | None, top: int
) -> list[dict[str, Any]]:
    """Articles with a new version observed in the window, most edited first.

    Word and quote counts come from the ``diffs`` table (filled by the diff
    capability); headline rewrites are read from the versions themselves. The
    versions are found by their ``observed_at`` index (the window's rows only; left
    to itself the planner walked every version to save a sort).
    """
    clause, params = _story(story)
    rows = db.query(
        f"""select v.article_id as id, min(v.number) as first, max(v.number) as last,
                count(*) as new_versions, a.source, a.version_count,
                sum(d.words_added) as words_added, sum(d.words_removed) as words_removed,
                sum(d.quotes_altered) as quotes_altered, sum(d.quotes_added) as quotes_added,
                sum(d.quotes_removed) as quotes_removed, count(d.id) as diffs
            from version_rows v indexed by versions_observed_at
            join articles a on a.id = v.article_id
            left join diffs d on d.article_id = v.article_id and d.to_number = v.number
            where v.number > 1 and v.observed_at between ? and ?{clause}
            group by v.article_id""",
        [since, until, *params],
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        titles = dict(
            db.execute(
                "select number, title from versions where article_id = ? and number in (?, ?)",
                [row["id"], row["first"] - 1, row["last"]],
            ).fetchall()
        )
        old, new = titles.get(row["first"] - 1), titles.get(row["last"])
        has_stats = row.pop("diffs") > 0
        for key in (
            "words_added",
            "words_removed",
            "quotes_altered",
            "quotes_added",
            "quotes_removed",
        ):
            if not has_stats:
                row[key] = None
        out.append(
            {
                "id": row["id"],
                "title": new,
                "source": row["source"],
                "from_version": row["first"] - 1,
                "to_version": row["last"],
                "new_versions": row["new_versions"],
                "headline_rewritten": old is not None and old != new,
                "title_old": old,
                "title_new": new,
                "words_added": row["words_added"],
                "words_removed": row["words_removed"],
                "quotes_altered": row["quotes_altered"],
                "quotes_added": row["quotes_added"],
                "quotes_removed": row["quotes_removed"],
                "command": f"monitor diff {row['id']}",
            }
        )
    out.sort(
        key=lambda e: (
            -((e["words_added"] or 0) + (e["words_removed"] or 0)),
            -e["new_versions"],
            -int(e["headline_rewritten"]),
            e["id"],
        )
    )
    return out[:top] if top else out


def _theme_counts(
    db: Database, since: str | None, until: str, story: str | None
) -> dict[tuple[str, str], int]:
    clause, params = _story(story)
    lower = "a.dated_at >= ? and " if since else ""
    sql = f"""select vt.story, vt.theme, count(distinct a.id)
        from {CURRENT}
        join version_themes vt on vt.version_id = v.id
        where {lower}a.dated_at <= ?{clause} group by vt.story, vt.theme"""
    args = ([since] if since else []) + [until, *params]
    return {(r[0], r[1]): r[2] for r in db.execute(sql, args)}


def _seen_before(db: Database, key: tuple[str, str], until: str, story: str | None) -> bool:
    """Whether an article dated up to ``until`` carries theme ``key`` (story, slug):
    stops at the first such article instead of counting them all."""
    clause, params = _story(story)
    row = db.execute(
        f"""select 1 from version_themes vt
            join versions v on v.id = vt.version_id
            join articles a on a.id = v.article_id and v.number = a.current_version
            where vt.story = ? and vt.theme = ? and a.dated_at <= ?{clause} limit 1""",
        [key[0], key[1], until, *params],
    ).fetchone()
    return row is not None


def themes_section(
    db: Database, since: str, until: str, prev: tuple[str, str], story: str | None
) -> dict[str, list[dict[str, Any]]]:
    now = _theme_counts(db, since, until, story)
    before = _theme_counts(db, prev[0], prev[1], story)
    ever_before = {key: _seen_before(db, key, prev[1], story) for key in now}
    labels = {(r[0], r[1]): r[2] for r in db.execute("select story, slug, label from themes")}
    rising, fading, new = [], [], []
    for key in sorted(set(now) | set(before)):
        count, previous = now.get(key, 0), before.get(key, 0)
        item = {
            "story": key[0],
            "theme": key[1],
            "label": labels.get(key, key[1]),
            "count": count,
            "previous": previous,
            "change": count - previous,
        }
        if count and not ever_before.get(key):
            new.append(item)
        elif count > previous:
            rising.append(item)
        elif count < previous:
            fading.append(item)
    rising.sort(key=lambda i: (-i["change"], -i["count"], i["theme"]))
    fading.sort(key=lambda i: (i["change"], i["theme"]))
    new.sort(key=lambda i: (-i["count"], i["theme"]))
    return {"rising": rising, "fading": fading, "new": new}


def _texts(
    db: Database, lo: str, hi: str, story: str | None, hi_open: bool = False, lo_open: bool = False
) -> Iterable[str]:
    """Title and text of the current versions of the articles dated from ``lo`` to ``hi``
    (inclusive; ``lo_open``/``hi_open``: after ``lo``/before ``hi``)."""
    clause, params = _story(story)
    lower, upper = (">" if lo_open else ">="), ("<" if hi_open else "<=")
    for title, text in db.execute(
        f"""select v.title, v.text from {CURRENT}
            where a.dated_at {lower} ? and a.dated_at {upper} ?{clause}""",
        [lo, hi, *params],
    ):
        yield f"{title}\n{text}"


def _dated(db: Database, lo: str, hi: str, story: str | None, lo_open: bool = False) -> int:
    """How many articles are dated in [lo, hi) (``lo_open``: in (lo, hi)), from the
    index on ``dated_at``."""
    clause, params = _story(story)
    lower = ">" if lo_open else ">="
    row = db.execute(
        f"select count(*) from articles a where a.dated_at {lower} ? and a.dated_at < ?{clause}",
        [lo, hi, *params],
    ).fetchone()
    return int(row[0])


#: part of every cached day's fingerprint: change it when :func:`terms.count` counts
#: differently, and every cached day is counted again
COUNT_VERSION = "1"
DAY = timedelta(days=1)


def _fingerprint(db: Database, day: str, story: str | None) -> str:
    """What the cached counts of ``day`` must have been made from (its rows now)."""
    nxt = (date.fromisoformat(day) + DAY).isoformat()
    clause, params = _story(story)
    n, ids, words = db.execute(
        f"""select count(*), total(v.id), total(v.words) from {CURRENT}
            where a.dated_at >= ? and a.dated_at < ?{clause}""",
        [day, nxt, *params],
    ).fetchone()
    return f"{COUNT_VERSION}:{n}:{int(ids)}:{int(words)}"


def _day_counts(db: Database, day: str, story: str | None) -> Counter[str]:
    """The term counts of the articles dated on ``day`` (``YYYY-MM-DD``, UTC): cached in
    ``term_days`` while the day's rows (how many, which current versions, their words)
    stay the same, else counted from the texts and cached again."""
    fingerprint, cached = _cached_day(db, day, story)
    if cached is not None:
        return cached
    nxt = (date.fromisoformat(day) + DAY).isoformat()
    counts = terms.count(_texts(db, day, nxt, story, hi_open=True))
    termstats.save_day(db, day, story or "", fingerprint, counts)
    return counts


def _cached_day(db: Database, day: str, story: str | None) -> tuple[str, Counter[str] | None]:
    """The fingerprint of ``day``'s rows now, and its cached counts if they match it (a
    new Counter the caller may change)."""
    fingerprint = _fingerprint(db, day, story)
    return fingerprint, termstats.day_counts(db, day, story or "", fingerprint)


#: one range of dates: ``(lo, lo_open, hi, hi_open)``
_Range = tuple[str, bool, str, bool]


class _Pieces:
    """The term counts of ranges of dates counted for one report, so a day cut at the
    same place by the window and the previous window is read once. A range whose
    bound is a second away from a counted one's (the previous window ends a second
    before the window starts) is that range when no article is dated in between."""

    def __init__(self, db: Database, story: str | None):
        self.db, self.story = db, story
        self.counted: dict[_Range, Counter[str]] = {}

    def get(self, lo: str, hi: str, lo_open: bool = False, hi_open: bool = False) -> Counter[str]:
        key = (lo, lo_open, hi, hi_open)
        found = self.counted.get(key)
        if found is None:
            found = self._same(key)
        if found is None:
            texts = _texts(self.db, lo, hi, self.story, hi_open=hi_open, lo_open=lo_open)
            found = self.counted[key] = terms.count(texts)
        return found

    def _same(self, key: _Range) -> Counter[str] | None:
        """A counted range with the same articles as ``key``: ``(.., x]`` is ``(.., x+1s)``
        and ``(x, ..)`` is ``[x+1s, ..)`` when nothing is dated between x and x+1s."""
        lo, lo_open, hi, hi_open = key
        if not hi_open:
            other: _Range = (lo, lo_open, _next_second(hi), True)
            gap = (hi, other[2])
        elif lo_open:
            other = (_next_second(lo), False, hi, hi_open)
            gap = (lo, other[0])
        else:
            return None
        found = self.counted.get(other)
        if found is None or _dated(self.db, *gap, self.story, lo_open=True):
            return None
        return found

    def whole_day(self, day: str, cut: str, cut_open: bool) -> Counter[str] | None:
        """The cached counts of ``day``, or (not cached) None after counting it in two
        pieces at ``cut`` (``[day, cut)`` and ``[cut, next day)``; ``cut_open``: the
        pieces ``[day, cut]`` and ``(cut, next day)``) and caching their sum."""
        fingerprint, cached = _cached_day(self.db, day, self.story)
        if cached is not None:
            return cached
        nxt = (date.fromisoformat(day) + DAY).isoformat()
        if cut_open:
            whole = self.get(day, cut) + self.get(cut, nxt, lo_open=True, hi_open=True)
        else:
            whole = self.get(day, cut, hi_open=True) + self.get(cut, nxt, hi_open=True)
        termstats.save_day(self.db, day, self.story or "", fingerprint, whole)
        return None


def _next_second(when: str) -> str:
    return iso(_dt(when) + SECOND)


def window_counts(
    db: Database, since: str, until: str, story: str | None, pieces: _Pieces | None = None
) -> Counter[str]:
    """Term counts of the current versions of the articles dated in [since, until]: the
    whole days of the window from the per-day cache, the partial days at its ends from
    their texts, or, for a past day mostly inside the window, from its cached count less
    the texts outside (a report reads at most about a day and a half of texts once its
    days are cached; equal to counting every text of the window). A past partial day
    not cached yet is counted in its two pieces, and cached as their sum. ``pieces``:
    the ranges already counted for this report (the previous window's last day is
    the window's first)."""
    pieces = pieces if pieces is not None else _Pieces(db, story)
    first, last = _dt(since).date(), _dt(until).date()
    if first == last:
        return Counter(pieces.get(since, until))
    today = _dt(now_iso()).date()
    counts: Counter[str] = Counter()
    start = first + DAY
    if since <= f"{first.isoformat()}T00:00:00Z":
        start = first
    else:  # the head: [since, end of its day)
        day, nxt = first.isoformat(), start.isoformat()
        whole = pieces.whole_day(day, since, cut_open=False) if first < today else None
        if whole is not None and _dated(db, since, nxt, story) > _dated(db, day, since, story):
            whole.subtract(pieces.get(day, since, hi_open=True))
            counts.update(+whole)
        else:
            counts.update(pieces.get(since, nxt, hi_open=True))
    day_ = start
    while day_ < last:
        counts.update(_day_counts(db, day_.isoformat(), story))
        day_ += DAY
    # the tail: [start of the last day, until]
    day, nxt = last.isoformat(), (last + DAY).isoformat()
    whole = pieces.whole_day(day, until, cut_open=True) if last < today else None
    if whole is not None and _dated(db, day, until, story) > _dated(db, until, nxt, story):
        whole.subtract(pieces.get(until, nxt, lo_open=True, hi_open=True))
        counts.update(+whole)
    else:
        counts.update(pieces.get(day, until))
    return counts


#: background versions counted per report at most (the oldest not yet counted): a first
#: report on a big archive made before the counts existed reads this many, not all of
#: them; later reports go on from there (the background is a prior: its shape settles
#: long before every version is counted)
REFRESH_LIMIT = 2000


def _background(db: Database, words: list[str]) -> tuple[dict[str, int], int]:
    """How often each of ``words`` occurs in all stored versions, and all their words: from
    counts kept up to date incrementally (only versions stored since the last run are
    read, at most :data:`REFRESH_LIMIT` a run), never a pass over the whole archive."""
    termstats.refresh(db, terms.count, limit=REFRESH_LIMIT)
    return termstats.background(db, words)


def terms_section(
    db: Database, since: str, until: str, prev: tuple[str, str], story: str | None, top: int
) -> list[dict[str, Any]]:
    pieces = _Pieces(db, story)
    focus = window_counts(db, since, until, story, pieces)
    other = window_counts(db, prev[0], prev[1], story, pieces)
    if not focus:
        return []
    background, total = _background(db, sorted(set(focus) | set(other)))
    scored = terms.log_odds(focus, other, background, background_total=total)
    shown = (t for t in scored if t.score > 0 and t.count > t.previous)
    return [
        {"term": t.term, "count": t.count, "previous": t.previous, "score": round(t.score, 2)}
        for t in (shown if not top else itertools.islice(shown, top))
    ]


def _empty(since: str, until: str, story: str | None, how: str) -> dict[str, Any]:
    return {
        "window": {
            "since": since,
            "until": until,
            "from": how,
            "previous_since": since,
            "previous_until": since,
            "story": story,
        },
        "new_articles": {"count": 0, "by_source": [], "top": []},
        "edited_articles": [],
        "themes": {"rising": [], "fading": [], "new": []},
        "terms": [],
    }


def _enrich(db: Database, report: dict[str, Any]) -> None:
    """Make each listed article self-contained: URL, outlet, published date, the command
    to see it, and for edits the named edits and severity of the pairs in the window."""
    from monitor.analysis import delivery

    new, edited = report["new_articles"]["top"], report["edited_articles"]
    ids = sorted({a["id"] for a in new} | {e["id"] for e in edited})
    meta = delivery.article_meta(db, ids)
    for a in new:
        a.update({k: v for k, v in meta.get(a["id"], {}).items() if k not in a})
        a["command"] = f"monitor show {a['id']}"
    window = report["window"]
    for e in edited:
        e.update({k: v for k, v in meta.get(e["id"], {}).items() if k not in e})
        pairs = delivery.pair_rows(db, e["id"], e["from_version"], e["to_version"])
        e["edits"] = [
            {
                "from": p["from_number"],
                "to": p["to_number"],
                "observed_at": p["observed_at"],
                "summary": p.get("summary") or "",
                "severity": delivery.severity_of(p),
            }
            for p in pairs
            if window["since"] <= p["observed_at"] <= window["until"]
        ]
        e["severity"] = delivery.highest([x["severity"] for x in e["edits"]])


def build(
    db: Database, since: str, until: str, story: str | None = None, top: int = 10, how: str = ""
) -> dict[str, Any]:
    if since > until:  # a cursor already past the settled present: nothing can be new
        return _empty(since, until, story, how)
    prev = previous_window(since, until)
    report = {
        "window": {
            "since": since,
            "until": until,
            "from": how,
            "previous_since": prev[0],
            "previous_until": prev[1],
            "story": story,
        },
        "new_articles": new_articles(db, since, until, story, top),
        "edited_articles": edited_articles(db, since, until, story, top),
        "themes": themes_section(db, since, until, prev, story),
        "terms": terms_section(db, since, until, prev, story, top),
    }
    _enrich(db, report)
    return report
