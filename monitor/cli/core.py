"""Core commands: init, add, list, show, stories."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import (
    MAX_INT,
    App,
    MonitorClickError,
    MonitorGroup,
    emit_rows,
    limit_option,
    output_options,
    pass_app,
    resolve_window,
    since_option,
)
from monitor.errors import MonitorError
from monitor.render import rows as output
from monitor.store.queries import ArticleFilter
from monitor.text.localtime import shown, zone_name
from monitor.text.timeutil import parse_date_option


@click.command()
@pass_app
def init(app: App) -> None:
    """Create the database (or upgrade an older one) and install built-in stories.

    Safe to run again: it changes nothing that exists.

    \b
    Examples:
      monitor init
      monitor --db ~/news.db init
    """
    schema = app.monitor.init()
    click.echo(f"database ready: {app.path}", err=True)
    click.echo(f"schema: {', '.join(schema)}", err=True)


@click.command()
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
      monitor add samples/articles/01-asif-obliterate.txt --story pakistan-taliban
      monitor add https://example.com/news/a --story pakistan-taliban
      monitor add samples/articles/*.txt
      curl -s https://example.com/a | monitor add - --url https://example.com/a
    """
    if len(sources) > 1 and (url or title):
        raise click.UsageError("--url and --title name one article: give one SOURCE with them")
    from monitor.add import AddOptions

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
            outcome = app.monitor.add(source, options, stdin)
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
        cut = f", a major cut ({result.suspect.kind})" if result.suspect else ""
        return (
            f"{prefix}article {result.article_id}: changed, stored version {result.version}"
            f"{cut} (see: monitor diff {result.article_id})"
        )
    if result.status == "suspect":
        return (
            f"{prefix}article {result.article_id}: suspect page, no version stored "
            f"({result.suspect.reason}); 'monitor show {result.article_id}' lists it"
        )
    return f"{prefix}article {result.article_id}: unchanged (version {result.version})"


LIST_COLUMNS = [
    ("id", "id"),
    ("date", "date"),
    ("version_count", "v"),
    ("source", "source"),
    ("title", "title"),
]
#: shown whole at any terminal width (every next step names the id)
LIST_KEEP = ("id", "date", "version_count")


@click.command(name="list")
@click.option("--story", help="Only articles of this story.")
@click.option("--source", "site", help="Only articles from this outlet.")
@since_option
@click.option("--edited", is_flag=True, help="Only articles with two or more versions.")
@click.option(
    "--min-severity",
    type=click.Choice(["cosmetic", "minor", "substantive", "major"]),
    help="Only articles with an edit at least this severe (see README).",
)
@limit_option
@output_options
@click.option(
    "--safe/--no-safe",
    default=True,
    show_default=True,
    help="With --csv: prefix with ' the cells a spreadsheet would run as formulas "
    "(as 'monitor export').",
)
@click.option("--bom", is_flag=True, help="With --csv: start with a UTF-8 byte order mark.")
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
    wide: bool,
    safe: bool,
    bom: bool,
) -> None:
    """List articles, newest first (by published date, else first seen).

    The table shows dates in local time (--utc: in UTC); --json, --nl, --csv and
    --tsv give every field, times in UTC (ISO 8601, ending in Z).

    \b
    Examples:
      monitor list --story pakistan-taliban --since 7d
      monitor list --edited --json
      monitor list --edited --min-severity substantive
      monitor list --csv --limit 0 > articles.csv
      monitor list --wide | less -S
    """
    since_iso, until_iso = resolve_window(since, until)
    flt = ArticleFilter(
        story=story,
        source=site,
        since=since_iso,
        until=until_iso,
        edited=edited,
        limit=limit + 1 if limit else None,
    )
    flt.min_severity = min_severity
    rows = app.monitor.articles(flt)
    if fmt == "csv":  # the CSV of 'monitor export' (header even when empty, *_utc times)
        columns_of = getattr(rows, "columns", None)
        capped = itertools.islice(rows, limit) if limit else rows
        output.write_csv(capped, sys.stdout, columns=columns_of, safe=safe, bom=bom)
        return
    columns = LIST_COLUMNS
    if fmt is None:
        rows = ({**r, "date": shown(r["dated_at"], app.utc, date_only=True)} for r in rows)
        columns = [(k, f"date ({zone_name(app.utc)})" if k == "date" else h) for k, h in columns]
    emit_rows(
        rows,
        fmt,
        columns,
        wide="title",
        empty="no articles match",
        keep=LIST_KEEP,
        whole=wide,
        limit=limit,
    )


@click.command()
@click.argument("article_id", type=click.IntRange(min=1, max=MAX_INT))
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1, max=MAX_INT),
    help="Show this version (default: the latest).",
)
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@click.option(
    "--why",
    is_flag=True,
    help="Explain the themes: each tag's terms and snippet, and the near-misses (themes "
    "that scored but fell short, and by how much).",
)
@pass_app
def show(app: App, article_id: int, number: int | None, as_json: bool, why: bool) -> None:
    """Show one article: metadata, its versions, and the text of one version.

    Times are local, the zone named (--utc: UTC); --json keeps UTC ISO times.

    \b
    Examples:
      monitor show 12
      monitor show 12 --version 1
      monitor show 12 --json | jq .versions
      monitor show 12 --why
    """
    from monitor.render import article as presenters

    if why:
        explained = app.monitor.why(article_id, number)
        if as_json:
            click.echo(json.dumps(explained, ensure_ascii=False, indent=2))
        else:
            click.echo(presenters.render_why(explained))
        return
    detail = app.monitor.article(article_id, number)
    if as_json:
        detail.pop("version_id", None)
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    click.echo(presenters.render_detail(detail, colour=output.use_colour(), utc=app.utc))


@click.group(name="stories", cls=MonitorGroup)
def stories_group() -> None:
    """Stories: what to follow (a relevance rule and a theme taxonomy).

    \b
    Examples:
      monitor stories list
      monitor stories add samples/stories/pakistan-taliban.toml
    """


@stories_group.command(name="list")
@limit_option
@output_options
@pass_app
def stories_list(app: App, limit: int | None, fmt: str | None, wide: bool) -> None:
    """List stories (built-in and added).

    \b
    Examples:
      monitor stories list
      monitor stories list --json
    """
    rows = app.monitor.stories()
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
        keep=("slug", "articles"),
        whole=wide,
        limit=limit,
    )


@stories_group.command(name="add")
@click.argument("path", type=click.Path(path_type=Path))
@pass_app
def stories_add(app: App, path: Path) -> None:
    """Add or replace a story from a TOML file (see samples/stories/).

    Stored articles are re-evaluated against its rule: the command says how many
    joined the story and how many left.

    \b
    Examples:
      monitor stories add samples/stories/pakistan-taliban.toml
    """
    added = app.monitor.add_story(path)
    story = added.story
    click.echo(
        f"story {story.slug}: saved ({len(story.themes)} themes); "
        f"{added.joined} stored articles joined it, {added.left} left "
        f"(run 'monitor retag --story {story.slug}' to re-tag them)"
    )
