"""``monitor reextract``: extract stored pages again and say what would change."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from monitor.cli.app import App, pass_app
from monitor.text.safetext import line


@click.command(name="reextract")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option(
    "--apply", is_flag=True, help="Store the changed texts as new versions (default: dry run)."
)
@click.option("--json", "as_json", is_flag=True, help="Output one JSON list.")
@pass_app
def reextract(app: App, ids: tuple[int, ...], apply: bool, as_json: bool) -> None:
    """Run text extraction again over the raw HTML kept with page versions.

    Reports, for the current version of each article (or of the IDs given), whether
    today's extractor gives the same text. Nothing is stored unless --apply; then a
    changed text becomes a new version, except one that looks like a wall or a
    failed extraction (held back as a suspect page, like a fetched one).

    \b
    Examples:
      monitor reextract
      monitor reextract 12 15 --apply
    """
    found = app.monitor.reextract(list(ids), apply)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no stored page HTML to re-extract", err=True)
        return
    for r in found:
        what = f"article {r.article_id} v{r.version}: {r.outcome}"
        if r.outcome in ("changed", "suspect", "stored", "held"):
            what += f", {r.words_before} -> {r.words_after} words (kept {r.kept:.0%})"
            if r.title_changed:
                what += ", title changed"
            if r.byline_changed:
                what += ", byline changed"
        if r.stored_version:
            what += f"; stored version {r.stored_version}"
        if r.note:
            what += f" ({line(r.note)})"
        click.echo(what)
    changed = sum(r.outcome in ("changed", "suspect") for r in found)
    if changed and not apply:
        click.echo(f"{changed} would change; run again with --apply to store them", err=True)
