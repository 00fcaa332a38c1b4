"""The ``suspects`` table: fetched pages recorded instead of a version because they
looked like a paywall, a consent wall, an error page or a failed extraction
(:mod:`monitor.suspect` decides); the one module that writes it. The caller owns
the transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store.db import select

if TYPE_CHECKING:
    from sqlite_utils import Database

PENDING, TRANSIENT, CUT = "pending", "transient", "cut"


def record(db: Database, row: dict[str, Any]) -> int:
    """Record one suspect observation (state ``pending``)."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = db.conn.execute(
        f"insert into suspects ({columns}) values ({marks})", list(row.values())
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def pending_times(db: Database, article_id: int) -> list[str]:
    """When the article's pending suspect observations were made, oldest first."""
    return [
        row[0]
        for row in db.execute(
            "select observed_at from suspects where article_id = ? and state = ? order by id",
            [article_id, PENDING],
        )
    ]


def resolve(db: Database, article_id: int, state: str, when: str) -> int:
    """Close the article's pending observations: ``transient`` (the page came back)
    or ``cut`` (the loss persisted and became a version). Returns how many."""
    cursor = db.execute(
        "update suspects set state = ?, resolved_at = ? where article_id = ? and state = ?",
        [state, when, article_id, PENDING],
    )
    return cursor.rowcount


def for_article(db: Database, article_id: int) -> list[dict[str, Any]]:
    return select(
        db,
        """select id, version, observed_at, kind, reason, kept, ratio, words, title, excerpt,
                  state, resolved_at
           from suspects where article_id = ? order by id""",
        [article_id],
    )


def counts(db: Database) -> dict[str, int]:
    """Suspect observations by state (``monitor status``)."""
    found = {PENDING: 0, TRANSIENT: 0, CUT: 0}
    for state, count in db.execute("select state, count(*) from suspects group by state"):
        found[state] = count
    return found


def pending(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    """The latest pending suspect observation of each article (newest first)."""
    return select(
        db,
        """select s.article_id, s.observed_at, s.kind, s.reason, a.url,
                  (select count(*) from suspects t
                   where t.article_id = s.article_id and t.state = 'pending') as checks
           from suspects s join articles a on a.id = s.article_id
           where s.id in (select max(id) from suspects where state = 'pending'
                          group by article_id)
           order by s.id desc limit ?""",
        [limit],
    )
