"""``monitor notify``: send new and edited articles to mail, chat and webhooks."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.app import App, MonitorClickError, pass_app
from monitor.errors import ExitCode
from monitor.text.safetext import line
from monitor.text.timeutil import parse_when

SEVERITIES = ["cosmetic", "minor", "substantive", "major"]


@click.command(name="notify")
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="URL",
    help="An Apprise URL to send to (repeatable): mailto://, json://, slack://, ntfy:// ...",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help='A TOML file of destinations: destinations = ["mailto://...", "json://..."].',
)
@click.option(
    "--each",
    is_flag=True,
    help="One message per edit at or above --min-severity (default: one digest of all).",
)
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES),
    default="minor",
    show_default=True,
    help="Leave out edits below this severity (substantive: headline, quote or number edits).",
)
@click.option(
    "--since",
    default="2d",
    show_default=True,
    help="Consider changes from this far back (a failed delivery is retried within it).",
)
@click.option("--story", help="Only articles of this story.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    help="Seconds to wait for another notify on this database.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing unless a delivery failed.")
@pass_app
def notify(
    app: App,
    to: tuple[str, ...],
    config: Path | None,
    each: bool,
    min_severity: str,
    since: str,
    story: str | None,
    wait: float,
    quiet: bool,
) -> None:
    """Send new and edited articles to mail, chat or a webhook, each change once.

    Each message carries the headline, outlet, link, named edits with their
    severity and the changed text (old → new). What each destination accepted
    is recorded; a failed delivery is retried by the next run and shown by
    'monitor status'. Needs Apprise: pip install 'monitor[notify]'.

    \b
    Examples:
      monitor notify --to 'mailtos://user:app-password@gmail.com?to=you@example.com'
      monitor notify --each --min-severity substantive --to json://127.0.0.1:8080/hook
      monitor notify --config ~/.config/monitor/alerts.toml --story pakistan-taliban
    """
    from monitor.notify import NotifyOptions

    options = NotifyOptions(
        to=list(to),
        config=config,
        each=each,
        min_severity=min_severity,
        since=parse_when(since, "--since"),
        story=story,
    )
    results = app.monitor.notify(options, wait=wait)
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok:
            click.echo(
                f"failed: {line(r.label)}: {line(r.errors[-1])} "
                f"({r.pending - r.items} changes wait for the next run)",
                err=True,
            )
        elif not quiet:
            what = f"{r.items} changes in {r.messages} messages" if r.items else "nothing new"
            click.echo(f"{line(r.label)}: {what}", err=True)
    if failed:
        raise MonitorClickError(
            f"{len(failed)} of {len(results)} destinations failed", ExitCode.ERROR
        )
