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


def rows_between(db: Database, stories: list[str] | None, after: int, upto: int) -> set[TagRow]:
    """The tags of versions ``after < id <= upto``: those of ``stories``, or all."""
    where, params = _stories_clause("story", stories)
    return {
        (int(r[0]), r[1], r[2], r[3], r[4])
        for r in db.execute(
            "select version_id, story, theme, score, evidence from version_themes "
            f"where version_id > ? and version_id <= ?{where}",
            [after, upto, *params],
        ).fetchall()
    }


def replace_changed(db: Database, old: set[TagRow], new: list[TagRow]) -> int:
    """Make the rows ``old`` (all the tags of some versions and stories) become ``new``,
    writing only the difference: a retag after a small taxonomy change rewrites a few
    rows, not every tag. Returns the number of rows written or deleted."""
    keep = set(new)
    stale = [(r[0], r[1], r[2]) for r in old if r not in keep]
    fresh = [r for r in new if r not in old]
    if stale:
        db.conn.executemany(
            "delete from version_themes where version_id = ? and story = ? and theme = ?",
            stale,
        )
    insert(db, fresh)
    return len(stale) + len(fresh)


def _stories_clause(column: str, stories: list[str] | None) -> tuple[str, list[Any]]:
    if stories is None:
        return "", []
    return f" and {column} in ({','.join('?' * len(stories))})", list(stories)


def drop_stories_except(db: Database, keep: list[str]) -> None:
    """Drop the tags of every story not in ``keep`` (stories that no longer exist)."""
    marks = ",".join("?" * len(keep))
    db.execute(f"delete from version_themes where story not in ({marks})", keep)


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


def tagged_with(db: Database) -> dict[str, str]:
    """story -> digest of the taxonomy its tags were last re-applied with."""
    return dict(db.execute("select story, taxonomy from story_tagging").fetchall())


def tagged_specs(db: Database) -> dict[str, tuple[str | None, int, str]]:
    """story -> (the taxonomy its tags were last re-applied with, as JSON; the last
    version id that retag covered; when). None: not recorded (a database older than that)."""
    return {
        row[0]: (row[1], int(row[2] or 0), row[3])
        for row in db.execute(
            "select story, spec, last_id, retagged_at from story_tagging"
        ).fetchall()
    }


def set_tagged_with(
    db: Database, story: str, taxonomy: str, when: str, spec: str | None = None, last_id: int = 0
) -> None:
    db.execute(
        """insert into story_tagging (story, taxonomy, retagged_at, spec, last_id)
           values (?, ?, ?, ?, ?)
           on conflict (story) do update set taxonomy = excluded.taxonomy,
           retagged_at = excluded.retagged_at, spec = excluded.spec, last_id = excluded.last_id""",
        [story, taxonomy, when, spec, last_id],
    )


def versions_to_tag(
    db: Database, after: int, stories: list[str] | None, limit: int
) -> list[tuple[Any, ...]]:
    """The next ``limit`` versions after id ``after``: (id, article story, title, text).
    With ``stories``: only those stories' articles and unfiled ones."""
    where, params = _stories_clause("a.story", stories)
    if stories is not None:
        where = f" and (a.story is null{where.replace(' and ', ' or ', 1)})"
    return db.execute(
        f"""select v.id, a.story, v.title, v.text from versions v
            join articles a on a.id = v.article_id
            where v.id > ?{where} order by v.id limit {int(limit)}""",
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
