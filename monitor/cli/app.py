"""The ``monitor`` command line: Click only. Each command resolves the database,
calls one library function and hands the result to one output helper."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.errors import ExitCode, MonitorError, exit_codes_help
from monitor.render import rows as output
from monitor.text.timeutil import parse_until, parse_when

if TYPE_CHECKING:
    from monitor.api import Monitor

EXIT_CODES_HELP = "\n" + exit_codes_help()


def configure_logging(verbose: int) -> None:
    """``-v``: warnings and notes of the ``monitor`` logger on stderr; ``-vv``: debug."""
    import logging

    logger = logging.getLogger("monitor")
    if not any(getattr(h, "monitor_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler.monitor_cli = True  # type: ignore[attr-defined]  # given -v twice: one handler
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose == 1 else logging.DEBUG)


class MonitorClickError(click.ClickException):
    """A ClickException that carries the library error's exit code."""

    def __init__(self, message: str, exit_code: int = ExitCode.ERROR):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # Click reads it on exit


class MonitorGroup(click.Group):
    """Turns library errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            app = ctx.find_object(App)
            if app is not None and app.created and ctx.parent is None:
                click.echo(f"note: created the database {app.path}", err=True)
                app.created = False
            return result
        except MonitorError as exc:
            raise MonitorClickError(str(exc), exc.exit_code) from exc
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                from monitor.store.db import BUSY_TIMEOUT_S

                raise MonitorClickError(
                    f"database {ctx.obj.path if ctx.obj else ''}: busy for over "
                    f"{BUSY_TIMEOUT_S:.0f} s (another monitor process is writing); try again",
                    ExitCode.LOCKED,
                ) from exc
            raise MonitorClickError(_database_problem(ctx, exc)) from exc
        except sqlite3.DatabaseError as exc:  # a damaged file met mid-query, a full disk
            raise MonitorClickError(_database_problem(ctx, exc)) from exc
        except OSError as exc:  # a file or folder that cannot be read or written
            name = exc.filename or (ctx.obj.path if ctx.obj else "")
            raise MonitorClickError(f"{name}: {exc.strerror or exc}") from exc


#: the largest id, count or limit an option takes (SQLite's INTEGER): a bigger one is a
#: usage error, never an OverflowError from the database
MAX_INT = 2**63 - 1

#: commands that may create the database (every other one reads, and refuses a missing file)
CREATING = frozenset({"init", "add", "fetch", "feeds add", "feeds import", "stories add"})


def _database_problem(ctx: click.Context, exc: Exception) -> str:
    path = ctx.obj.path if ctx.obj else "the database"
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"database {path}: read-only ({text}); check its permissions and its folder's"
    if "disk" in text and "full" in text:
        return f"database {path}: the disk is full ({text}); nothing more was written"
    if "malformed" in text or "corrupt" in text or "not a database" in text:
        return f"database {path}: damaged ({text}); restore it from a backup"
    return f"database {path}: {text}"


class App:
    """Per-invocation state: the database path, and the :class:`monitor.api.Monitor`
    opened on it on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._monitor: Monitor | None = None
        self.created = False  # this command made the database file
        self.utc = False  # --utc: show times in UTC on terminals too

    @property
    def monitor(self) -> Monitor:
        """The database, opened on first use. Only the commands that store something
        (:data:`CREATING`) create a missing database, and they say where; every other
        command says it does not exist (a mistyped --db creates nothing)."""
        if self._monitor is None:
            from monitor import api

            ctx = click.get_current_context(silent=True)
            command = " ".join(ctx.command_path.split()[1:]) if ctx else ""
            create = command in CREATING
            self.created = create and not self.path.exists()
            self._monitor = api.open(self.path, create=create)
        return self._monitor


pass_app = click.make_pass_decorator(App)

#: ``-h`` as well as ``--help``, on every command (Click hands it down to subcommands)
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}

DB_HELP = "Database file. Default: monitor.db in your user data directory."
VERBOSE_HELP = "Log what happens on stderr: -v feed and page failures, -vv every step."
UTC_HELP = "Show times in UTC (default on a terminal: local time, the zone named)."


def _app(ctx: click.Context) -> App | None:
    return None if ctx.resilient_parsing else ctx.find_object(App)


def _set_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    app = _app(ctx)
    if app is not None and value is not None:
        app.path = value


def _set_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value and not ctx.resilient_parsing:
        configure_logging(value)


def _set_utc(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    app = _app(ctx)
    if app is not None and value:
        app.utc = True


def common_params() -> list[click.Parameter]:
    """``--db``, ``-v`` and ``--utc`` for a subcommand: the group's options, accepted
    after the command name too (``monitor list --db x`` = ``monitor --db x list``);
    given in both places, the later one wins."""
    return [
        click.Option(
            ["--db", "db_path"],
            type=click.Path(dir_okay=False, path_type=Path),
            expose_value=False,
            callback=_set_db,
            help=DB_HELP,
        ),
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_set_verbose,
            help=VERBOSE_HELP,
        ),
        click.Option(["--utc"], is_flag=True, expose_value=False, callback=_set_utc, help=UTC_HELP),
    ]


def add_common_options(command: click.Command) -> None:
    """Give ``command`` and every subcommand under it the common options."""
    names = {opt for param in command.params for opt in getattr(param, "opts", [])}
    command.params.extend(p for p in common_params() if not names & set(p.opts))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_common_options(sub)


#: the one default of ``--limit`` on every listing command (``--limit 0``: no limit)
DEFAULT_LIMIT = 50

LIMIT_HELP = f"At most this many rows (default {DEFAULT_LIMIT}; 0: all of them)."


def limit_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--limit N`` with the one default; ``0`` means no limit (``None`` for the API)."""

    def convert(ctx: click.Context, param: click.Parameter, value: int) -> int | None:
        return value or None

    return click.option(
        "--limit",
        type=click.IntRange(min=0, max=MAX_INT - 1),
        default=DEFAULT_LIMIT,
        callback=convert,
        help=LIMIT_HELP,
    )(func)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The output options of every listing command: a table by default (``--wide``:
    long cells whole), ``--json``, ``--nl``, ``--csv``, ``--tsv``. The command gets
    ``fmt`` (None for the table) and ``wide``."""

    @click.option("--wide", is_flag=True, help="Table: show long titles and URLs whole (wrapped).")
    @click.option(
        "--tsv", "fmt", flag_value="tsv", help="Output tab-separated values with a header row."
    )
    @click.option("--csv", "fmt", flag_value="csv", help="Output CSV with a header row.")
    @click.option("--nl", "fmt", flag_value="nl", help="Output JSON lines (one object a line).")
    @click.option("--json", "fmt", flag_value="json", help="Output a JSON array.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def limited(rows: Iterable[dict[str, Any]], limit: int | None) -> Iterator[dict[str, Any]]:
    """At most ``limit`` rows; a note on stderr when there were more (the API is asked
    for ``limit + 1`` so the note costs one row)."""
    if limit is None:
        yield from rows
        return
    for count, row in enumerate(rows):
        if count == limit:
            click.echo(f"note: showing the first {limit}; --limit 0 shows them all", err=True)
            return
        yield row


def emit_rows(
    rows: Iterable[dict[str, Any]],
    fmt: str | None,
    columns: list[tuple[str, str]],
    wide: str | None = None,
    empty: str = "nothing to show",
    *,
    keep: Collection[str] = ("id",),
    whole: bool = False,
    limit: int | None = None,
) -> None:
    """Rows in the chosen format. The table keeps the ``keep`` columns whole at any
    width, shrinks ``wide`` (the title) and drops other columns that do not fit."""
    out = sys.stdout
    rows = limited(rows, limit)
    if fmt == "json":
        output.write_json_array(rows, out)
    elif fmt == "nl":
        output.write_nl(rows, out)
    elif fmt == "csv":
        output.write_csv(rows, out)
    elif fmt == "tsv":
        output.write_tsv(rows, out)
    else:
        if not output.print_table(rows, columns, out, wide=wide, keep=keep, whole=whole):
            click.echo(empty, err=True)


def since_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--until", help="Only up to this date/time (a bare date includes that whole day)."
    )(func)
    return click.option(
        "--since",
        help="Only from this date/time: 2026-10-01, 2026-10-01T08:00Z, or back from now: 24h, 7d.",
    )(func)


def resolve_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    return (
        parse_when(since, "--since") if since else None,
        parse_until(until, "--until") if until else None,
    )
