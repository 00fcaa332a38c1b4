"""The ``version_themes`` table (theme tags of versions, with score and evidence) and
``retag_progress`` (where a batched retag stands): the one module that writes them.
The caller computes the tags and owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database


_INSERT = (
    "insert or replace into version_themes (version_id, story, theme, score, evidence) "
    "values (?, ?, ?, ?, ?)"
)

#: a tag row: (version_id, story, theme, score, evidence JSON)
TagRow = tuple[int, str, str, float, str]


def replace_version(db: Database, version_id: int, rows: Iterable[TagRow]) -> None:
    """The tags of one version become ``rows``."""
    db.execute("delete from version_themes where version_id = ?", [version_id])
    insert(db, rows)


def insert(db: Database, rows: Iterable[TagRow]) -> None:
    db.conn.executemany(_INSERT, list(rows))


def delete_story(db: Database, story: str | None) -> None:
    """Drop the tags of one story, or every tag (``None``)."""
    if story is None:
        db.execute("delete from version_themes")
    else:
        db.execute("delete from version_themes where story = ?", [story])


def delete_range(db: Database, story: str | None, after: int, upto: int) -> None:
    """Drop the tags of versions ``after < id <= upto``: one story's, or all (``None``)."""
    if story is None:
        db.execute(
            "delete from version_themes where version_id > ? and version_id <= ?", [after, upto]
        )
    else:
        db.execute(
            "delete from version_themes where story = ? and version_id > ? and version_id <= ?",
            [story, after, upto],
        )


def drop_stories_except(db: Database, keep: list[str]) -> None:
    """Drop the tags of every story not in ``keep`` (stories that no longer exist)."""
    marks = ",".join("?" * len(keep))
    db.execute(f"delete from version_themes where story not in ({marks})", keep)


def last_version_id(db: Database) -> int:
    return int(db.execute("select coalesce(max(id), 0) from versions").fetchone()[0])


def progress(db: Database, scope: str) -> tuple[str, int] | None:
    """(taxonomy digest, last version id done) of an unfinished retag of ``scope``."""
    row = db.execute(
        "select taxonomy, last_id from retag_progress where scope = ?", [scope]
    ).fetchone()
    return (row[0], int(row[1])) if row else None


def set_progress(db: Database, scope: str, taxonomy: str, last_id: int, started: str) -> None:
    db.execute(
        """insert into retag_progress (scope, taxonomy, last_id, started_at) values (?, ?, ?, ?)
           on conflict (scope) do update set taxonomy = excluded.taxonomy,
           last_id = excluded.last_id""",
        [scope, taxonomy, last_id, started],
    )


def clear_progress(db: Database, scope: str) -> None:
    db.execute("delete from retag_progress where scope = ?", [scope])


def versions_to_tag(
    db: Database, after: int, story: str | None, limit: int
) -> list[tuple[Any, ...]]:
    """The next ``limit`` versions after id ``after``: (id, article story, title, text).
    With ``story``: only that story's articles and unfiled ones."""
    where, params = ("", []) if story is None else ("and (a.story = ? or a.story is null)", [story])
    return db.execute(
        f"""select v.id, a.story, v.title, v.text from versions v
            join articles a on a.id = v.article_id
            where v.id > ? {where} order by v.id limit {int(limit)}""",
        [after, *params],
    ).fetchall()


def version_document(db: Database, version_id: int) -> tuple[str | None, str, str]:
    """(article story, title, text) of one version."""
    row = db.execute(
        """select a.story, v.title, v.text from versions v
           join articles a on a.id = v.article_id where v.id = ?""",
        [version_id],
    ).fetchone()
    return row[0], row[1], row[2]
