"""The ``monitor`` command line: Click only.

The group is defined here and every command module is added to it with
``add_command`` (command modules never import this one, so there is no cycle).
Each command resolves the database, calls one library function and hands the
result to one output helper.
"""

from __future__ import annotations

from pathlib import Path

import click

from monitor import __version__
from monitor.cli import core, diff, feeds, notify, report, serve, themes
from monitor.cli.app import EXIT_CODES_HELP, App, MonitorGroup, configure_logging
from monitor.render import rows as output


@click.group(cls=MonitorGroup, epilog=EXIT_CODES_HELP)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MONITOR_DB",
    show_envvar=True,
    help="Database file. Default: monitor.db in your user data directory.",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log what happens on stderr: -v feed and page failures, -vv every step.",
)
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, verbose: int) -> None:
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
    if verbose:
        configure_logging(verbose)
    if output.use_colour() is False:
        ctx.color = False
    if db_path is None:
        from monitor.store.db import default_db_path

        db_path = default_db_path()
    ctx.obj = App(db_path)


for command in (
    core.init,
    core.add,
    core.list_,
    core.show,
    core.stories_group,
    diff.diff,
    feeds.feeds_group,
    feeds.fetch_cmd,
    feeds.status_cmd,
    report.changes,
    notify.notify,
    report.search_,
    report.export_,
    themes.themes,
    themes.retag,
    serve.serve,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="monitor")
