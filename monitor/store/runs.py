"""The ``runs`` table: one row per ``fetch``, the log that ``monitor status`` reads.

A run is inserted (``status = 'running'``) before any feed is fetched and
finished at the end; a run killed half way stays ``running`` with no
``finished_at``, which ``status`` shows as ``interrupted``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from monitor.text.timeutil import now_iso, parse_datetime

if TYPE_CHECKING:
    from sqlite_utils import Database


def start_run(db: Database, command: str = "fetch") -> int:
    with db.atomic():
        row = {"command": command, "started_at": now_iso(), "status": "running"}
        return int(db.table("runs").insert(row).last_pk or 0)


def finish_run(
    db: Database,
    run_id: int,
    *,
    status: str,
    feeds_ok: int,
    feeds_failed: int,
    new_articles: int,
    new_versions: int,
    errors: list[dict[str, Any]],
) -> None:
    with db.atomic():
        db.table("runs").update(
            run_id,
            {
                "finished_at": now_iso(),
                "status": status,
                "feeds_ok": feeds_ok,
                "feeds_failed": feeds_failed,
                "new_articles": new_articles,
                "new_versions": new_versions,
                "errors": json.dumps(errors, ensure_ascii=False) if errors else None,
            },
        )


def recent_runs(db: Database, limit: int = 10, running: bool = False) -> list[dict[str, Any]]:
    """The last ``limit`` runs, newest first. ``running``: a fetch holds the lock now,
    so the newest unfinished run is live; every other unfinished run was interrupted."""
    rows = list(db.query("select * from runs order by id desc limit ?", [limit]))
    for index, row in enumerate(rows):
        row["errors"] = json.loads(row["errors"]) if row["errors"] else []
        if row["finished_at"] is None and not (running and index == 0):
            row["status"] = "interrupted"
    return rows


def duration_label(row: dict[str, Any]) -> str:
    start = parse_datetime(row["started_at"]) if row["started_at"] else None
    end = parse_datetime(row["finished_at"]) if row["finished_at"] else None
    if start is None or end is None:
        return "-"
    seconds = (end - start).total_seconds()
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
