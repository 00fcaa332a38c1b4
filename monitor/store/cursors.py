"""The ``cursors`` table: named bookmarks of reports (where the last ``monitor changes
--cursor NAME`` ended), kept apart from ``runs``, which holds fetch runs only.

A cursor moves only when a caller says so, after its report was delivered; it
never moves back. Several cron jobs keep several cursors.
"""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

from monitor.errors import InputError
from monitor.text.timeutil import now_iso

#: the name the bookmark of ``monitor changes`` had before cursors were named (a
#: database upgraded from then keeps it: ``--cursor changes`` continues it)
LEGACY = "changes"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_name(name: str) -> str:
    """``name`` if it can name a cursor (letters, digits, ``.``, ``_``, ``-``; up to 64)."""
    if not _NAME.match(name or ""):
        raise InputError(
            f"cursor {name!r}: a name is 1-64 letters, digits, '.', '_' or '-', e.g. daily"
        )
    return name


def position(db: Database, name: str) -> str | None:
    row = db.execute("select position from cursors where name = ?", [name]).fetchone()
    return row[0] if row else None


def advance(db: Database, name: str, to: str) -> None:
    """Move cursor ``name`` forward to ``to`` (creating it); an earlier ``to`` leaves it."""
    with db.atomic():
        db.execute(
            """insert into cursors (name, position, updated_at) values (?, ?, ?)
               on conflict(name) do update set
                   position = max(position, excluded.position),
                   updated_at = excluded.updated_at""",
            [check_name(name), to, now_iso()],
        )


def list_cursors(db: Database) -> list[dict[str, Any]]:
    return [
        {"name": r[0], "position": r[1], "updated_at": r[2]}
        for r in db.execute("select name, position, updated_at from cursors order by name")
    ]
