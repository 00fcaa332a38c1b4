"""``monitor feeds add|import|export|edit|list|remove``, ``monitor fetch`` (the cron job)
and ``monitor status``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    App,
    MonitorClickError,
    MonitorGroup,
    emit_rows,
    limit_option,
    output_options,
    pass_app,
)
from monitor.errors import ExitCode, MonitorError
from monitor.store import feeds as feedstore
from monitor.text.localtime import shown, zone_name
from monitor.text.safetext import line

if TYPE_CHECKING:
    from monitor.runreport import FeedReport

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
    """Feeds to follow: RSS, Atom or RDF, by URL or local file; OPML lists in and out.

    \b
    Examples:
      monitor feeds add https://www.dawn.com/feeds/home --story pakistan-taliban
      monitor feeds import my-reader-export.opml
      monitor feeds list
    """


@feeds_group.command(name="add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--story", help="Keep only entries relevant to this story (default: keep all).")
@click.option("--name", help="A name for the feed, used as the articles' source (outlet).")
@click.option(
    "--check/--no-check",
    default=True,
    show_default=True,
    help="Fetch each feed once before following it (--no-check: follow it as given, "
    "e.g. a feed that is down right now).",
)
@pass_app
def feeds_add(
    app: App, urls: tuple[str, ...], story: str | None, name: str | None, check: bool
) -> None:
    """Follow feeds: http(s) URLs or local feed files; - reads them from standard
    input, one a line (blank lines and # comments skipped).

    Each is fetched once first. A web page is searched for the feeds it announces
    (<link rel="alternate" type="application/rss+xml">) and the first is followed
    (you are told which); a sitemap or an OPML list is refused with the command
    that takes it. One feed that fails does not stop the others (exit 1 at the end).

    \b
    Examples:
      monitor feeds add https://www.dawn.com/feeds/home --story pakistan-taliban --name Dawn
      monitor feeds add samples/feeds/frontier-wire.xml samples/feeds/kabul-sample-times.atom
      monitor feeds add https://www.example.com/news     # the page's own feed is found
      ls samples/feeds/* | monitor feeds add -
    """
    locations: list[str] = []
    for url in urls:
        if url == "-":
            for raw in sys.stdin:
                raw = raw.strip()
                if raw and not raw.startswith("#"):
                    locations.append(raw)
        else:
            locations.append(url)
    if not locations:
        raise click.UsageError("no feed URLs on standard input")
    if name and len(locations) > 1:
        raise click.UsageError("--name names one feed: give one URL with it")
    failed = 0
    for _url, outcome in app.monitor.add_feeds(locations, story, name, check=check):
        if isinstance(outcome, MonitorError):
            if len(locations) == 1:
                raise outcome
            click.echo(f"Error: {outcome}", err=True)
            failed += 1
            continue
        _describe_added(outcome)
    if failed:
        raise MonitorClickError(f"{failed} of {len(locations)} feeds could not be added")


def _describe_added(row: dict[str, Any]) -> None:
    story_note = f", story {row['story']}" if row["story"] else ", keeping every entry"
    paused = ", paused" if row.get("paused") else ""
    entries = f", {row['entries']} entries now" if row.get("entries") is not None else ""
    click.echo(f"feed {row['id']}: {line(row['url'])}{story_note}{entries}{paused}")
    if row.get("found_on"):
        click.echo(
            f"note: {line(row['found_on'])} is a web page; following the feed it announces, "
            f"{line(row['url'])}",
            err=True,
        )
        for other in row.get("also_announced") or []:
            click.echo(
                f"note: it also announces {line(other)} (add it too if you want it)", err=True
            )


@feeds_group.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--story", help="File every feed under this story (default: the list's own).")
@click.option(
    "--check/--no-check",
    default=False,
    show_default=True,
    help="Fetch each feed once before following it (slow for a long list).",
)
@pass_app
def feeds_import(app: App, path: Path, story: str | None, check: bool) -> None:
    """Follow every feed of an OPML file (from a feed reader, or 'feeds export --opml').

    Feeds already followed are reported and skipped; the rest are added.

    \b
    Examples:
      monitor feeds import my-reader-export.opml --story pakistan-taliban --check
      monitor --db old.db feeds export --opml > feeds.opml
      monitor feeds import feeds.opml
    """
    added = skipped = 0
    for url, outcome in app.monitor.import_opml(path, story, check=check):
        if isinstance(outcome, MonitorError):
            click.echo(f"skipped: {line(url)}: {outcome}", err=True)
            skipped += 1
            continue
        _describe_added(outcome)
        added += 1
    click.echo(f"{path}: {added} feeds added, {skipped} skipped", err=True)
    if not added and skipped:
        raise MonitorClickError(f"{path}: no feed could be added")


@feeds_group.command(name="export")
@click.option(
    "--opml",
    "as_opml",
    is_flag=True,
    required=True,
    help="Write the followed feeds as OPML 2.0 (the only format; required, for clarity).",
)
@pass_app
def feeds_export(app: App, as_opml: bool) -> None:
    """Write the followed feeds as OPML, for a feed reader or another database
    (each feed's story and paused state go along and come back with 'feeds import').

    \b
    Examples:
      monitor feeds export --opml > feeds.opml
      monitor --db other.db feeds import feeds.opml
    """
    sys.stdout.buffer.write(app.monitor.feeds_opml())
    sys.stdout.flush()


@feeds_group.command(name="edit")
@click.argument("feed", metavar="ID|URL")
@click.option("--story", help="File its new entries under this story ('' : keep every entry).")
@click.option("--name", help="Its name, the articles' source ('': none).")
@click.option(
    "--pause/--resume",
    "paused",
    default=None,
    help="Pause it (fetch skips it; kept and listed as paused), or resume it (due at once).",
)
@pass_app
def feeds_edit(
    app: App, feed: str, story: str | None, name: str | None, paused: bool | None
) -> None:
    """Change a feed's story or name, or pause and resume it, keeping its articles.

    \b
    Examples:
      monitor feeds edit 3 --story pakistan-taliban --name "Frontier Wire"
      monitor feeds edit 3 --pause
      monitor feeds edit https://www.dawn.com/feeds/home --resume
    """
    if story is None and name is None and paused is None:
        raise click.UsageError("nothing to change: give --story, --name, --pause or --resume")
    row = app.monitor.edit_feed(feed, story=story, name=name, paused=paused)
    state = "paused" if row["paused"] else "following"
    click.echo(
        f"feed {row['id']}: {line(row['url'])}: {state}, "
        f"story {row['story'] or '(all)'}, name {line(row['name'] or '(none)')}"
    )


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
@limit_option
@output_options
@pass_app
def feeds_list(app: App, limit: int | None, fmt: str | None, wide: bool) -> None:
    """List followed feeds: state (ok, failing, paused, inactive), entries seen,
    last and next fetch (local time; --utc for UTC), URL and last error.

    \b
    Examples:
      monitor feeds list
      monitor feeds list --json
      monitor feeds list --tsv | cut -f1,2
    """
    rows = app.monitor.feeds()
    columns = FEED_COLUMNS
    if fmt is None:
        rows = [_table_row(r, app.utc) for r in rows]
        zone = zone_name(app.utc)
        columns = [(k, f"{h} ({zone})" if k in ("last", "next") else h) for k, h in FEED_COLUMNS]
    emit_rows(
        rows,
        fmt,
        columns,
        wide="url",
        empty="no feeds: add one with 'monitor feeds add URL'",
        keep=("id", "state"),
        whole=wide,
        limit=limit,
    )


def _table_row(row: dict[str, Any], utc: bool = False) -> dict[str, Any]:
    if not row["active"]:
        state = "inactive"
    elif row.get("paused"):
        state = "paused"
    elif row["error_count"]:
        state = f"failing×{row['error_count']}"
    elif row["last_fetched_at"]:
        state = f"ok {row['last_status']}"
    else:
        state = "new"
    upcoming = feedstore.next_fetch_label(row)
    return {
        **row,
        "state": state,
        "story": row["story"] or "(all)",
        "last": shown(row["last_fetched_at"], utc) or "never",
        "next": shown(upcoming, utc) if upcoming[:1].isdigit() else upcoming,
        "problem": row["last_error"] or "",
    }


@feeds_group.command(name="rejected")
@click.argument("feed", metavar="ID|URL")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=50),
    default=20,
    show_default=True,
    help="At most this many headlines.",
)
@click.option("--json", "as_json", is_flag=True, help="Output a JSON array.")
@pass_app
def feeds_rejected(app: App, feed: str, limit: int, as_json: bool) -> None:
    """The last headlines a feed's story rule dropped: what the rule misses.

    \b
    Examples:
      monitor feeds rejected 3
      monitor feeds rejected 3 --json
    """
    row, found = app.monitor.rejected(feed, limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        story = row["story"] or "none"
        click.echo(f"feed {row['id']} (story {line(story)}): no entry dropped yet", err=True)
        return
    for item in found:
        click.echo(f"{item['seen_at'][:16].replace('T', ' ')}  {line(item['title'])}")


@feeds_group.command(name="remove")
@click.argument("feed")
@pass_app
def feeds_remove(app: App, feed: str) -> None:
    """Stop following a feed (by id or URL). Its articles are kept.

    \b
    Examples:
      monitor feeds remove 3
      monitor feeds remove https://www.dawn.com/feeds/home
    """
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
    help="Feeds and pages downloaded at once (threads; default: the CPU count, at most 4); feeds are parsed "
    "as they arrive, pages extracted in up to one worker process per CPU, started only for pages.",
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
      monitor cron          # crontab lines with this installation's full paths
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
