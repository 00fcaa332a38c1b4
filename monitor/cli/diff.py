"""``monitor diff``: what changed between versions of one article."""

from __future__ import annotations

import json

import click

from monitor.cli.app import MAX_INT, App, pass_app
from monitor.render import rows as output


@click.command()
@click.argument("article_id", type=click.IntRange(min=1, max=MAX_INT))
@click.argument(
    "from_number", metavar="[FROM]", required=False, type=click.IntRange(min=1, max=MAX_INT)
)
@click.argument(
    "to_number", metavar="[TO]", required=False, type=click.IntRange(min=1, max=MAX_INT)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "patch", "json"]),
    default="text",
    show_default=True,
    help="text: marked-up article; html: one self-contained page; "
    "patch: diff-match-patch patch of the headline, a blank line and the text; "
    "json: ops, stats, URL, outlet and published date.",
)
@click.option("--stat", is_flag=True, help="Only one line of counts per version pair.")
@click.option("--all", "every", is_flag=True, help="Every consecutive pair, oldest first.")
@click.option(
    "--context",
    type=click.IntRange(min=0, max=MAX_INT),
    help="Show only N paragraphs around each change; fold the rest (default: all).",
)
@pass_app
def diff(
    app: App,
    article_id: int,
    from_number: int | None,
    to_number: int | None,
    fmt: str,
    stat: bool,
    every: bool,
    context: int | None,
) -> None:
    """Show what changed between versions of an article.

    Default: the previous version against the latest. FROM alone compares it
    with the latest; FROM TO compares those two. The headline comes first,
    then the text, word by word: on a terminal deletions are red and struck,
    insertions green; otherwise they read [-removed-]{+added+}.

    \b
    Examples:
      monitor diff 12                 # previous version -> latest
      monitor diff 12 1 3             # version 1 -> version 3
      monitor diff 12 --all --stat    # the article's edit history, one line per edit
      monitor diff 12 --context 1     # only changed paragraphs, one around each
      monitor diff 12 --format html > diff.html
      monitor diff 12 --format json | jq .stats
    """
    if every and from_number is not None:
        raise click.UsageError("--all shows every pair: give no FROM/TO with it")
    if every and fmt == "patch" and not stat:
        raise click.UsageError("--format patch is for one pair: give FROM TO instead of --all")
    from monitor.render import diff as diff_render

    article, comparisons = app.monitor.diff_page(article_id, from_number, to_number, every)
    if not comparisons:
        click.echo(f"article {article_id} has one version: nothing to compare yet", err=True)
        return
    changed = [c for c in comparisons if not c.identical]
    for cmp in comparisons:
        if cmp.identical:
            click.echo(
                f"article {article_id}: versions {cmp.old['number']} and "
                f"{cmp.new['number']} are identical",
                err=True,
            )
    if stat:
        if fmt == "json":
            rows = [
                {
                    "article": c.article_id,
                    "from": c.old["number"],
                    "to": c.new["number"],
                    "observed_at": c.new["observed_at"],
                    **c.edits.stats(),
                    "summary": c.edits.summary(),
                }
                for c in comparisons
            ]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for cmp in comparisons:
                click.echo(diff_render.stat_line(cmp))
        return
    if fmt == "json":
        data = [diff_render.to_json(c, article) for c in comparisons]
        click.echo(json.dumps(data if every else data[0], ensure_ascii=False, indent=2))
    elif fmt == "patch":
        click.echo(diff_render.to_document_patch(comparisons[0]), nl=False)
    elif not changed:
        return
    elif fmt == "html":
        click.echo(diff_render.render_html(changed, context, article), nl=False)
    else:
        colour = output.use_colour()
        texts = [diff_render.render_text(c, colour, context) for c in changed]
        click.echo("\n".join(texts), nl=False, color=colour)
