"""The ``diffs`` table (the edit counts and named edits of each version pair): the one
module that writes it. The caller computes the row; storage knows no diff code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store.db import select

if TYPE_CHECKING:
    from sqlite_utils import Database


def write_pair(db: Database, row: dict[str, Any]) -> None:
    """Store (or replace) the row of one pair ``(article_id, from_number, to_number)``."""
    db.execute(
        "delete from diffs where article_id = ? and from_number = ? and to_number = ?",
        [row["article_id"], row["from_number"], row["to_number"]],
    )
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"insert into diffs ({columns}) values ({marks})", list(row.values()))


def missing_pairs(db: Database) -> list[dict[str, Any]]:
    """Consecutive version pairs with no ``diffs`` row yet, or one from before pairs were
    graded (no severity): (article_id, old_id, new_id)."""
    return select(
        db,
        """select o.article_id, o.id as old_id, n.id as new_id
           from versions n join versions o
             on o.article_id = n.article_id and o.number = n.number - 1
           left join diffs d on d.article_id = n.article_id
             and d.from_number = o.number and d.to_number = n.number
           where d.id is null or d.severity is null order by n.id""",
    )


def version(db: Database, version_id: int) -> dict[str, Any]:
    return select(db, "select * from versions where id = ?", [version_id])[0]
