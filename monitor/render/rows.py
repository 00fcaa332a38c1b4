"""Writers for rows: a terminal table, a JSON array, JSON lines, CSV. Rows stream."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from monitor.text import safetext

#: a cell starting with one of these is a formula in Excel and LibreOffice ...
FORMULA_STARTS = ("+", "-", "@")
#: ... when what follows looks like one: a function call, a DDE/sheet reference, a cell
#: reference or arithmetic on them (``+A1``, ``-2+3+cmd|' /C calc'!A0``, ``@SUM(A1)``)
_FORMULA_LIKE = re.compile(
    r"[A-Za-z_][\w.]*\(|[|!=]|^\$?[A-Za-z]{1,3}\$?\d+\b|^[\d.]+\s*[-+*/^&]\s*[\d.$A-Za-z(]"
)
ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(?:\.\d+)?(?:Z|[+-]00:?00)$")


def use_colour(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def is_formula(value: str) -> bool:
    """Whether a spreadsheet opening this cell would evaluate it.

    ``=`` always starts a formula, and a leading tab or carriage return hides one;
    ``+``, ``-`` and ``@`` start one only when a formula follows (a function call, a
    reference, arithmetic). A plain negative number (``-5``), a phone number
    (``+92 300 1234567``) or text such as ``-Minus Source`` are data and stay as they are.
    """
    if not value:
        return False
    if value[0] == "=":
        return len(value) > 1
    if value[0] in "\t\r":
        return True
    if value[0] in FORMULA_STARTS and len(value) > 1:
        return bool(_FORMULA_LIKE.search(value[1:].lstrip()))
    return False


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (CSV injection).

    Only cells :func:`is_formula` finds are changed: a leading ``'`` makes them
    text (Excel and LibreOffice show the ``'``, which marks what was changed).
    Escape sequences and control characters (other than newlines and tabs) are
    removed, as on every other output.
    """
    if isinstance(value, str):
        value = safetext.clean(value, newlines=True, tabs=True)
        if is_formula(value):
            return "'" + value
    return value


def utc_column(name: str) -> str:
    """A timestamp column's name for spreadsheets: ``published_at`` -> ``published_utc``."""
    return name[:-3] + "_utc" if name.endswith("_at") else name


def utc_cell(value: Any) -> Any:
    """``2025-11-20T03:15:00Z`` -> ``2025-11-20 03:15:00``, the form LibreOffice and Excel
    read as a date-time (the column name says UTC); anything else unchanged."""
    if isinstance(value, str):
        match = ISO_UTC.match(value)
        if match:
            return f"{match[1]} {match[2]}{match[3] or ':00'}"
    return value


def columns_of(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None) -> list[str] | None:
    """The columns given, else those the row stream declares (``rows.columns``)."""
    if columns:
        return list(columns)
    declared = getattr(rows, "columns", None)
    return list(declared) if declared else None


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
    bom: bool = False,
) -> int:
    """RFC 4180 CSV for spreadsheets and pandas; return the row count.

    A header row always, even with no rows (columns from ``columns``, else
    ``rows.columns``, else the first row). Timestamp columns (``*_at``) are named
    ``*_utc`` and written ``2025-11-20 03:15:00``. ``safe`` guards formula cells
    (:func:`csv_safe`); ``bom`` starts with a UTF-8 byte order mark, which Excel
    needs to read UTF-8.
    """
    if bom:
        out.write("\ufeff")
    names = columns_of(rows, columns)
    writer = csv.writer(out, lineterminator="\r\n")
    if names is not None:
        writer.writerow([utc_column(n) for n in names])
    count = 0
    for row in rows:
        if names is None:
            names = list(row)
            writer.writerow([utc_column(n) for n in names])
        values = (utc_cell(row.get(n)) for n in names)
        writer.writerow([csv_safe(v) if safe else v for v in values])
        count += 1
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
