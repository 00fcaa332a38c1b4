"""The ``monitor`` command line: Click only.

The group is defined here and knows every command by name and place
(:data:`COMMANDS`); a command's module is imported when that command runs, so
``monitor list`` loads the listing code and not search, export or fetch (command
modules never import this one, so there is no cycle).
Each command resolves the database, calls one library function and hands the
result to one output helper.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from monitor import __version__, lean
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

#: every command: its name, and the module of monitor.cli and the attribute it is
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("core", "init"),
    "add": ("core", "add"),
    "list": ("core", "list_"),
    "show": ("core", "show"),
    "stories": ("core", "stories_group"),
    "diff": ("diff", "diff"),
    "feeds": ("feeds", "feeds_group"),
    "fetch": ("feeds", "fetch_cmd"),
    "status": ("status", "status_cmd"),
    "changes": ("report", "changes"),
    "notify": ("notify", "notify"),
    "search": ("report", "search_"),
    "export": ("report", "export_"),
    "themes": ("themes", "themes"),
    "retag": ("themes", "retag"),
    "completion": ("completion", "completion"),
    "cron": ("completion", "cron"),
    "reextract": ("reextract", "reextract"),
    "serve": ("serve", "serve"),
}


class LazyGroup(MonitorGroup):
    """The top group: imports a command's module the first time the command is asked
    for (to run it, or for ``--help``, which lists them all), after click's own
    lazy-loading recipe."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"monitor.cli.{module}"), attribute)
            add_common_options(command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, epilog=EXIT_CODES_HELP, context_settings=CONTEXT_SETTINGS)
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


def main() -> None:
    lean.install()
    cli(prog_name="monitor")
