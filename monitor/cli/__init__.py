"""The ``monitor`` command line: Click only.

The group is defined here and every command module is added to it with
``add_command`` (command modules never import this one, so there is no cycle).
Each command resolves the database, calls one library function and hands the
result to one output helper.
"""

from __future__ import annotations

from pathlib import Path

import click

from monitor import __version__, lean
from monitor.cli import (
    completion,
    core,
    diff,
    feeds,
    notify,
    reextract,
    report,
    serve,
    status,
    themes,
)
from monitor.cli.app import (
    CONTEXT_SETTINGS,
    DB_HELP,
    EXIT_CODES_HELP,
    UTC_HELP,
    VERBOSE_HELP,
    App,
    MonitorGroup,
    add_common_options,
    configure_logging,
)
from monitor.render import rows as output


@click.group(cls=MonitorGroup, epilog=EXIT_CODES_HELP, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MONITOR_DB",
    show_envvar=True,
    help=DB_HELP + " Also accepted after the command name.",
)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.option("--utc", is_flag=True, help=UTC_HELP)
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, verbose: int, utc: bool) -> None:
    """Follow a news story for months: every version of every article,
    recurring themes, and what changed.

    \b
    Examples:
      monitor init
      monitor add samples/articles/*.txt --story pakistan-taliban
      monitor list
      monitor show 1
      monitor list --db ~/news.db      # options go before or after the command
    """
    if ctx.resilient_parsing:
        return
    if verbose:
        configure_logging(verbose)
    if not output.use_colour():
        ctx.color = False
    elif output.colour_forced():
        ctx.color = True  # FORCE_COLOR: keep the colours through a pipe
    if db_path is None:
        from monitor.store.db import default_db_path

        db_path = default_db_path()
    ctx.obj = App(db_path)
    ctx.obj.utc = utc


for command in (
    core.init,
    core.add,
    core.list_,
    core.show,
    core.stories_group,
    diff.diff,
    feeds.feeds_group,
    feeds.fetch_cmd,
    status.status_cmd,
    report.changes,
    notify.notify,
    report.search_,
    report.export_,
    themes.themes,
    themes.retag,
    completion.completion,
    completion.cron,
    reextract.reextract,
    serve.serve,
):
    add_common_options(command)
    cli.add_command(command)


def main() -> None:
    lean.install()
    cli(prog_name="monitor")
