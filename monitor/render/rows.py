"""Writers for rows: a terminal table, a JSON array, JSON lines, CSV. Rows stream."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Collection, Iterable, Sequence
from typing import Any, Literal, TextIO

from monitor.text import safetext

#: a cell starting with one of these is a formula in Excel and LibreOffice ...
FORMULA_STARTS = ("+", "-", "@")
#: ... when what follows looks like one: a function call, a DDE/sheet reference, a cell
#: reference or arithmetic on them (``+A1``, ``-2+3+cmd|' /C calc'!A0``, ``@SUM(A1)``)
_FORMULA_LIKE = re.compile(
    r"[A-Za-z_][\w.]*\(|[|!=]|^\$?[A-Za-z]{1,3}\$?\d+\b|^[\d.]+\s*[-+*/^&]\s*[\d.$A-Za-z(]"
)
ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(?:\.\d+)?(?:Z|[+-]00:?00)$")


def colour_forced() -> bool:
    """``FORCE_COLOR`` set (and not empty): colours even through a pipe."""
    return bool(os.environ.get("FORCE_COLOR")) and not os.environ.get("NO_COLOR")


def use_colour(stream: TextIO | None = None) -> bool:
    """Colours on a terminal; never with ``NO_COLOR``; always with ``FORCE_COLOR``."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return colour_forced() or (hasattr(stream, "isatty") and stream.isatty())


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


def write_tsv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Tab-separated values with a header row (columns from the first row); tabs and
    newlines inside a cell become spaces, so every line is one row."""
    count = 0
    keys: list[str] = []
    for row in rows:
        if not count:
            keys = list(row.keys())
            out.write("\t".join(keys) + "\n")
        cells = ("" if row.get(k) is None else safetext.line(str(row.get(k))) for k in keys)
        out.write("\t".join(c.replace("\t", " ") for c in cells) + "\n")
        count += 1
    return count


#: width of a table that is not on a terminal (a pipe, a file): the same on every machine
PLAIN_WIDTH = 100
#: the shrinking column (the title) keeps at least this many cells before others go
MIN_WIDE = 16
#: cells between two columns (padding, divider, padding)
GAP = 3


#: shrinking columns whose end says most (a feed file's name, a URL's path): cut at the start
TAIL_FIRST = frozenset({"url"})


def _keep_end(text: str, width: int, cell_len: Any) -> str:
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in reversed(text):
        if cell_len(char + kept) > width - 1:
            break
        kept = char + kept
    return "…" + kept


def _plain_box() -> Any:
    """rich's SIMPLE_HEAD in ASCII: the header underlined with ``-``, nothing else."""
    from rich.box import Box

    return Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def _terminal_width(out: TextIO, is_tty: bool) -> int:
    if not is_tty:
        return PLAIN_WIDTH
    try:
        return max(os.get_terminal_size(out.fileno()).columns, 20)
    except (OSError, ValueError, AttributeError):
        from shutil import get_terminal_size

        return max(get_terminal_size().columns, 20)


def fit_columns(
    widths: dict[str, int],
    order: Sequence[str],
    keep: Collection[str],
    wide: str | None,
    total: int,
) -> list[str]:
    """Which columns fit in ``total`` cells: every ``keep`` column (whole), the ``wide``
    one (two fifths of the width, at least :data:`MIN_WIDE`, or all it needs), then the
    others in order while they fit whole. Returns the kept keys in their original order."""
    chosen = [k for k in order if k in keep or k == wide]
    least = min(widths[wide], max(MIN_WIDE, total * 2 // 5)) if wide in widths else 0

    def used(keys: list[str]) -> int:
        cells = sum(widths[k] if k != wide else least for k in keys)
        return cells + GAP * (len(keys) - 1)

    for key in order:
        if key in chosen:
            continue
        trial = [k for k in order if k in chosen or k == key]
        if used(trial) <= total:
            chosen = trial
    return chosen


def print_table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    out: TextIO | None = None,
    wide: str | None = None,
    keep: Collection[str] = ("id",),
    whole: bool = False,
) -> int:
    """A readable table; ``columns`` are (key, header).

    The ``keep`` columns (id, date, version count, state) are shown whole at any width;
    ``wide`` (the title) takes the width that is left and ends in ``…`` (``whole``:
    wrapped onto more lines instead); other columns are dropped, last first, when they
    do not fit (a note on stderr names them). On a terminal the table fits its width;
    elsewhere (a pipe, a file) it is plain text :data:`PLAIN_WIDTH` cells wide.

    Uses rich, which measures wide (CJK) and combining (Urdu) characters correctly.
    Cells are plain :class:`rich.text.Text` (never parsed as markup) with escape
    sequences and control characters removed: a title is shown, never obeyed.
    """
    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    colour = use_colour(out)
    total = _terminal_width(out, is_tty)
    cells = [{k: safetext.line(row.get(k)) for k, _ in columns} for row in rows]
    if not cells:
        return 0
    headers = dict(columns)
    plain = not colour and not whole and _plain_ascii(cells, headers)
    shown = _print_plain(cells, columns, out, wide, keep, total) if plain else None
    if shown is None:
        shown = _print_rich(cells, columns, out, wide, keep, total, colour, whole)
    hidden = [headers[k] for k, _ in columns if k not in shown]
    if hidden and is_tty:
        import textwrap

        note = f"(not shown at this width: {', '.join(hidden)}; --json shows every field)"
        print(textwrap.fill(note, width=total), file=sys.stderr)
    return len(cells)


def _plain_ascii(cells: list[dict[str, str]], headers: dict[str, str]) -> bool:
    """Every cell and header printable ASCII (one character, one cell), and no header
    with a ``[`` (rich reads a header as markup)."""
    return not any("[" in h for h in headers.values()) and all(
        value.isascii() and value.isprintable()
        for row in (headers, *cells)
        for value in row.values()
    )


def _print_plain(
    cells: list[dict[str, str]],
    columns: Sequence[tuple[str, str]],
    out: TextIO,
    wide: str | None,
    keep: Collection[str],
    total: int,
) -> list[str] | None:
    """What :func:`_print_rich` prints without colour for cells of printable ASCII,
    written directly: rich costs a quarter of ``monitor list``'s start-up (25 ms of
    imports). ``tests/test_terminal.py`` holds the two equal. Returns the columns
    shown; ``None`` (nothing written) when the kept columns alone are wider than
    ``total``, which rich shrinks its own way."""
    headers = dict(columns)
    widths = {k: max([len(headers[k])] + [len(c[k]) for c in cells]) for k, _ in columns}
    shown = fit_columns(widths, [k for k, _ in columns], keep, wide, total)
    room = total - GAP * (len(shown) - 1) - sum(widths[k] for k in shown if k != wide)
    width = {k: max(1, min(widths[k], room)) if k == wide else widths[k] for k in shown}
    if sum(width.values()) + GAP * (len(shown) - 1) > total:
        return None

    def cell(key: str, text: str, header: bool = False) -> str:
        if key == wide and wide in TAIL_FIRST and not header:  # a URL: its end is kept
            text = _keep_end(text, width[key], len)
        if len(text) > width[key]:
            text = text[: width[key] - 1] + "…"
        return text.ljust(width[key])

    gap = " " * GAP
    lines = [gap.join(cell(k, headers[k], header=True) for k in shown)]
    lines.append("-" * (sum(width.values()) + GAP * (len(shown) - 1)))
    lines += [gap.join(cell(k, c[k]) for k in shown) for c in cells]
    out.write("\n".join(lines) + "\n")
    return shown


def _print_rich(
    cells: list[dict[str, str]],
    columns: Sequence[tuple[str, str]],
    out: TextIO,
    wide: str | None,
    keep: Collection[str],
    total: int,
    colour: bool,
    whole: bool,
) -> list[str]:
    """The table through rich (any text, colour, wrapped titles). Returns the columns shown."""
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    headers = dict(columns)
    widths = {k: max([cell_len(headers[k])] + [cell_len(c[k]) for c in cells]) for k, _ in columns}
    shown = fit_columns(widths, [k for k, _ in columns], keep, wide, total)
    console = Console(
        file=out,
        no_color=not colour,
        highlight=False,
        width=total,
        force_terminal=colour,
        emoji=False,
        legacy_windows=False,
    )
    table = Table(
        box=box.SIMPLE_HEAD if colour else _plain_box(),
        show_edge=False,
        pad_edge=False,
        header_style="bold" if colour else "",
    )
    room = total - GAP * (len(shown) - 1) - sum(widths[k] for k in shown if k != wide)
    for key in shown:
        if key == wide:
            width = max(1, min(widths[key], room))
            overflow: Literal["fold", "ellipsis"] = "fold" if whole else "ellipsis"
            table.add_column(headers[key], width=width, overflow=overflow, no_wrap=not whole)
        else:
            table.add_column(headers[key], width=widths[key], no_wrap=True)
    if wide in shown and wide in TAIL_FIRST and not whole:
        width = max(1, min(widths[wide], room))
        for c in cells:
            c[wide] = _keep_end(c[wide], width, cell_len)
    for c in cells:
        table.add_row(*(Text(c[k]) for k in shown))
    console.print(table)
    return shown


def print_marked(
    lines: Iterable[tuple[str, str, str]],
    out: TextIO | None = None,
    marks: tuple[str, str] = ("\x02", "\x03"),
    whole: bool = False,
) -> int:
    """Lines of (fixed prefix, text with match ``marks``, style of the prefix), each
    cut to the terminal's width with ``…`` (``whole``: wrapped); matches are shown in
    bold yellow, or between ``[`` and ``]`` without colour. Off a terminal the width
    is :data:`PLAIN_WIDTH`."""
    from rich.console import Console
    from rich.text import Text

    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    colour = use_colour(out)
    console = Console(
        file=out,
        no_color=not colour,
        highlight=False,
        width=_terminal_width(out, is_tty),
        force_terminal=colour,
        emoji=False,
    )
    opn, cls = marks
    count = 0
    for prefix, marked, style in lines:
        text = Text(safetext.line(prefix), style=style if colour else "")
        for i, piece in enumerate(marked.split(opn)):
            match, _, rest = piece.partition(cls) if i else ("", "", piece)
            if match:
                shown = safetext.line(match)
                text.append(shown if colour else f"[{shown}]", "bold yellow" if colour else "")
            text.append(safetext.line(rest))
        console.print(
            text,
            overflow="fold" if whole else "ellipsis",
            no_wrap=not whole,
            crop=not whole,
            soft_wrap=False,
        )
        count += 1
    return count
