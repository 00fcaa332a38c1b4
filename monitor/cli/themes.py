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
    pass_app,
    resolve_window,
    since_option,
)
from monitor.render import rows as output
from monitor.store.queries import ArticleFilter
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
@click.option("--json", "fmt", flag_value="json", help="Output a JSON array, one object a theme.")
@click.option(
    "--csv",
    "fmt",
    flag_value="csv",
    help="Output CSV: one row per theme and period (as 'monitor export theme-trends').",
)
@click.pass_context
def themes(
    ctx: click.Context,
    story: str | None,
    by: str,
    since: str | None,
    until: str | None,
    fmt: str | None,
) -> None:
    """Recurring themes of a story: articles, sources, first/last seen, trend.

    A theme is "recurring" when it appears in at least 3 periods (not one burst).
    Counts use each article's current version and its date (published, else
    first seen).

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
    if fmt == "json":
        output.write_json_array((t.as_dict() for t in found), out)
        return
    if fmt == "csv":  # the rows and columns of 'monitor export theme-trends'
        flt = ArticleFilter(story=slug, since=since_iso, until=until_iso)
        app.monitor.export("theme-trends", "csv", flt=flt, by=by, out=out)
        return
    keys = trends.window_periods(found, by, since_iso, until_iso, limit=SPARK_PERIODS)
    rows = [
        {
            "theme": t.theme,
            "articles": t.articles,
            "sources": t.sources,
            "first": (t.first_seen or "")[:10],
            "last": (t.last_seen or "")[:10],
            "periods": len(t.periods),
            "recurring": "yes" if t.recurring else ("burst" if t.articles else ""),
            "trend": trends.sparkline([t.periods.get(k, 0) for k in keys]),
        }
        for t in found
    ]
    if keys:
        click.echo(f"story {slug}, by {by}: {keys[0]} … {keys[-1]}", err=True)
    emit_rows(
        rows,
        None,
        [
            ("theme", "theme"),
            ("articles", "articles"),
            ("sources", "sources"),
            ("first", "first seen"),
            ("last", "last seen"),
            ("periods", "periods"),
            ("recurring", "recurring"),
            ("trend", "trend"),
        ],
        empty=f"story {slug}: no themes",
    )


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
      monitor themes eval labels.csv
      monitor themes eval labels.csv more.csv --story my-story.toml --misses 10
      monitor themes eval labels.csv --json > eval.json
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
@click.option("--story", help="Only re-tag this story (default: every story).")
@pass_app
def retag(app: App, story: str | None) -> None:
    """Re-apply the stories' current taxonomies to every stored version.

    Run after changing a story's themes ('monitor stories add FILE'). One
    transaction: an interrupted retag leaves the old tags in place.

    \b
    Examples:
      monitor stories add my-story.toml && monitor retag --story my-story
      monitor retag
    """
    result = app.monitor.retag(story)
    click.echo(
        f"retagged {result.versions} versions: {result.tags} tags "
        f"in {result.seconds:.2f} s ({result.per_second:,.0f} versions/s)",
        err=True,
    )
