"""``monitor completion SHELL`` (Click's completion script) and ``monitor cron`` (the
crontab lines for this installation)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from monitor.cli.app import App, pass_app

SHELLS = ["bash", "zsh", "fish"]

COMPLETION_EPILOG = """
\b
Install (once; opens in every new shell):
  bash:  monitor completion bash > ~/.local/share/bash-completion/completions/monitor
  zsh:   monitor completion zsh > ~/.zfunc/_monitor   (with fpath+=~/.zfunc before compinit)
  fish:  monitor completion fish > ~/.config/fish/completions/monitor.fish
"""


@click.command(name="completion", epilog=COMPLETION_EPILOG)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish (commands, options,
    story slugs are completed as you type TAB).

    \b
    Examples:
      monitor completion bash > ~/.local/share/bash-completion/completions/monitor
      eval "$(monitor completion bash)"        # this shell only
      monitor completion fish > ~/.config/fish/completions/monitor.fish
    """
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - the Choice lists only shells Click knows
        raise click.UsageError(f"no completion for {shell}")
    root = ctx.find_root().command
    click.echo(cls(root, {}, "monitor", "_MONITOR_COMPLETE").source())


def monitor_command() -> str:
    """How cron should start this installation's ``monitor``: the absolute path of the
    script that is running (this Python with ``-m monitor`` when run so), else the one
    on PATH, else this Python with ``-m monitor``."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "__main__.py":  # python -m monitor
        return f"{shlex.quote(sys.executable)} -m monitor"
    if argv0 is not None and argv0.name.startswith("monitor") and argv0.is_file():
        return shlex.quote(str(argv0.absolute()))
    found = shutil.which("monitor")
    if found:
        return shlex.quote(str(Path(found).absolute()))
    return f"{shlex.quote(sys.executable)} -m monitor"


def cron_escape(command: str) -> str:
    """A crontab command line: cron turns an unescaped ``%`` into a newline."""
    return command.replace("%", "\\%")


@click.command(name="cron")
@click.option(
    "--every",
    type=click.IntRange(min=1, max=59),
    default=15,
    show_default=True,
    metavar="MINUTES",
    help="Fetch every this many minutes.",
)
@click.option(
    "--mail",
    "address",
    default="you@example.com",
    show_default=True,
    help="Where the daily digest of changes is mailed.",
)
@click.option(
    "--at",
    "hour",
    type=click.IntRange(min=0, max=23),
    default=7,
    show_default=True,
    metavar="HOUR",
    help="Hour of the daily digest (the machine's time zone, as cron uses).",
)
@pass_app
def cron(app: App, every: int, address: str, hour: int) -> None:
    """Print crontab lines for this installation: the absolute path of this
    ``monitor`` and of the database, so they work under cron's short PATH.

    The first line fetches due feeds (full texts, edits re-checked for 48 hours);
    the second mails a digest of what changed since the last digest (nothing is
    mailed on a quiet day: ifne is in the moreutils package). Add them with
    'crontab -e', or append them as shown below.

    \b
    Examples:
      monitor cron
      monitor --db ~/news.db cron --mail desk@example.com
      (crontab -l; monitor cron --mail desk@example.com) | crontab -
    """
    command = monitor_command()
    db = shlex.quote(str(app.path.expanduser().absolute()))
    fetch = f"{command} --db {db} fetch --quiet --full-text --recheck 48"
    digest = (
        f"{command} --db {db} changes --cursor daily --quiet --format markdown"
        f" | ifne mail -s {shlex.quote('monitor: what changed')} {shlex.quote(address)}"
    )
    click.echo(f"# monitor: fetch every {every} minutes; a digest of changes daily at {hour}:00")
    click.echo(f"*/{every} * * * * {cron_escape(fetch)}")
    click.echo(f"0 {hour} * * * {cron_escape(digest)}")
