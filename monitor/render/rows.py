"""Writers for rows: a terminal table, a JSON array, JSON lines, CSV. Rows stream."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from monitor.text import safetext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def use_colour(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (CSV injection).

    A leading ``'`` is the convention spreadsheets display as "text"; plain
    negative numbers are left alone. Escape sequences and control characters
    (other than newlines and tabs) are removed, as on every other output.
    """
    if isinstance(value, str):
        value = safetext.clean(value, newlines=True, tabs=True)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _json(row: Any) -> str:
    """One JSON value; C1, DEL and bidi controls as ``\\uXXXX`` (same data, inert on a terminal)."""
    return safetext.json_safe(json.dumps(row, ensure_ascii=False, default=str))


def write_json_array(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n " if count else "\n ")
        out.write(_json(row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_nl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(_json(row) + "\n")
        count += 1
    return count


def write_csv(
    rows: Iterable[dict[str, Any]],
    out: TextIO,
    columns: Sequence[str] | None = None,
    safe: bool = True,
) -> int:
    """RFC 4180 CSV with a header row; columns from ``columns`` or the first row."""
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(
                out,
                fieldnames=list(columns or row.keys()),
                extrasaction="ignore",
                lineterminator="\r\n",
            )
            writer.writeheader()
        writer.writerow({k: csv_safe(v) if safe else v for k, v in row.items()})
        count += 1
    if writer is None and columns:
        csv.writer(out, lineterminator="\r\n").writerow(columns)
    return count


def print_table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    out: TextIO | None = None,
    wide: str | None = None,
) -> int:
    """A readable table; ``columns`` are (key, header); ``wide`` is the column that shrinks.

    Uses rich, which measures wide (CJK) and combining (Urdu) characters correctly.
    Cells are plain :class:`rich.text.Text` (never parsed as markup) with escape
    sequences and control characters removed: a title is shown, never obeyed.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    console = Console(
        file=out,
        no_color=not use_colour(out),
        highlight=False,
        width=None if is_tty else 160,
        force_terminal=is_tty,
    )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for key, header in columns:
        if key == wide:
            table.add_column(header, overflow="ellipsis", no_wrap=True, ratio=1)
        else:
            table.add_column(header, no_wrap=True)
    count = 0
    for row in rows:
        table.add_row(*(Text(safetext.line(row.get(k))) for k, _ in columns))
        count += 1
    if count:
        console.print(table)
    return count
