"""Commands ``changes``, ``search`` and ``export``: thin wrappers over
monitor.report, monitor.search and monitor.export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from monitor.analysis import export as exportmod
from monitor.analysis import search
from monitor.cli.app import (
    MAX_INT,
    App,
    emit_rows,
    limit_option,
    limited,
    output_options,
    pass_app,
    resolve_window,
    since_option,
)
from monitor.render import changes as report_render
from monitor.render import rows as output
from monitor.store.queries import ArticleFilter
from monitor.text.localtime import shown

CHANGES_FORMATS = ["text", "markdown", "html", "json", "atom"]


@click.command()
@click.option(
    "--since",
    help="Window start: 2026-11-20, 2026-11-20T08:00Z, back from now (24h, 7d), "
    "or @NAME: just after where cursor NAME ended (see --cursor). Default: 24h ago.",
)
@click.option("--until", help="Window end (default: now; a bare date includes that whole day).")
@click.option(
    "--cursor",
    metavar="NAME",
    help="A named bookmark for cron: start just after where NAME ended (first use: the "
    "last 24h, or --since) and move NAME to this window's end once the output is written.",
)
@click.option("--story", help="Only articles of this story.")
@click.option(
    "--limit",
    "--top",
    "top",
    type=click.IntRange(min=1, max=MAX_INT),
    default=10,
    show_default=True,
    help="Headlines, edits and terms to show in each section (--top: the same).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHANGES_FORMATS),
    default="text",
    show_default=True,
    help="markdown and html are ready to mail; atom is a feed of edits: one entry per "
    "new article and per edited version, with its diff.",
)
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced whole, only when written). Default: standard output.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print nothing (and exit 0) when no article is new or edited in the window.",
)
@pass_app
def changes(
    app: App,
    since: str | None,
    until: str | None,
    cursor: str | None,
    story: str | None,
    top: int,
    as_json: bool,
    fmt: str,
    path: Path | None,
    quiet: bool,
) -> None:
    """What changed in coverage: new articles (first seen in the window) and edited
    articles (a version observed in it), themes rising, fading and new (against the
    previous window of the same length), distinctive terms.

    A run reports a window and moves nothing. Cron jobs keep a named cursor:
    --cursor NAME (or --since @NAME) starts where NAME ended and moves it once the
    output was written, so each change is reported once; several cursors are
    independent.

    \b
    Examples:
      monitor changes                                   # the last 24 hours
      monitor changes --since 7d --story pakistan-taliban
      monitor changes --since 2026-11-01 --until 2026-11-07 --json
      monitor changes --cursor daily --quiet --format markdown | ifne mail -s news you@example.com
      monitor changes --since 7d --format atom -o edits.atom
    """
    if as_json:
        fmt = "json"
    named = since is not None and since.startswith("@")
    if (cursor or named) and until:
        raise click.UsageError("a cursor's window ends now: --until does not go with a cursor")
    since_iso, until_iso = (since, None) if named else resolve_window(since, until)
    if since_iso and until_iso and since_iso >= until_iso:
        raise click.UsageError(f"--since {since} is not before the window end {until_iso}")
    colour = path is None and fmt == "text" and output.use_colour()

    def deliver(data: dict[str, Any]) -> None:
        if since and not named and data["window"]["since"] >= data["window"]["until"]:
            raise click.UsageError(
                f"--since {since} is not before the window end {data['window']['until']}"
            )
        if quiet and not report_render.has_news(data):
            return
        text = _render_changes(data, fmt, colour)
        if path is not None:
            from monitor.outfile import write_atomic

            write_atomic(path, text)
            if not quiet:
                click.echo(f"wrote {path}", err=True)
        else:
            click.echo(text, nl=False, color=colour)
            sys.stdout.flush()

    app.monitor.changes(
        since_iso,
        until_iso,
        story=story,
        top=top,
        cursor=cursor,
        deliver=deliver,
        entries=fmt == "atom",
    )


def _render_changes(data: dict[str, Any], fmt: str, colour: bool) -> str:
    if fmt == "json":
        return json.dumps(report_render.to_json(data), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return report_render.render_markdown(data)
    if fmt == "html":
        from monitor.render import changes_html

        return changes_html.render_html(data)
    if fmt == "atom":
        from monitor.render import atom

        return atom.render_atom(data)
    return report_render.render_text(data, colour=colour) + "\n"


@click.command(name="search")
@click.argument("query")
@click.option(
    "--all-versions", is_flag=True, help="Search old versions too (text later edited out)."
)
@since_option
@click.option("--source", "site", help="Only articles from this outlet.")
@click.option("--story", help="Only articles of this story.")
@click.option("--theme", help="Only versions tagged with this theme (slug or label).")
@limit_option
@output_options
@pass_app
def search_(
    app: App,
    query: str,
    all_versions: bool,
    since: str | None,
    until: str | None,
    site: str | None,
    story: str | None,
    theme: str | None,
    limit: int | None,
    fmt: str | None,
    wide: bool,
) -> None:
    """Full-text search over headlines and texts, best matches first.

    QUERY: words (all must occur), "a phrase", a OR b, a NOT b, prefix*,
    parentheses to group, title:word or text:word. Only upper-case OR, NOT
    and AND are operators. --all-versions searches every stored version and
    says which versions matched and whether the text is gone from the current one.
    On a terminal each match is two lines cut to its width (--wide: whole);
    matched words are marked [like this] in JSON, CSV and uncoloured output.

    \b
    Examples:
      monitor search 'talks OR negotiations'
      monitor search '"ceasefire agreement" NOT kabul' --since 7d
      monitor search 'drone*' --source Dawn --json
      monitor search 'casualties' --all-versions     # text later edited out
    """
    since_iso, until_iso = resolve_window(since, until)
    opts = search.SearchOptions(
        all_versions=all_versions,
        since=since_iso,
        until=until_iso,
        source=site,
        story=story,
        theme=theme,
        limit=limit + 1 if limit else None,
    )
    rows = app.monitor.search(query, opts)
    if fmt is not None:
        marked = (
            {
                **r,
                "title": search.mark(r["title"], "[", "]"),
                "snippet": search.mark(r["snippet"], "[", "]"),
            }
            for r in rows
        )
        emit_rows(marked, fmt, [], limit=limit)
        return

    def lines() -> Any:
        for r in limited(rows, limit):
            where = f"v{r['version']}"
            if all_versions:
                where = "v" + ",".join(str(n) for n in r["versions_matched"])
                if not r["in_current"]:
                    where += f" (gone from current v{r['current_version']})"
            date = shown(r["dated_at"], app.utc, date_only=True)
            prefix = f"{r['id']:>5}  {date}  {r['source'] or ''}  {where}  "
            yield prefix, r["title"] or "", "bold"
            snippet = (r["snippet"] or "").replace("\n", " ")
            if snippet.strip():
                yield "       ", snippet, ""

    if not output.print_marked(lines(), sys.stdout, (search.OPEN, search.CLOSE), whole=wide):
        click.echo("no matches", err=True)


@click.command(name="export")
@click.argument("what", type=click.Choice(list(exportmod.WHATS)))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(exportmod.FORMATS)),
    default="csv",
    show_default=True,
    help="csv (RFC 4180, UTF-8, header row), xlsx (an Excel workbook with typed dates; "
    "needs the xlsx extra), json (one array) or nl (JSON lines).",
)
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this regular file (replaced only when the export succeeds; a symlink, "
    "device or directory is refused). Default, or -: standard output.",
)
@click.option("--story", help="Only articles (feeds) of this story.")
@click.option("--source", "site", help="Only articles from this outlet.")
@since_option
@click.option("--edited", is_flag=True, help="Only articles with two or more versions.")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_INT), help="At most this many rows.")
@click.option(
    "--by",
    type=click.Choice(list(exportmod.PERIODS)),
    default="month",
    show_default=True,
    help="Period of theme-trends (labels as in 'monitor themes': 2025-10, 2025-W44, 2025-10-30).",
)
@click.option(
    "--safe/--no-safe",
    default=True,
    show_default=True,
    help="Prefix with ' the cells a spreadsheet would run as formulas: = anything, or "
    "+ - @ followed by a function, reference or sum (never plain numbers or text) (CSV only).",
)
@click.option(
    "--bom",
    is_flag=True,
    help="Start the CSV with a UTF-8 byte order mark (helps old Excel read Urdu).",
)
@pass_app
def export_(
    app: App,
    what: str,
    fmt: str,
    path: Path | None,
    story: str | None,
    site: str | None,
    since: str | None,
    until: str | None,
    edited: bool,
    limit: int | None,
    by: str,
    safe: bool,
    bom: bool,
) -> None:
    """Export WHAT for spreadsheets and notebooks: articles, versions, themes
    (per-article tags with scores), theme-trends (per-period counts), edits
    (per version-pair stats), feeds, runs.

    Rows stream from the database, so memory stays flat for any size.

    \b
    Examples:
      monitor export articles --since 30d -o articles.csv
      monitor export versions --story pakistan-taliban --format nl > versions.jsonl
      monitor export theme-trends --by month --format json
      monitor export edits --edited --bom -o edits.csv
      monitor export articles --format xlsx -o articles.xlsx

    CSV timestamps are UTC, written 2025-11-20 03:15:00 (a date-time to
    spreadsheets) in columns named *_utc; xlsx cells hold real date-times.
    """
    used = {
        "story": story,
        "source": site,
        "since": since,
        "until": until,
        "edited": edited,
        "limit": limit,
    }
    bad = [name for name, value in used.items() if value and name not in exportmod.FILTERS[what]]
    if bad:
        raise click.UsageError(f"export {what}: --{bad[0]} does not apply (it filters articles)")
    since_iso, until_iso = resolve_window(since, until)
    flt = ArticleFilter(
        story=story, source=site, since=since_iso, until=until_iso, edited=edited, limit=limit
    )
    if path is not None and str(path) == "-":
        path = None
    if path is None:
        out: IO[Any] = sys.stdout
        if fmt == "xlsx":
            if sys.stdout.isatty():
                raise click.UsageError("--format xlsx: give -o FILE.xlsx (a workbook is binary)")
            out = sys.stdout.buffer
        count = app.monitor.export(what, fmt, flt=flt, by=by, out=out, safe=safe, bom=bom)
        sys.stdout.flush()
    else:
        count = app.monitor.export(what, fmt, flt=flt, by=by, path=path, safe=safe, bom=bom)
        click.echo(f"exported {count} {what} rows to {path}", err=True)
