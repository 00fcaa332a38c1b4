"""Pure time rules of the cron run: when a feed is fetched next (back-off of failing
feeds), and when an article's page is due another look. No I/O: the callers
bring the rows and the clock.

* A feed that fetched fine is due again at the next run; a failing feed backs
  off exponentially, ``min(15 min * 2 ** (error_count - 1), 24 h)``, or later
  when the server sent ``Retry-After``.
* An article ``age`` old is rechecked when ``max(15 min, age / 4)`` has passed
  since its last check (or since it was first seen), so older articles are
  checked less often.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from monitor.errors import InputError
from monitor.store import articles
from monitor.store import feeds as feedstore
from monitor.text.timeutil import iso, parse_datetime

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=24)
RECHECK_MIN = timedelta(minutes=15)


def backoff(error_count: int, retry_after: float | None = None) -> timedelta:
    """How long a feed that failed ``error_count`` times in a row waits."""
    delay = min(BACKOFF_BASE * 2 ** max(error_count - 1, 0), BACKOFF_MAX)
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), BACKOFF_MAX))
    return delay


def next_fetch(now: datetime, error_count: int, retry_after: float | None = None) -> datetime:
    """When a feed is due again: now when it is healthy, else after its back-off."""
    return now if error_count == 0 else now + backoff(error_count, retry_after)


def recheck_due(first_seen: str, last_checked: str | None, now: datetime) -> bool:
    """Whether an article first seen at ``first_seen`` and last checked at
    ``last_checked`` is due another look at its page."""
    first = parse_datetime(first_seen) or now
    last = (parse_datetime(last_checked) if last_checked else None) or first
    return now - last >= max(RECHECK_MIN, (now - first) / 4)


def choose_feeds(db: Database, feed_ref: str | None) -> list[dict[str, Any]]:
    """The feeds a fetch run reads: the one ``--feed`` names, else every feed due."""
    if feed_ref is not None:
        if not feed_ref.strip():
            raise InputError("--feed: empty; give a feed id or URL (see 'monitor feeds list')")
        feed = feedstore.resolve_feed(db, feed_ref)
        if not feed["active"]:
            raise InputError(
                f"feed {feed['url']}: inactive ({feed['last_error'] or 'deactivated'}); "
                "remove it and add it again to retry"
            )
        return [feed]
    return feedstore.due_feeds(db)


def due_for_recheck(db: Database, hours: float, now: datetime) -> list[dict[str, Any]]:
    """Articles first seen within ``hours`` whose page is due another look
    (:func:`recheck_due`)."""
    recent = articles.first_seen_since(db, iso(now - timedelta(hours=hours)))
    return [row for row in recent if recheck_due(row["first_seen_at"], row["last_checked_at"], now)]
