"""The front door: :class:`Monitor`, one method per command.

    >>> import monitor
    >>> m = monitor.open("news.db")          # doctest: +SKIP
    >>> m.add("article.txt")                 # doctest: +SKIP

Each ``monitor`` command calls one method here; scripts and notebooks call the
same methods. Heavy stages (HTTP, feed parsing, extraction, rich tables) are
imported by the methods that need them, so opening a database stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from monitor.errors import InputError, MonitorError
from monitor.store import db as dbmod
from monitor.store import queries
from monitor.store.queries import ArticleFilter

if TYPE_CHECKING:
    from sqlite_utils import Database

    from monitor.add import AddOptions, AddOutcome
    from monitor.analysis.edits import Comparison
    from monitor.analysis.search import SearchOptions
    from monitor.derive import RetagResult
    from monitor.feedcheck import FeedChecker
    from monitor.notify import DestinationResult, NotifyOptions
    from monitor.runreport import FeedReport, RunReport
    from monitor.themes.discover import Candidate
    from monitor.themes.evaluate import Evaluation
    from monitor.themes.stories import Story
    from monitor.themes.trends import ThemeTrend
    from monitor.update import FetchOptions


def open(path: str | Path | None = None, create: bool = True) -> Monitor:  # noqa: A001
    """The database at ``path``, else the default (``MONITOR_DB``, else ``monitor.db``
    in the user data directory). It is connected (created when ``create``, and
    migrated) on first use, so ``fetch`` can take its lock before touching the file.
    With ``create=False`` a missing file is a :class:`monitor.NotFoundError`."""
    resolved = Path(path) if path is not None else dbmod.default_db_path()
    return Monitor(resolved, create=create)


def _backfill(db: Database) -> None:
    """Fill the derived data that migrations asked for (the derive stage loads only then)."""
    from monitor.store import backfills

    if backfills.pending_backfills(db):
        from monitor import derive

        derive.backfill(db)


@dataclass
class StoryAdded:
    """``stories add``: the story saved, and the stored articles its rule took in or let go."""

    story: Story
    joined: int
    left: int


@dataclass
class Trends:
    """``themes``: the story they belong to and one trend per theme."""

    story: str
    trends: list[ThemeTrend]


class Monitor:
    """One open database and everything the tool does with it."""

    def __init__(self, path: Path | None = None, db: Database | None = None, create: bool = True):
        self.path = path
        self.create = create
        self._db = db
        if db is not None:
            _backfill(db)

    @property
    def db(self) -> Database:
        """The open database (connected and migrated on first use)."""
        if self._db is None:
            if self.path is None:
                raise ValueError("Monitor needs a database path or an open database")
            self._db = dbmod.connect(self.path, create=self.create)
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
        from monitor.themes import lemmas

        with lemmas.compact():  # (one article: a few hundred words to look up)
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
        from monitor.themes import lemmas

        # (the lemma dictionaries read as needed: a fetch run's process tree stays under
        # 100 MB; its entries' new words cost ~12 µs more each)
        with lock.exclusive(self.path, wait=wait), lemmas.compact():
            return run_fetch(self.db, options or FetchOptions(), progress, on_start)

    def reextract(self, article_ids: list[int] | None = None, apply: bool = False) -> list[Any]:
        """Run the extractor again over stored page HTML and report what would change
        (``monitor reextract``); ``apply`` stores the changed texts as versions. Returns
        :class:`monitor.reextract.Reextracted` items."""
        from monitor.reextract import reextract

        return list(reextract(self.db, article_ids or None, apply))

    # -- reading

    def articles(self, flt: ArticleFilter | None = None) -> Iterable[dict[str, Any]]:
        """Articles newest first, with their current title (``monitor list``); the
        stream's ``columns`` name them before the first row."""
        return queries.iter_articles(self.db, flt or ArticleFilter())

    def article(self, article_id: int, version: int | None = None) -> dict[str, Any]:
        """One article with one version's text, its versions, edits and themes, and the
        suspect pages seen of it (``show``)."""
        from monitor.store import suspects

        detail = queries.article_detail(self.db, article_id, version)
        detail["suspects"] = suspects.for_article(self.db, article_id)
        return detail

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

    def diff_page(
        self,
        article_id: int,
        from_number: int | None = None,
        to_number: int | None = None,
        every: bool = False,
    ) -> tuple[dict[str, Any], list[Comparison]]:
        """:meth:`diff` with the article it belongs to (URL, outlet, published date), for
        outputs that must stand on their own (``monitor diff --format html|json``)."""
        comparisons = self.diff(article_id, from_number, to_number, every)
        from monitor.analysis import delivery

        return delivery.article_meta(self.db, [article_id]).get(article_id, {}), comparisons

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
        cursor: str | None = None,
        deliver: Callable[[dict[str, Any]], None] | None = None,
        entries: bool = False,
    ) -> dict[str, Any]:
        """The coverage report of a window (``monitor changes``); it moves nothing.

        ``cursor`` (or ``since="@NAME"``): the window starts just after where that
        named cursor ended (the last 24 hours on first use, or ``since``) and ends at
        the settled present; once ``deliver(report)`` has returned without raising,
        the cursor moves to the window's end. A failed delivery leaves it where it was.
        ``entries``: also list one item per version observed in the window, each edit
        with its :class:`Comparison` (what the Atom feed of edits shows).
        """
        from monitor.analysis import changes
        from monitor.store import cursors

        if since and since.startswith("@"):
            named = cursors.check_name(since[1:])
            if cursor is not None and cursor != named:
                from monitor.errors import InputError

                raise InputError(f"--since @{named} and --cursor {cursor}: give one cursor")
            cursor, since = named, None
        if cursor is not None:
            cursors.check_name(cursor)
        settled = self._settled() if cursor is not None and until is None else None
        start, end, how = changes.resolve_window(self.db, since, until, cursor, settled)
        report = changes.build(self.db, start, end, story=story, top=top, how=how)
        if cursor is not None:
            report["window"]["cursor"] = cursor
        if entries:
            from monitor.analysis import delivery

            items = delivery.version_items(self.db, start, end, story) if start <= end else []
            for item in items:
                item["comparison"] = delivery.comparison(self.db, item)
            report["entries"] = items
        if deliver is not None:
            deliver(report)
        if cursor is not None:
            changes.advance_cursor(self.db, cursor, report)
        return report

    def _settled(self) -> str:
        """The last second whose rows are all stored: one second ago, or, while a fetch
        runs, the second before it began (its rows carry its start time)."""
        from datetime import timedelta

        from monitor.text.timeutil import iso, parse_datetime, utcnow

        end = utcnow() - timedelta(seconds=1)
        if self.path is not None:
            from monitor import lock
            from monitor.store import runs

            if lock.is_held(self.path):
                live = runs.recent_runs(self.db, 1, running=True)
                started = parse_datetime(live[0]["started_at"]) if live else None
                if live and live[0]["status"] == "running" and started is not None:
                    end = min(end, started - timedelta(seconds=1))
        return iso(end)

    def notify(self, options: NotifyOptions, wait: float = 60.0) -> list[DestinationResult]:
        """Send the window's changes (default: the last 2 days) that each destination has
        not received yet (``monitor notify``); one run at a time per database (another
        waits up to ``wait`` seconds), so no change goes out twice."""
        from datetime import timedelta

        from monitor import lock, notify
        from monitor.errors import LockedError
        from monitor.text.timeutil import iso, now_iso, utcnow

        options.since = options.since or iso(utcnow() - timedelta(days=2))
        options.until = options.until or now_iso()
        if self.path is None:
            return notify.run(self.db, options)
        try:
            with lock.exclusive(f"{self.path}.notify", wait=wait):
                return notify.run(self.db, options)
        except LockedError:
            raise LockedError(
                f"another 'monitor notify' is sending from {self.path}; waited {wait:g} s"
            ) from None

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
        self,
        story: str | None = None,
        min_articles: int = 3,
        limit: int = 20,
        theme: str | None = None,
    ) -> list[Candidate]:
        """Candidate themes not yet in the taxonomy (``monitor themes discover``)."""
        from monitor.themes import discover

        return discover.discover(self.db, story, min_articles, limit, theme=theme)

    def evaluate_themes(self, labels: list[Path], story: str | None = None) -> Evaluation:
        """Score a story's rule and taxonomy on hand-labelled CSV files (``themes eval``);
        nothing is stored. ``story``: a .toml file, a built-in slug or a stored story."""
        from monitor.themes import evaluate

        has_db = self._db is not None or (self.path is not None and self.path.exists())
        return evaluate.evaluate_files(
            labels, evaluate.story_for_eval(story, self.db if has_db and story else None)
        )

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
        out: IO[Any] | None = None,
        path: Path | None = None,
        safe: bool = True,
        bom: bool = False,
    ) -> int:
        """Stream one table to ``out`` or (atomically) to ``path``; return the row count."""
        from monitor.analysis import export

        opts = export.ExportOptions(what=what, flt=flt or ArticleFilter(), by=by)
        return export.export(self.db, opts, fmt, out=out, path=path, safe=safe, bom=bom)

    def serve_metadata(self) -> dict[str, Any]:
        """Datasette metadata for this database: titles, descriptions, canned queries."""
        from monitor import serve

        return serve.metadata(self._served_path().stem)

    def serve(self, host: str = "127.0.0.1", port: int = 8001) -> None:
        """Browse this database in Datasette (``monitor serve``) until interrupted."""
        from monitor import serve

        serve.run(self._served_path(), host, port)

    def _served_path(self) -> Path:
        if self.path is None:
            from monitor.errors import InputError

            raise InputError("serve: needs a database file (an in-memory database has none)")
        _ = self.db  # open it once: migrations bring the views and foreign keys
        return Path(self.path)

    # -- stories and feeds

    def stories(self) -> list[dict[str, Any]]:
        from monitor.themes import stories

        stories.ensure_builtin(self.db)
        return stories.list_stories(self.db)

    def add_story(self, path: Path) -> StoryAdded:
        """Add or replace a story, then re-evaluate stored articles against its rule:
        how many joined it and how many left (``retag`` redoes the tags)."""
        from monitor import derive
        from monitor.themes import stories

        story = stories.add_story_file(self.db, path)
        joined, left = derive.reevaluate_story(self.db, story.slug)
        return StoryAdded(story, joined, left)

    def why(self, article_id: int, version: int | None = None) -> list[dict[str, Any]]:
        """Why the article has (or lacks) each theme: the tags with their evidence and the
        near-misses (themes that scored but fell short, and by how much), per story."""
        from monitor.themes import tagger

        detail = queries.article_detail(self.db, article_id, version)
        explained = tagger.why(tagger.load_taggers(self.db), detail["title"], detail["text"])
        return [one.as_dict() for one in explained]

    def add_feed(
        self,
        url: str,
        story: str | None = None,
        name: str | None = None,
        *,
        check: bool = False,
        checker: FeedChecker | None = None,
        paused: bool = False,
    ) -> dict:
        """Follow a feed. With ``check`` it is fetched once first: an HTML page is
        searched for the feeds it announces and the first is followed (the row's
        ``found_on`` names the page, ``also_announced`` the others); a sitemap, an
        OPML list or anything else that is not a feed is refused (:class:`InputError`)."""
        from monitor.store import feeds
        from monitor.themes import stories

        if story:
            stories.get_story(self.db, story)  # an unknown story fails before anything is written
        feeds.normalise_feed_location(url)  # a malformed location fails before any fetch
        found: dict[str, Any] = {"found_on": None, "also_announced": [], "entries": None}
        title = None
        if check:
            from monitor import feedcheck

            own = checker is None
            active = checker or feedcheck.FeedChecker()
            try:
                checked = active.check(url.strip())
            finally:
                if own:
                    active.close()
            url, title = checked.url, checked.title
            found = {
                "found_on": checked.found_on,
                "also_announced": list(checked.others),
                "entries": checked.entries,
            }
        row = feeds.add_feed(self.db, url, story=story, name=name, title=title, paused=paused)
        return {**row, **found}

    def edit_feed(
        self,
        ref: str,
        *,
        story: str | None = None,
        name: str | None = None,
        paused: bool | None = None,
    ) -> dict[str, Any]:
        """Change a feed's story (``""``: every entry), name, or pause/resume it."""
        from monitor.store import feeds
        from monitor.themes import stories

        if story:
            stories.get_story(self.db, story)
        return feeds.edit_feed(self.db, ref, story=story, name=name, paused=paused)

    def add_feeds(
        self,
        urls: Iterable[str],
        story: str | None = None,
        name: str | None = None,
        *,
        check: bool = True,
    ) -> Iterator[tuple[str, dict[str, Any] | MonitorError]]:
        """:meth:`add_feed` for each location in turn, with one HTTP client: pairs of
        (location, the added row or the error that stopped it); one failure stops none
        of the others."""
        from monitor import feedcheck

        with feedcheck.FeedChecker() as checker:
            for url in urls:
                try:
                    yield url, self.add_feed(url, story, name, check=check, checker=checker)
                except MonitorError as exc:
                    yield url, exc

    def import_opml(
        self, path: Path, story: str | None = None, *, check: bool = False
    ) -> Iterator[tuple[str, dict[str, Any] | MonitorError]]:
        """Follow every feed of an OPML file (its outlines' ``xmlUrl``; nested folders
        too): pairs as :meth:`add_feeds`. ``story`` wins over the story an outline
        names (``feeds export --opml`` writes them); a feed already followed is an
        error of its own, the rest go on."""
        from monitor import feedcheck, opml
        from monitor.sources import read_local_file

        entries = opml.read_opml(read_local_file(path), str(path))
        if not entries:
            raise InputError(f"{path}: no feeds in it (no <outline xmlUrl=...>)")
        with feedcheck.FeedChecker() as checker:
            for entry in entries:
                try:
                    row = self.add_feed(
                        entry.url,
                        story or entry.story,
                        entry.name,
                        check=check,
                        checker=checker,
                        paused=entry.paused,
                    )
                    yield entry.url, row
                except MonitorError as exc:
                    yield entry.url, exc

    def feeds_opml(self) -> bytes:
        """The followed feeds as an OPML 2.0 document (``feeds export --opml``)."""
        from monitor import opml

        return opml.write_opml(self.feeds())

    def feeds(self) -> list[dict[str, Any]]:
        from monitor.store import feeds

        return feeds.list_feeds(self.db)

    def rejected(self, ref: str, limit: int = 50) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The feed and the last headlines its story's rule dropped (newest first)."""
        from monitor.store import feeds

        feed = feeds.resolve_feed(self.db, ref)
        return feed, feeds.rejected(self.db, feed["id"], limit)

    def remove_feed(self, ref: str) -> dict[str, Any]:
        from monitor.store import feeds

        return feeds.remove_feed(self.db, ref)

    def status(self, limit: int = 10) -> dict[str, Any]:
        """The last fetch runs, the failing feeds, the destinations whose alerts
        failed and the suspect pages held back (``monitor status``)."""
        from monitor import lock
        from monitor.store import deliveries, feeds, runs, suspects

        running = self.path is not None and lock.is_held(self.path)
        return {
            "runs": runs.recent_runs(self.db, limit, running=running),
            "failing_feeds": feeds.failing_feeds(self.db),
            "failing_destinations": deliveries.failing(self.db),
            "suspects": {**suspects.counts(self.db), "latest": suspects.pending(self.db, limit)},
        }
