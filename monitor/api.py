"""The front door: :class:`Monitor`, one method per command.

    >>> import monitor
    >>> m = monitor.open("news.db")          # doctest: +SKIP
    >>> m.add("article.txt")                 # doctest: +SKIP

Each ``monitor`` command calls one method here; scripts and notebooks call the
same methods. Heavy stages (HTTP, feed parsing, extraction, rich tables) are
imported by the methods that need them, so opening a database stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from monitor.store import db as dbmod
from monitor.store import queries
from monitor.store.queries import ArticleFilter

if TYPE_CHECKING:
    from sqlite_utils import Database

    from monitor.add import AddOptions, AddOutcome
    from monitor.analysis.edits import Comparison
    from monitor.analysis.search import SearchOptions
    from monitor.derive import RetagResult
    from monitor.themes.discover import Candidate
    from monitor.themes.stories import Story
    from monitor.themes.trends import ThemeTrend
    from monitor.update import FeedReport, FetchOptions, RunReport


def open(path: str | Path | None = None) -> Monitor:  # noqa: A001 - the front door's name
    """The database at ``path``, else the default (``MONITOR_DB``, else ``monitor.db``
    in the user data directory). It is connected (created and migrated if needed) on
    first use, so ``fetch`` can take its lock before touching the file."""
    return Monitor(Path(path) if path is not None else dbmod.default_db_path())


def _backfill(db: Database) -> None:
    """Fill the derived data that migrations asked for (the derive stage loads only then)."""
    from monitor.store import schema

    if schema.pending_backfills(db):
        from monitor import derive

        derive.backfill(db)


@dataclass
class Trends:
    """``themes``: the story they belong to and one trend per theme."""

    story: str
    trends: list[ThemeTrend]


class Monitor:
    """One open database and everything the tool does with it."""

    def __init__(self, path: Path | None = None, db: Database | None = None):
        self.path = path
        self._db = db
        if db is not None:
            _backfill(db)

    @property
    def db(self) -> Database:
        """The open database (connected and migrated on first use)."""
        if self._db is None:
            if self.path is None:
                raise ValueError("Monitor needs a database path or an open database")
            self._db = dbmod.connect(self.path)
            _backfill(self._db)
        return self._db

    # -- lifecycle

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def __enter__(self) -> Monitor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def init(self) -> list[str]:
        """Install the built-in stories; return the applied schema migrations."""
        from monitor.store import schema
        from monitor.themes import stories

        stories.ensure_builtin(self.db)
        return schema.schema_version(self.db)

    # -- sources -> ingest

    def add(
        self,
        source: str,
        options: AddOptions | None = None,
        stdin: BinaryIO | None = None,
    ) -> AddOutcome:
        """Add one article from a text/HTML file, a URL, or ``-`` (``stdin``)."""
        from monitor.add import AddOptions, add_source

        return add_source(self.db, source, options or AddOptions(), stdin)

    def fetch(
        self,
        options: FetchOptions | None = None,
        *,
        wait: float = 0.0,
        progress: Callable[[FeedReport], None] | None = None,
        on_start: Callable[[int], None] | None = None,
    ) -> RunReport:
        """One cron run over the due feeds, holding the database's fetch lock
        (waiting up to ``wait`` seconds for another run)."""
        from monitor import lock
        from monitor.update import FetchOptions, run_fetch

        if self.path is None:
            raise ValueError("fetch needs a database file (for its lock)")
        with lock.exclusive(self.path, wait=wait):
            return run_fetch(self.db, options or FetchOptions(), progress, on_start)

    # -- reading

    def articles(self, flt: ArticleFilter | None = None) -> Iterator[dict[str, Any]]:
        """Articles newest first, with their current title (``monitor list``)."""
        return queries.iter_articles(self.db, flt or ArticleFilter())

    def article(self, article_id: int, version: int | None = None) -> dict[str, Any]:
        """One article with one version's text, its versions, edits and themes (``show``)."""
        return queries.article_detail(self.db, article_id, version)

    def diff(
        self,
        article_id: int,
        from_number: int | None = None,
        to_number: int | None = None,
        every: bool = False,
    ) -> list[Comparison]:
        """Version pairs compared (``monitor diff``): by default previous -> latest."""
        from monitor.analysis import edits

        return edits.pairs(self.db, article_id, from_number, to_number, every)

    def search(self, query: str, options: SearchOptions | None = None) -> Iterator[dict[str, Any]]:
        """Full-text search, best first (``monitor search``)."""
        from monitor.analysis import search

        return search.search(self.db, query, options or search.SearchOptions())

    def changes(
        self,
        since: str | None = None,
        until: str | None = None,
        story: str | None = None,
        top: int = 5,
        remember: bool = False,
    ) -> dict[str, Any]:
        """The coverage report of a window (``monitor changes``). Without ``since`` the
        window starts where the last remembered run ended; ``remember`` moves that
        bookmark to this window's end."""
        from monitor.analysis import changes

        start, end, how = changes.resolve_window(self.db, since, until)
        report = changes.build(self.db, start, end, story=story, top=top, how=how)
        if remember:
            changes.record_run(self.db, report)
        return report

    def themes(
        self,
        story: str | None = None,
        by: str = "month",
        since: str | None = None,
        until: str | None = None,
    ) -> Trends:
        """Per-theme article counts by period (``monitor themes``)."""
        from monitor.themes import stories, trends

        stories.ensure_builtin(self.db)
        slug = trends.resolve_story(self.db, story)
        return Trends(slug, trends.theme_trends(self.db, slug, by, since, until))

    def discover(
        self, story: str | None = None, min_articles: int = 3, limit: int = 20
    ) -> list[Candidate]:
        """Candidate themes not yet in the taxonomy (``monitor themes discover``)."""
        from monitor.themes import discover

        return discover.discover(self.db, story, min_articles, limit)

    def retag(self, story: str | None = None, every: bool = False) -> RetagResult:
        """Re-apply the taxonomies that changed (``every``: all) to the stored versions."""
        from monitor import derive

        return derive.retag(self.db, story, every=every)

    def export(
        self,
        what: str,
        fmt: str = "csv",
        *,
        flt: ArticleFilter | None = None,
        by: str = "month",
        out: TextIO | None = None,
        path: Path | None = None,
        safe: bool = True,
        bom: bool = False,
    ) -> int:
        """Stream one table to ``out`` or (atomically) to ``path``; return the row count."""
        from monitor.analysis import export

        opts = export.ExportOptions(what=what, flt=flt or ArticleFilter(), by=by)
        return export.export(self.db, opts, fmt, out=out, path=path, safe=safe, bom=bom)

    # -- stories and feeds

    def stories(self) -> list[dict[str, Any]]:
        from monitor.themes import stories

        stories.ensure_builtin(self.db)
        return stories.list_stories(self.db)

    def add_story(self, path: Path) -> Story:
        from monitor.themes import stories

        return stories.add_story_file(self.db, path)

    def add_feed(self, url: str, story: str | None = None, name: str | None = None) -> dict:
        from monitor.store import feeds
        from monitor.themes import stories

        if story:
            stories.get_story(self.db, story)  # an unknown story fails before anything is written
        return feeds.add_feed(self.db, url, story=story, name=name)

    def feeds(self) -> list[dict[str, Any]]:
        from monitor.store import feeds

        return feeds.list_feeds(self.db)

    def remove_feed(self, ref: str) -> dict[str, Any]:
        from monitor.store import feeds

        return feeds.remove_feed(self.db, ref)

    def status(self, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
        """The last fetch runs and the failing feeds (``monitor status``)."""
        from monitor import lock
        from monitor.store import feeds, runs

        running = self.path is not None and lock.is_held(self.path)
        return {
            "runs": runs.recent_runs(self.db, limit, running=running),
            "failing_feeds": feeds.failing_feeds(self.db),
        }
