"""``monitor feeds add|list|remove``, ``monitor fetch`` (the cron job) and ``monitor status``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import MAX_INT, App, MonitorGroup, emit_rows, output_options, pass_app
from monitor.errors import ExitCode
from monitor.render import rows as output
from monitor.store import feeds as feedstore
from monitor.store import runs
from monitor.text.safetext import line

if TYPE_CHECKING:
    from monitor.update import FeedReport

PAGE_ERRORS_SHOWN = 5

FETCH_EXIT_HELP = """
\b
Exit codes:
  0  every fetched feed was fine (or no feed was due yet)
  3  the run completed but some feeds failed (listed on stderr)
  4  nothing could run: no feeds followed, or every feed failed
  5  another 'monitor fetch' holds the lock on this database
"""


@click.group(name="feeds", cls=MonitorGroup)
def feeds_group() -> None:
    """Feeds to follow: RSS, Atom or RDF, by URL or local file."""


@feeds_group.command(name="add")
@click.argument("url")
@click.option("--story", help="Keep only entries relevant to this story (default: keep all).")
@click.option("--name", help="A name for the feed, used as the articles' source (outlet).")
@pass_app
def feeds_add(app: App, url: str, story: str | None, name: str | None) -> None:
    """Follow a feed: an http(s) URL, or a local feed file.

    \b
    Examples:
      monitor feeds add https://www.dawn.com/feeds/home --story pakistan-taliban --name Dawn
      monitor feeds add samples/feeds/frontier-post.xml --story pakistan-taliban
    """
    row = app.monitor.add_feed(url, story=story, name=name)
    story_note = f", story {row['story']}" if row["story"] else ", keeping every entry"
    click.echo(f"feed {row['id']}: {row['url']}{story_note}")


FEED_COLUMNS = [
    ("id", "id"),
    ("state", "state"),
    ("story", "story"),
    ("entries_seen", "entries"),
    ("articles", "articles"),
    ("last", "last fetch"),
    ("next", "next fetch"),
    ("url", "url"),
    ("problem", "last error"),
]


@feeds_group.command(name="list")
@output_options
@pass_app
def feeds_list(app: App, fmt: str | None) -> None:
    """List followed feeds: last status and error, entries seen, next fetch.

    \b
    Examples:
      monitor feeds list
      monitor feeds list --json
    """
    rows = app.monitor.feeds()
    if fmt is None:
        rows = [_table_row(r) for r in rows]
    emit_rows(
        rows, fmt, FEED_COLUMNS, wide="url", empty="no feeds: add one with 'monitor feeds add URL'"
    )


def _table_row(row: dict[str, Any]) -> dict[str, Any]:
    if not row["active"]:
        state = "inactive"
    elif row["error_count"]:
        state = f"failing×{row['error_count']}"
    elif row["last_fetched_at"]:
        state = f"ok {row['last_status']}"
    else:
        state = "new"
    return {
        **row,
        "state": state,
        "story": row["story"] or "(all)",
        "last": (row["last_fetched_at"] or "never").replace("T", " ")[:16],
        "next": feedstore.next_fetch_label(row).replace("T", " ")[:16],
        "problem": row["last_error"] or "",
    }


@feeds_group.command(name="remove")
@click.argument("feed")
@pass_app
def feeds_remove(app: App, feed: str) -> None:
    """Stop following a feed (by id or URL). Its articles are kept."""
    row = app.monitor.remove_feed(feed)
    click.echo(f"feed {row['id']}: removed ({row['url']}); its articles are kept", err=True)


@click.command(name="fetch", epilog=FETCH_EXIT_HELP)
@click.option(
    "--full-text/--no-full-text",
    default=False,
    show_default=True,
    help="Fetch each new article's page and store its full text, not the feed summary.",
)
@click.option(
    "--recheck",
    type=click.FloatRange(min=0, min_open=True),
    metavar="HOURS",
    help="Re-fetch pages of articles first seen within HOURS to catch edits "
    "(older ones less often). A paywall, consent or error page, or a text that lost "
    "most of its words, is held back as a suspect page, not stored, until it persists.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=32),
    default=None,
    help="Feeds and pages downloaded at once (threads; default: the CPU count, at most 4); parsing and extraction run "
    "in up to one worker process per CPU, started only when there is something to parse.",
)
@click.option("--feed", "only_feed", metavar="URL|ID", help="Fetch only this feed, due or not.")
@click.option(
    "--timeout",
    "budget",
    type=click.FloatRange(min=1, max=86400),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="Stop the run after this long (each download also has its own deadline); feeds "
    "not reached stay due for the next run, so a run never holds the lock into the next "
    "cron slot.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Let --full-text and --recheck fetch pages on loopback, private or link-local "
    "addresses (refused by default: a feed must not make monitor read your own network).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something failed.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another running fetch before giving up (exit 5).",
)
@pass_app
def fetch_cmd(
    app: App,
    full_text: bool,
    recheck: float | None,
    jobs: int,
    only_feed: str | None,
    budget: float,
    allow_private: bool,
    quiet: bool,
    wait: float,
) -> None:
    """Fetch every due feed and store new articles and new versions (the cron job).

    Feeds are fetched with conditional GET (an unchanged feed costs one 304).
    Each feed is stored in its own transaction: a run killed half way loses
    nothing, and the next run completes the work. A failing feed is retried
    later and later (15 min, 30 min, ... up to a day); 410 Gone deactivates it.

    \b
    Examples:
      monitor fetch
      monitor fetch --full-text --recheck 48 --quiet
      monitor fetch --feed https://www.dawn.com/feeds/home
      */15 * * * *  monitor --db ~/news.db fetch --quiet     (crontab)
    """
    from monitor import pool, update

    options = update.FetchOptions(
        jobs=jobs or pool.default_jobs(),
        full_text=full_text,
        recheck_hours=recheck,
        feed=only_feed,
        allow_private=allow_private,
        budget=budget,
    )
    bar = _Progress(hidden=quiet or not sys.stderr.isatty())
    try:
        report = app.monitor.fetch(options, wait=wait, progress=bar.update, on_start=bar.start)
    finally:
        bar.finish()
    failed = [f for f in report.feeds if not f.ok]
    notes = [note for f in report.feeds for note in f.notes]
    if not quiet or failed or report.exit_code != ExitCode.OK:
        for note in notes:
            click.echo(f"note: {note}", err=True)
        for url, error in report.page_errors[:PAGE_ERRORS_SHOWN]:
            click.echo(f"note: page {url}: {error}", err=True)
        if len(report.page_errors) > PAGE_ERRORS_SHOWN:
            more = len(report.page_errors) - PAGE_ERRORS_SHOWN
            click.echo(f"note: ... and {more} more pages could not be fetched", err=True)
        for feed in failed:
            click.echo(f"failed: {feed.url}: {feed.error}", err=True)
        click.echo(report.summary(), err=True)
    if report.exit_code != ExitCode.OK:
        click.get_current_context().exit(report.exit_code)


class _Progress:
    """A progress bar over feeds, on a terminal only."""

    def __init__(self, hidden: bool):
        self.hidden = hidden
        self.bar: Any = None

    def start(self, total: int) -> None:
        if not self.hidden and total > 1:
            self.bar = click.progressbar(length=total, label="fetching", file=sys.stderr)
            self.bar.__enter__()

    def update(self, report: FeedReport) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


RUN_COLUMNS = [
    ("id", "run"),
    ("started", "started"),
    ("took", "took"),
    ("status", "status"),
    ("feeds_ok", "ok"),
    ("feeds_failed", "failed"),
    ("new_articles", "new"),
    ("new_versions", "versions"),
]


@click.command(name="status")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_INT),
    default=10,
    show_default=True,
    help="Runs to show.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Output one JSON object: runs and failing feeds."
)
@pass_app
def status_cmd(app: App, limit: int, as_json: bool) -> None:
    """The last fetch runs, the feeds that are failing and the suspect pages
    (a paywall, consent wall, error page or failed extraction held back instead
    of stored as a version; see 'monitor show ID').

    \b
    Examples:
      monitor status
      monitor status --json | jq '.failing_feeds'
    """
    found = app.monitor.status(limit)
    recent, failing = found["runs"], found["failing_feeds"]
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not recent:
        click.echo("no fetch has run yet: try 'monitor fetch'", err=True)
    else:
        rows = [
            {
                **r,
                "started": r["started_at"].replace("T", " ")[:16],
                "took": runs.duration_label(r),
            }
            for r in recent
        ]
        output.print_table(rows, RUN_COLUMNS, sys.stdout)
    skipped = [(r["id"], e) for r in recent for e in r["errors"] if e.get("skipped")]
    if skipped:
        click.echo("")
        click.echo("entries skipped (each could not be stored; the rest of its feed was):")
        for run_id, e in skipped[:10]:
            why = "; ".join(e.get("why") or [])
            click.echo(f"  run {run_id}  {line(e['feed'])}: {e['skipped']} skipped: {line(why)}")
    if failing:
        click.echo("")
        click.echo("failing feeds:")
        for feed in failing:
            count = feed["error_count"]
            state = (
                "inactive"
                if not feed["active"]
                else f"{count} error{'s' if count != 1 else ''} in a row"
            )
            click.echo(
                f"  {feed['id']}  {line(feed['url'])}  ({state}): {line(feed['last_error'] or '')}"
            )
    _failing_destinations(found.get("failing_destinations") or [])
    _suspects(found.get("suspects") or {})


def _suspects(found: dict[str, Any]) -> None:
    """Pages held back as suspect (a wall, an error page, a failed extraction)."""
    if not any(found.get(state) for state in ("pending", "transient", "cut")):
        return
    click.echo("")
    click.echo(
        f"suspect pages: {found['pending']} waiting for a recheck, {found['transient']} came "
        f"back (no edit), {found['cut']} persisted (stored as major cuts)"
    )
    for s in found.get("latest") or []:
        click.echo(
            f"  article {s['article_id']}  {line(s['url'] or '')}  ({s['checks']} checks, "
            f"last {s['observed_at']}): {line(s['reason'])}"
        )


def _failing_destinations(rows: list[dict[str, Any]]) -> None:
    """Alert destinations with changes waiting after a failed attempt (``monitor notify``)."""
    if not rows:
        return
    click.echo("")
    click.echo("failing alert destinations (monitor notify retries them):")
    for d in rows:
        click.echo(
            f"  {line(d['label'])}  ({d['waiting']} waiting, {d['attempts']} attempts, "
            f"last {d['last_attempt_at']}): {line(d['error'] or '')}"
        )
