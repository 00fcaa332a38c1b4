"""The ``cursors`` table: named bookmarks of reports (where the last ``monitor changes``
ended), kept apart from ``runs``, which holds fetch runs only."""

from __future__ import annotations

from sqlite_utils import Database

from monitor.text.timeutil import now_iso

#: the bookmark ``monitor changes`` keeps when no cursor is named
DEFAULT = "changes"


def position(db: Database, name: str = DEFAULT) -> str | None:
    row = db.execute("select position from cursors where name = ?", [name]).fetchone()
    return row[0] if row else None


def advance(db: Database, name: str, to: str) -> None:
    """Move cursor ``name`` to ``to`` (creating it)."""
    with db.atomic():
        db.execute(
            """insert into cursors (name, position, updated_at) values (?, ?, ?)
               on conflict(name) do update set position = excluded.position,
                                               updated_at = excluded.updated_at""",
            [name, to, now_iso()],
        )
