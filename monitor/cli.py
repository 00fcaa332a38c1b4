"""The ``monitor`` command line: Click only. Each command resolves the database,
calls one library function and hands the result to one output helper."""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from . import __version__, output, queries, stories
from . import db as dbmod
from .add import AddOptions, add_source
from .errors import ExitCode, MonitorError
from .timeutil import parse_date_option, parse_until, parse_when

EXIT_CODES_HELP = """
\b
Exit codes:
  0  success
  1  error: bad input, unknown id, unreadable file (one line on stderr)
  2  usage error: bad option or argument
  3  fetch: the run completed but some feeds failed
  4  fetch: nothing could run (every feed failed, or no feeds)
  5  fetch: another fetch holds the lock
"""


class MonitorClickError(click.ClickException):
    """A ClickException that carries the library error's exit code."""

    def __init__(self, message: str, exit_code: int = ExitCode.ERROR):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # Click reads it on exit


class MonitorGroup(click.Group):
    """Turns library errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            raise MonitorClickError(str(exc), exc.exit_code) from exc
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise MonitorClickError(
                    f"database {ctx.obj.path if ctx.obj else ''}: busy for over "
                    f"{dbmod.BUSY_TIMEOUT_S:.0f} s (another monitor process is writing); try again",
                    ExitCode.LOCKED,
                ) from exc
            raise


class App:
    """Per-invocation state: the database path, opened on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._db: Any = None

    @property
    def db(self) -> Any:
        if self._db is None:
            self._db = dbmod.connect(self.path)
        return self._db


pass_app = click.make_pass_decorator(App)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``, ``--csv``, ``--nl`` for commands that list rows."""

    @click.option("--json", "fmt", flag_value="json", help="Output a JSON array.")
    @click.option("--csv", "fmt", flag_value="csv", help="Output CSV with a header row.")
    @click.option("--nl", "fmt", flag_value="nl", help="Output JSON lines (one object a line).")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def emit_rows(
    rows: Iterable[dict[str, Any]],
    fmt: str | None,
    columns: list[tuple[str, str]],
    wide: str | None = None,
    empty: str = "nothing to show",
) -> None:
    out = sys.stdout
    if fmt == "json":
        output.write_json_array(rows, out)
    elif fmt == "nl":
        output.write_nl(rows, out)
    elif fmt == "csv":
        output.write_csv(rows, out)
    else:
        if not output.print_table(rows, columns, out, wide=wide):
            click.echo(empty, err=True)


def since_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--until", help="Only up to this date/time (a bare date includes that whole day)."
    )(func)
    return click.option(
        "--since",
        help="Only from this date/time: 2026-10-01, 2026-10-01T08:00Z, or back from now: 24h, 7d.",
    )(func)


def resolve_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    return (
        parse_when(since, "--since") if since else None,
        parse_until(until, "--until") if until else None,
    )


@click.group(cls=MonitorGroup, epilog=EXIT_CODES_HELP)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MONITOR_DB",
    show_envvar=True,
    help="Database file. Default: monitor.db in your user data directory.",
)
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None) -> None:
    """Follow a news story for months: every version of every article,
    recurring themes, and what changed.

    \b
    Quick start:
      monitor init
      monitor add article.txt --url https://example.com/a --story pakistan-taliban
      monitor list
      monitor show 1
    """
    if ctx.resilient_parsing:
        return
    if output.use_colour() is False:
        ctx.color = False
    ctx.obj = App(db_path or dbmod.default_db_path())


@cli.command()
@pass_app
def init(app: App) -> None:
    """Create the database (or upgrade an older one) and install built-in stories.

    Safe to run again: it changes nothing that exists.
    """
    db = app.db
    stories.ensure_builtin(db)
    click.echo(f"database ready: {app.path}", err=True)
    click.echo(f"schema: {', '.join(dbmod.schema_version(db))}", err=True)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--url", help="The article's URL (its identity: re-adding it stores a new version if changed)."
)
@click.option(
    "--title", help="Headline (default: from the HTML, or the first line of a text file)."
)
@click.option("--source", "site", help="Outlet name, e.g. Dawn (default: from the HTML).")
@click.option("--published", help="Publication date/time, ISO: 2026-10-30 or 2026-10-30T08:30Z.")
@click.option("--byline", help="Author(s).")
@click.option("--story", help="Story slug to file the article under, e.g. pakistan-taliban.")
@pass_app
def add(
    app: App,
    sources: tuple[str, ...],
    url: str | None,
    title: str | None,
    site: str | None,
    published: str | None,
    byline: str | None,
    story: str | None,
) -> None:
    """Add articles from text files, HTML files, URLs, or - (standard input).

    Each article is identified by its URL (tracking parameters stripped), or,
    without one, by its content. Adding it again stores a new version only when
    its title or text changed (whitespace and Unicode form do not count).

    A text file may begin with a header block (Title:, URL:, Source:,
    Published:, Byline:, Story: lines, then a blank line); options win over it.
    Without a title, a short first line is taken as the headline.

    \b
    Examples:
      monitor add seed.txt --url https://example.com/a --title "..." --published 2025-10-30
      monitor add page.html --story pakistan-taliban
      monitor add https://example.com/news/a --story pakistan-taliban
      monitor add samples/articles/*.txt
      curl -s https://example.com/a | monitor add - --url https://example.com/a
    """
    if len(sources) > 1 and (url or title):
        raise click.UsageError("--url and --title name one article: give one SOURCE with them")
    options = AddOptions(
        url=url,
        title=title,
        source=site,
        published_at=parse_date_option(published, "--published") if published else None,
        story=story,
        byline=byline,
    )
    failed = 0
    for source in sources:
        stdin = sys.stdin.buffer if source == "-" else None
        try:
            outcome = add_source(app.db, source, options, stdin)
        except MonitorError as exc:
            if len(sources) == 1:
                raise
            click.echo(f"Error: {exc}", err=True)
            failed += 1
            continue
        for note in outcome.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(describe_result(source, outcome.result, many=len(sources) > 1))
    if failed:
        raise MonitorClickError(f"{failed} of {len(sources)} sources could not be added")


def describe_result(source: str, result: Any, many: bool) -> str:
    prefix = f"{source}: " if many else ""
    if result.status == "new":
        return f"{prefix}article {result.article_id}: new, stored version 1"
    if result.status == "updated":
        return (
            f"{prefix}article {result.article_id}: changed, stored version {result.version} "
            f"(see: monitor diff {result.article_id})"
        )
    return f"{prefix}article {result.article_id}: unchanged (version {result.version})"


LIST_COLUMNS = [
    ("id", "id"),
    ("date", "date"),
    ("source", "source"),
    ("version_count", "v"),
    ("title", "title"),
]


@cli.command(name="list")
@click.option("--story", help="Only articles of this story.")
@click.option("--source", "site", help="Only articles from this outlet.")
@since_option
@click.option("--edited", is_flag=True, help="Only articles with two or more versions.")
@click.option(
    "--min-severity",
    type=click.Choice(["cosmetic", "minor", "substantive", "major"]),
    help="Only articles with an edit at least this severe (see README).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@output_options
@pass_app
def list_(
    app: App,
    story: str | None,
    site: str | None,
    since: str | None,
    until: str | None,
    edited: bool,
    min_severity: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List articles, newest first (by published date, else first seen).

    \b
    Examples:
      monitor list --story pakistan-taliban --since 7d
      monitor list --edited --json
      monitor list --edited --min-severity substantive
      monitor list --csv > articles.csv
    """
    since_iso, until_iso = resolve_window(since, until)
    flt = queries.ArticleFilter(
        story=story, source=site, since=since_iso, until=until_iso, edited=edited, limit=limit
    )
    flt.min_severity = min_severity  # with the edits' severities in the diffs table
    rows = queries.iter_articles(app.db, flt)
    if fmt is None:
        rows = ({**r, "date": (r["dated_at"] or "")[:10]} for r in rows)
    emit_rows(rows, fmt, LIST_COLUMNS, wide="title", empty="no articles match")


@cli.command()
@click.argument("article_id", type=int)
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    help="Show this version (default: the latest).",
)
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@pass_app
def show(app: App, article_id: int, number: int | None, as_json: bool) -> None:
    """Show one article: metadata, its versions, and the text of one version."""
    from . import presenters

    detail = queries.article_detail(app.db, article_id, number)
    detail = presenters.enrich_detail(app.db, detail)
    if as_json:
        detail.pop("version_id", None)
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    click.echo(presenters.render_detail(detail, colour=output.use_colour()))


@cli.group(name="stories", cls=MonitorGroup)
def stories_group() -> None:
    """Stories: what to follow (a relevance rule and a theme taxonomy)."""


@stories_group.command(name="list")
@output_options
@pass_app
def stories_list(app: App, fmt: str | None) -> None:
    """List stories (built-in and added)."""
    stories.ensure_builtin(app.db)
    rows = stories.list_stories(app.db)
    emit_rows(
        rows,
        fmt,
        [
            ("slug", "slug"),
            ("name", "name"),
            ("articles", "articles"),
            ("themes", "themes"),
            ("origin", "origin"),
        ],
        wide="name",
    )


@stories_group.command(name="add")
@click.argument("path", type=click.Path(path_type=Path))
@pass_app
def stories_add(app: App, path: Path) -> None:
    """Add or replace a story from a TOML file (see samples/stories/)."""
    story = stories.add_story_file(app.db, path)
    click.echo(f"story {story.slug}: saved ({len(story.themes)} themes)")


def main() -> None:
    cli(prog_name="monitor")


# Commands of other capabilities register themselves on the group below.
from . import cli_diff, cli_feeds, cli_report, cli_themes  # noqa: E402,F401
