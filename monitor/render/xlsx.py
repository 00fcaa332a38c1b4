"""Rows as an Excel workbook (``--format xlsx``): openpyxl, an optional extra (``xlsx``).

What a CSV cannot promise, a workbook does: timestamps are real date-times (UTC,
named ``*_utc`` like the CSV columns), numbers are numbers, and every string is
stored as a string, so nothing is ever evaluated as a formula and no guard
character is needed. Rows stream (openpyxl's write-only mode).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from monitor.errors import InputError
from monitor.render.rows import ISO_UTC, columns_of, utc_column
from monitor.text import safetext

#: Excel refuses longer cells; longer texts are cut and end with this mark
MAX_CELL = 32_767
CUT = " […]"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    if not available():
        raise InputError(
            "--format xlsx needs openpyxl: pip install 'monitor[xlsx]' (or pip install openpyxl)"
        )


def _datetime(value: str) -> datetime | None:
    match = ISO_UTC.match(value)
    if not match:
        return None
    return datetime.fromisoformat(f"{match[1]}T{match[2]}{match[3] or ':00'}")


def write_xlsx(
    rows: Iterable[dict[str, Any]],
    out: IO[bytes],
    columns: Sequence[str] | None = None,
    sheet: str = "rows",
) -> int:
    """Write one sheet (a header row, then the rows) to the binary stream ``out``."""
    require()
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    names = columns_of(rows, columns)
    bold = Font(bold=True)

    def header(names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=utc_column(name))
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float):
            return value
        text = safetext.clean(str(value), newlines=True, tabs=True)
        when = _datetime(text)
        if when is not None:
            c = WriteOnlyCell(ws, value=when)
            c.number_format = DATETIME_FORMAT
            return c
        if len(text) > MAX_CELL:
            text = text[: MAX_CELL - len(CUT)] + CUT
        c = WriteOnlyCell(ws, value=text)
        c.data_type = "s"  # a string, even when it starts with "=": never a formula
        return c

    if names is not None:
        header(names)
    count = 0
    for row in rows:
        if names is None:
            names = list(row)
            header(names)
        ws.append([cell(row.get(n)) for n in names])
        count += 1
    if names is None:
        ws.append([])
    book.save(out)
    return count
