"""Pure time rules of the cron run: when a failing feed is tried again, and when an
article's page is due another look. No I/O: the callers bring the rows and the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from monitor.text.timeutil import iso, parse_datetime

RECHECK_MIN = timedelta(minutes=15)


def due_for_recheck(db: Database, hours: float, now: datetime) -> list[dict[str, Any]]:
    """Articles first seen within ``hours`` whose page is due another look.

    An article ``age`` old is rechecked when ``max(15 min, age / 4)`` has passed
    since its last check (or since it was first seen).
    """
    cutoff = iso(now - timedelta(hours=hours))
    rows = db.query(
        """select a.id, a.url, a.first_seen_at, a.last_checked_at, v.title
           from articles a join versions v on v.article_id = a.id and v.number = a.current_version
           where a.first_seen_at >= ? and a.url like 'http%' order by a.id""",
        [cutoff],
    )
    due = []
    for row in rows:
        first = parse_datetime(row["first_seen_at"]) or now
        last = parse_datetime(row["last_checked_at"]) if row["last_checked_at"] else first
        interval = max(RECHECK_MIN, (now - first) / 4)
        if now - (last or first) >= interval:
            due.append(row)
    return due
