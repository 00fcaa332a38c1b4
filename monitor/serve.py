"""``monitor serve``: the database in Datasette, with titles, descriptions, labels and
canned queries a newcomer can use (latest edits, headline rewrites, theme trends,
search across the current version of each article).

Datasette is an optional extra (``pip install 'monitor[serve]'``). The metadata is
plain data (:func:`metadata`); :func:`run` starts Datasette's ASGI app under uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.errors import InputError

#: canned queries: (name, title, description, SQL)
QUERIES: list[tuple[str, str, str, str]] = [
    (
        "latest_edits",
        "Latest edits",
        "The most recent edits of articles after publication, newest first.",
        """select e.observed_at, e.article_id, l.title, e.from_number, e.to_number,
  e.severity, e.summary, e.source, e.url
from edits e join articles_latest l on l.id = e.article_id
order by e.observed_at desc, e.article_id desc
limit 200""",
    ),
    (
        "headline_rewrites",
        "Headline rewrites",
        "Every edit that changed an article's headline: the old and the new title.",
        """select observed_at, article_id, title_old, title_new, headline_change, severity,
  source, url
from edits
where title_changed = 1
order by observed_at desc, article_id desc""",
    ),
    (
        "theme_trends",
        "Theme trends by month",
        "Articles per theme and month (each article's current version, dated by its "
        "publication, else first sighting): the periods of 'monitor themes --by month'.",
        """select substr(a.dated_at, 1, 7) as period, vt.story, vt.theme,
  coalesce(t.label, vt.theme) as label, count(distinct a.id) as articles
from articles a
join versions v on v.article_id = a.id and v.number = a.current_version
join version_themes vt on vt.version_id = v.id
left join themes t on t.story = vt.story and t.slug = vt.theme
group by period, vt.story, vt.theme
order by period, vt.story, vt.theme""",
    ),
    (
        "search",
        "Search current articles",
        "Full-text search of each article's current version (titles and text; Urdu "
        'too): each article once, best matches first. Words, "phrases", OR, NOT.',
        """select a.id, v.title, a.source, a.dated_at, a.version_count as versions,
  snippet(versions_fts, 0, '[', ']', '…', 16) as snippet, a.url
from versions_fts
join versions v on v.id = versions_fts.rowid
join articles a on a.id = v.article_id and v.number = a.current_version
where versions_fts match :q
order by rank
limit 100""",
    ),
]

TABLES: dict[str, dict[str, Any]] = {
    "articles_latest": {
        "title": "Articles (current version)",
        "description": "Each article once, with the title, byline and length of its current "
        "version, its dates (UTC) and how many versions were stored. Search here finds "
        "current versions only.",
        "fts_table": "versions_fts",
        "fts_pk": "version_id",
        "sort_desc": "dated_at",
        "label_column": "title",
    },
    "edits": {
        "title": "Edits",
        "description": "Each stored version pair of an article: old and new headline, what "
        "changed, and how much it matters (severity: cosmetic, minor, substantive, major).",
        "sort_desc": "observed_at",
    },
    "articles": {
        "title": "Articles (identity)",
        "description": "One row per article: its identity (normalised URL, else feed GUID, "
        "else content) and dates. Titles and texts are in versions; "
        "articles_latest joins the current one.",
        "label_column": "url",
        "sort_desc": "dated_at",
    },
    "versions": {
        "title": "Versions",
        "description": "Every stored version of every article: title, text, when it was "
        "seen and where it came from (file, feed, page).",
        "label_column": "title",
        "sort_desc": "observed_at",
    },
    "diffs": {
        "title": "Version pairs (all statistics)",
        "description": "The full statistics of each version pair; the edits view shows the "
        "columns people read.",
    },
    "stories": {
        "title": "Stories",
        "description": "What is followed: a relevance rule and a theme taxonomy.",
        "label_column": "name",
    },
    "themes": {
        "title": "Themes",
        "description": "The themes of each story's taxonomy.",
        "label_column": "label",
    },
    "version_themes": {
        "title": "Theme tags",
        "description": "Which themes each version carries, with score and evidence: the "
        'terms matched and, as "at", where the strongest is in the title and text (a blank '
        "line between); monitor show --json and monitor export themes show its snippet.",
    },
    "feeds": {
        "title": "Feeds",
        "description": "Followed feeds, their state and last error.",
        "label_column": "name",
    },
    "runs": {"title": "Fetch runs", "description": "Each 'monitor fetch' and what it did."},
    "current_articles": {
        "title": "Current articles (all columns)",
        "description": "Each article joined to its current version, text included.",
    },
}


def metadata(database: str, title: str = "monitor") -> dict[str, Any]:
    """Datasette metadata for the database named ``database`` (its file's stem)."""
    return {
        "title": title,
        "description": "Every version of every article of the stories this database "
        "follows, their themes and edits. Times are UTC. Start with "
        "articles_latest, edits, or the queries below.",
        "databases": {
            database: {
                "title": title,
                "tables": TABLES,
                "queries": {
                    name: {"title": qtitle, "description": description, "sql": sql}
                    for name, qtitle, description, sql in QUERIES
                },
            }
        },
    }


def available() -> bool:
    try:
        import datasette  # noqa: F401
    except ImportError:
        return False
    return True


def run(path: Path, host: str, port: int, title: str = "monitor") -> None:
    """Serve ``path`` in Datasette on ``host:port`` until interrupted."""
    if not available():
        raise InputError(
            "monitor serve needs Datasette: pip install 'monitor[serve]' (or pip install datasette)"
        )
    import uvicorn
    from datasette.app import Datasette
    from datasette.plugins import pm

    from monitor import sqlplugin

    if not pm.is_registered(sqlplugin):  # monitor_text() for the versions view
        pm.register(sqlplugin, name="monitor")

    datasette = Datasette(
        [str(path)],
        metadata=metadata(path.stem, title),
        settings={"sql_time_limit_ms": 5000},
    )
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
