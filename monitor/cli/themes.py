"""``monitor themes`` (trends), ``monitor themes discover`` and ``monitor retag``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from monitor.cli.app import (
    MAX_INT,
    App,
    MonitorGroup,
    emit_rows,
    limit_option,
    output_options,
    pass_app,
    resolve_window,
    since_option,
)
from monitor.render import rows as output
from monitor.store.queries import ArticleFilter
from monitor.text.localtime import shown
from monitor.themes import trends

SPARK_PERIODS = 24


@click.group(cls=MonitorGroup, invoke_without_command=True)
@click.option("--story", help="Story slug (default: the only story with themes).")
@click.option(
    "--by",
    type=click.Choice(trends.PERIODS),
    default="month",
    show_default=True,
    help="Period for the trend: day, ISO week (YYYY-Www) or month.",
)
@since_option
@limit_option
@output_options
@click.pass_context
def themes(
    ctx: click.Context,
    story: str | None,
    by: str,
    since: str | None,
    until: str | None,
    limit: int | None,
    fmt: str | None,
    wide: bool,
) -> None:
    """Recurring themes of a story: articles, sources, first/last seen, trend.

    A theme is "recurring" when it appears in at least 3 periods (not one burst).
    Counts use each article's current version and its date (published, else
    first seen). --json and --nl: one object a theme; --csv: one row per theme
    and period; the table's trend has as many periods as the terminal has room for.

    \b
    Examples:
      monitor themes --story pakistan-taliban
      monitor themes --by week --since 2025-10-01
      monitor themes --json > themes.json
      monitor themes --csv --by day
      monitor themes discover --min-articles 5
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    since_iso, until_iso = resolve_window(since, until)
    result = app.monitor.themes(story, by, since_iso, until_iso)
    slug, found = result.story, result.trends
    out = sys.stdout
    if fmt in ("json", "nl"):
        emit_rows((t.as_dict() for t in found), fmt, [], limit=limit)
        return
    if fmt == "csv":  # the rows and columns of 'monitor export theme-trends'
        flt = ArticleFilter(story=slug, since=since_iso, until=until_iso)
        app.monitor.export("theme-trends", "csv", flt=flt, by=by, out=out)
        return
    keys = trends.window_periods(found, by, since_iso, until_iso, limit=_spark_periods(fmt))
    rows = [
        {
            "theme": t.theme,
            "articles": t.articles,
            "sources": t.sources,
            "first": shown(t.first_seen, app.utc, date_only=True),
            "last": shown(t.last_seen, app.utc, date_only=True),
            "periods": len(t.periods),
            "recurring": "yes" if t.recurring else ("burst" if t.articles else ""),
            "trend": trends.sparkline([t.periods.get(k, 0) for k in keys]),
        }
        for t in found
    ]
    if keys and fmt is None:
        click.echo(f"story {slug}, by {by}: {keys[0]} … {keys[-1]}", err=True)
    emit_rows(
        rows,
        fmt,
        [
            ("theme", "theme"),
            ("articles", "articles"),
            ("first", "first seen"),
            ("last", "last seen"),
            ("recurring", "recurring"),
            ("trend", "trend"),
            ("sources", "sources"),
            ("periods", "periods"),
        ],
        wide="theme",
        keep=("articles", "first", "last", "trend"),
        whole=wide,
        limit=limit,
        empty=f"story {slug}: no themes",
    )


def _spark_periods(fmt: str | None) -> int:
    """Periods in the trend sparkline: all :data:`SPARK_PERIODS` off a terminal, else as
    many as leave the theme, counts and dates room (at least 6)."""
    if fmt is not None or not sys.stdout.isatty():
        return SPARK_PERIODS
    import shutil

    width = shutil.get_terminal_size().columns
    return max(6, min(SPARK_PERIODS, width - 68))


@themes.command(name="discover")
@click.option("--story", help="Only articles of this story (default: all articles).")
@click.option(
    "--min-articles",
    type=click.IntRange(min=1, max=MAX_INT),
    default=3,
    show_default=True,
    help="Keep phrases found in at least this many articles.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_INT),
    default=20,
    show_default=True,
    help="At most this many.",
)
@click.option(
    "--theme",
    help="Suggest terms for this theme: what its articles and near-misses share.",
)
@click.option("--json", "as_json", is_flag=True, help="Output a JSON array.")
@pass_app
def themes_discover(
    app: App, story: str | None, min_articles: int, limit: int, theme: str | None, as_json: bool
) -> None:
    """Candidate themes: recurring phrases, names and actors not in the taxonomy.

    A candidate appears in at least --min-articles articles from at least two
    sources and is not itself a taxonomy term (containing one does not count).
    Ranked by how distinctive it is for the story against the other stored
    articles and general English word frequencies. Paste good ones into the
    story's [[themes]] terms, then run 'monitor stories add FILE' and 'monitor retag'.

    \b
    Examples:
      monitor themes discover --story pakistan-taliban
      monitor themes discover --theme refugees-deportations
      monitor themes discover --min-articles 5 --limit 50 --json
    """
    found = app.monitor.discover(story, min_articles, limit, theme=theme)
    if as_json:
        output.write_json_array((c.as_dict() for c in found), sys.stdout)
        return
    if not found:
        click.echo("no candidates (try a lower --min-articles)", err=True)
        return
    width = max(len(c.phrase) for c in found) + 2
    for c in found:
        quoted = f'"{c.phrase}"'
        click.echo(
            f"{quoted:<{width + 2}} {c.articles:>4} articles, {c.sources:>2} sources  "
            f"({c.kind}, lift {c.lift:.1f})"
        )


@themes.command(name="eval")
@click.argument("labels", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--story",
    help="Story slug (built-in or stored) or a story .toml file (default: the built-in story).",
)
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@click.option(
    "--misses",
    type=click.IntRange(min=0, max=MAX_INT),
    default=3,
    show_default=True,
    help="Show this many misses and false positives per theme (and for the rule).",
)
@pass_app
def themes_eval(
    app: App, labels: tuple[Path, ...], story: str | None, as_json: bool, misses: int
) -> None:
    """Measure a story's themes and rule against hand-labelled items (CSV).

    Columns: title, text or summary, themes (slugs separated by ';'), and
    optionally relevant (yes/borderline/no), id, url, date, outlet. The rule is
    scored on every item with a relevant label; the taxonomy is applied to every
    item whatever the rule says. Nothing is stored.

    \b
    Examples:
      monitor themes eval my-labels.csv
      monitor themes eval my-labels.csv my-more.csv --story my-story.toml --misses 10
      monitor themes eval my-labels.csv --json > eval.json
    """
    from monitor.themes import evaluate as themeeval

    result = app.monitor.evaluate_themes(list(labels), story)
    if as_json:
        click.echo(json.dumps(result.as_dict(cases=misses), ensure_ascii=False, indent=2))
        return
    emit_rows(
        themeeval.table_rows(result),
        None,
        [
            ("theme", "theme"),
            ("labelled", "labelled"),
            ("tagged", "tagged"),
            ("tp", "tp"),
            ("fp", "fp"),
            ("fn", "fn"),
            ("precision", "precision"),
            ("recall", "recall"),
            ("f1", "F1"),
        ],
    )
    for line in themeeval.summary_lines(result):
        click.echo(line)
    if misses:
        groups: dict[tuple[str, str], list[themeeval.Case]] = {}
        for case in themeeval.limit_cases(result.cases, misses):
            groups.setdefault((case.theme, case.kind), []).append(case)
        for (theme, kind), cases in groups.items():
            total = len(result.misses(kind, theme))
            click.echo(f"\n{theme}: {kind}s ({len(cases)} of {total})")
            for case in cases:
                click.echo(themeeval.case_line(case))


@click.command()
@click.option("--story", help="Only re-tag this story (default: every story that changed).")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Re-tag every story, changed or not (e.g. after upgrading monitor).",
)
@pass_app
def retag(app: App, story: str | None, every: bool) -> None:
    """Re-apply the stories' current taxonomies to the stored versions.

    Run after changing a story's themes ('monitor stories add FILE'). Only the
    stories whose taxonomy changed since their last retag are re-tagged, and of
    their versions only those holding a word the edit changed (--all: every
    version of every story). Works in short batches, each its own transaction, so 'fetch' and
    'add' go on meanwhile; an interrupted retag goes on where it stopped when run again.

    \b
    Examples:
      monitor stories add my-story.toml && monitor retag --story my-story
      monitor retag
    """
    result = app.monitor.retag(story, every)
    if result.stories == []:
        click.echo(
            "nothing to retag: no story's taxonomy changed since the last retag "
            "(--all re-tags every story anyway)",
            err=True,
        )
        return
    if result.resumed_from:
        click.echo(f"resumed an interrupted retag after version id {result.resumed_from}", err=True)
    click.echo(
        f"retagged {result.versions} versions: {result.tags} tags "
        f"in {result.seconds:.2f} s ({result.per_second:,.0f} versions/s)"
        + (
            f"; {result.skipped} left alone (they hold no word the edit changed)"
            if result.skipped
            else ""
        ),
        err=True,
    )
