"""The ``monitor`` command line: Click only. Each command resolves the database,
calls one library function and hands the result to one output helper."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterable
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

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("monitor")
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
            return super().invoke(ctx)
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
            raise


class App:
    """Per-invocation state: the database path, and the :class:`monitor.api.Monitor`
    opened on it on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._monitor: Monitor | None = None

    @property
    def monitor(self) -> Monitor:
        if self._monitor is None:
            from monitor import api

            self._monitor = api.open(self.path)
        return self._monitor


pass_app = click.make_pass_decorator(App)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``, ``--csv``, ``--nl`` for commands that list rows."""

    @click.option("--json", "fmt", flag_value="json", help="Output a JSON array.")
    @click.option("--csv", "fmt", flag_value="csv", help="Output CSV with a header row.")
    @click.option("--nl", "fmt", flag_value="nl", help="Output JSON lines (one object a line).")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def emit_rows(
    rows: Iterable[dict[str, Any]],
    fmt: str | None,
    columns: list[tuple[str, str]],
    wide: str | None = None,
    empty: str = "nothing to show",
) -> None:
    out = sys.stdout
    if fmt == "json":
        output.write_json_array(rows, out)
    elif fmt == "nl":
        output.write_nl(rows, out)
    elif fmt == "csv":
        output.write_csv(rows, out)
    else:
        if not output.print_table(rows, columns, out, wide=wide):
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
