"""The ``backfills`` table: derived data a migration asked for and nobody has
computed yet (:func:`monitor.derive.backfill` runs them after migrating), and the
position of those that work in batches (``backfill_progress``)."""

from __future__ import annotations

from sqlite_utils import Database


def pending_backfills(db: Database) -> list[str]:
    """Names of the backfills migrations asked for and nobody has run yet."""
    if not db["backfills"].exists():
        return []
    return [row[0] for row in db.execute("select name from backfills order by name")]


def request_backfill(db: Database, name: str) -> None:
    """Ask for a backfill (in the caller's transaction): e.g. pairs whose edits are
    written after the versions' transaction, so a crash between is repaired."""
    request_in_migration(db, name)


def backfill_done(db: Database, name: str) -> None:
    db.execute("delete from backfills where name = ?", [name])
    if db["backfill_progress"].exists():
        db.execute("delete from backfill_progress where name = ?", [name])


def backfill_position(db: Database, name: str) -> tuple[int, int] | None:
    """(last id done, last id to do) of a backfill that works in batches."""
    row = db.execute(
        "select last_id, upto from backfill_progress where name = ?", [name]
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def set_backfill_position(db: Database, name: str, last_id: int) -> None:
    db.execute("update backfill_progress set last_id = ? where name = ?", [last_id, name])


def request_in_migration(db: Database, name: str) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS backfills (name TEXT PRIMARY KEY)")
    db.execute("INSERT OR IGNORE INTO backfills (name) VALUES (?)", [name])
