"""The ``deliveries`` table (what ``monitor notify`` delivered to which destination):
the one module that writes it.

A row per (destination, item): ``delivered`` once a destination accepted the message
that carried the item, ``failed`` while it has not (retried by the next run; a failed
attempt never marks anything delivered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store.db import select
from monitor.text.timeutil import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


def delivered(db: Database, destination: str) -> set[str]:
    """The items already delivered to ``destination``."""
    return {
        r[0]
        for r in db.execute(
            "select item from deliveries where destination = ? and status = 'delivered'",
            [destination],
        )
    }


def record(
    db: Database,
    destination: str,
    label: str,
    items: list[dict[str, Any]],
    error: str | None = None,
) -> None:
    """Record one attempt to deliver ``items`` (dicts with key, article_id, version):
    delivered when ``error`` is None, else failed (an item already delivered stays so)."""
    now = now_iso()
    status = "failed" if error else "delivered"
    with db.atomic():
        for item in items:
            db.execute(
                """insert into deliveries (destination, label, item, article_id, version, status,
                       attempts, first_attempt_at, last_attempt_at, delivered_at, error)
                   values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
                   on conflict(destination, item) do update set
                       label = excluded.label,
                       attempts = attempts + 1,
                       last_attempt_at = excluded.last_attempt_at,
                       status = case when status = 'delivered' then status else excluded.status end,
                       delivered_at = coalesce(delivered_at, excluded.delivered_at),
                       error = excluded.error""",
                [
                    destination,
                    label,
                    item["key"],
                    item.get("article_id"),
                    item.get("version"),
                    status,
                    now,
                    now,
                    None if error else now,
                    error,
                ],
            )


def failing(db: Database) -> list[dict[str, Any]]:
    """Destinations with changes not yet delivered after a failed attempt: label, how
    many items wait, attempts, the last attempt and its error; worst first."""
    return select(
        db,
        """select label, count(*) as waiting, max(attempts) as attempts,
                  max(last_attempt_at) as last_attempt_at,
                  (select d2.error from deliveries d2 where d2.destination = d.destination
                     and d2.status = 'failed' order by d2.last_attempt_at desc limit 1) as error
           from deliveries d where status = 'failed'
           group by destination order by max(last_attempt_at) desc""",
    )
