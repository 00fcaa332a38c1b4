"""The ``articles``, ``versions`` and ``article_aliases`` tables: the one module that
writes them, and the one place that reads "an article with its current version".

An alias is another identity key of a stored article: the URL a page was reached by
when its ``rel=canonical`` names another, or the content key of a page or file, so
the same text added from a file and from a URL is one article.

Writes are plain INSERT/UPDATE statements (sqlite-utils' ``insert()`` re-derives
its statement for every row, which was a fifth of the cost of storing a feed
entry). The caller owns the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store.db import select

if TYPE_CHECKING:
    from sqlite_utils import Database

#: columns of ``articles`` a sighting may set on a stored article
UPDATABLE = frozenset(
    {"last_seen_at", "published_at", "dated_at", "story", "source", "url", "last_checked_at"}
)

#: the current version of every article, joined: what listings, search and exports read
CURRENT = "articles a join versions v on v.article_id = a.id and v.number = a.current_version"


def find(db: Database, key: str, guid: str | None = None) -> dict[str, Any] | None:
    """The article with identity ``key``; else, when ``guid`` is given, the oldest
    article with that GUID (the same entry seen earlier without a link, or under
    another link)."""
    rows = select(db, "select * from articles where key = ?", [key])
    if not rows:
        rows = select(
            db,
            "select a.* from article_aliases x join articles a on a.id = x.article_id "
            "where x.key = ?",
            [key],
        )
    if not rows and guid:
        rows = select(db, "select * from articles where guid = ? order by id limit 1", [guid])
    return rows[0] if rows else None


def add_alias(db: Database, key: str, article_id: int) -> None:
    """Record ``key`` as another identity of the article (a no-op when ``key`` is
    already its key or an alias of any article)."""
    db.execute(
        "insert or ignore into article_aliases (key, article_id) "
        "select ?, ? where not exists (select 1 from articles where key = ?)",
        [key, article_id, key],
    )


def current_version(db: Database, article: dict[str, Any]) -> dict[str, Any]:
    """The current version row of a stored article row."""
    return select(
        db,
        "select * from versions where article_id = ? and number = ?",
        [article["id"], article["current_version"]],
    )[0]


def insert_article(db: Database, row: dict[str, Any]) -> int:
    return _insert(db, "articles", row)


def insert_version(db: Database, row: dict[str, Any]) -> int:
    return _insert(db, "versions", row)


def set_current(db: Database, article_id: int, number: int) -> None:
    """Make version ``number`` (just inserted) the article's current one."""
    db.execute(
        "update articles set current_version = ?, version_count = version_count + 1 where id = ?",
        [number, article_id],
    )


def update(db: Database, article_id: int, updates: dict[str, Any]) -> None:
    """Set metadata columns of one article (only those in :data:`UPDATABLE`)."""
    if not updates:
        return
    unknown = set(updates) - UPDATABLE
    if unknown:
        raise ValueError(f"not an updatable article column: {', '.join(sorted(unknown))}")
    assignments = ", ".join(f"{column} = ?" for column in updates)
    db.execute(f"update articles set {assignments} where id = ?", [*updates.values(), article_id])


def existing_values(db: Database, column: str, values: set[str], chunk: int = 500) -> set[str]:
    """Which of ``values`` some article has in ``column`` (``key`` or ``guid``)."""
    if column not in ("key", "guid"):
        raise ValueError(column)
    found: set[str] = set()
    ordered = sorted(values)
    for i in range(0, len(ordered), chunk):
        part = ordered[i : i + chunk]
        marks = ", ".join("?" for _ in part)
        sql = f"select {column} from articles where {column} in ({marks})"
        found.update(row[0] for row in db.execute(sql, part))
        if column == "key":
            sql = f"select key from article_aliases where key in ({marks})"
            found.update(row[0] for row in db.execute(sql, part))
    return found


def first_seen_since(db: Database, cutoff: str) -> list[dict[str, Any]]:
    """Articles with an http(s) URL first seen at or after ``cutoff``, with their current title."""
    return select(
        db,
        f"""select a.id, a.url, a.first_seen_at, a.last_checked_at, v.title
            from {CURRENT} where a.first_seen_at >= ? and a.url like 'http%' order by a.id""",
        [cutoff],
    )


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    sql = _INSERT_SQL.get((table, tuple(row)))
    if sql is None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        sql = _INSERT_SQL[(table, tuple(row))] = f"insert into {table} ({columns}) values ({marks})"
    cursor = db.conn.execute(sql, list(row.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


_INSERT_SQL: dict[tuple[str, tuple[str, ...]], str] = {}
