"""Read-side queries over articles and versions (list, show)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.errors import NotFoundError
from monitor.store.articles import CURRENT
from monitor.text import evidence

if TYPE_CHECKING:
    from sqlite_utils import Database

SEVERITIES = ["cosmetic", "minor", "substantive", "major"]  # as monitor.severity.LEVELS


@dataclass
class ArticleFilter:
    story: str | None = None
    source: str | None = None
    since: str | None = None  # ISO, inclusive, on the article's time
    until: str | None = None  # ISO, inclusive
    edited: bool = False
    limit: int | None = None
    ids: list[int] | None = None
    min_severity: str | None = None  # cosmetic < minor < substantive < major

    def conditions(self) -> tuple[list[str], list[Any]]:
        """SQL conditions on articles aliased ``a``, and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.story:  # membership: filed under the story, or matched by its rule
            clauses.append(
                "exists (select 1 from article_stories m where m.article_id = a.id and m.story = ?)"
            )
            params.append(self.story)
        if self.source:
            clauses.append("a.source = ? collate nocase")
            params.append(self.source)
        if self.since:
            clauses.append("a.dated_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("a.dated_at <= ?")
            params.append(self.until)
        if self.edited:
            clauses.append("a.version_count >= 2")
        if self.min_severity:
            levels = SEVERITIES[SEVERITIES.index(self.min_severity) :]
            clauses.append(
                "exists (select 1 from diffs d where d.article_id = a.id"
                f" and d.severity in ({','.join('?' * len(levels))}))"
            )
            params.extend(levels)
        if self.ids:
            clauses.append(f"a.id in ({','.join('?' * len(self.ids))})")
            params.extend(self.ids)
        return clauses, params

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = self.conditions()
        return (" where " + " and ".join(clauses)) if clauses else "", params


ARTICLE_COLUMNS = """a.id, a.url, v.title, a.source, a.story, a.published_at, a.dated_at,
    a.first_seen_at, a.last_seen_at, a.version_count, a.current_version, v.words, v.byline"""


class RowStream:
    """Rows of a cursor as dicts, one at a time, with their ``columns`` known before the
    first row (so a CSV of no rows still has its header)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.columns = [d[0] for d in cursor.description]
        self._cursor = cursor

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for values in self._cursor:
            yield dict(zip(self.columns, values, strict=True))


def iter_articles(db: Database, flt: ArticleFilter) -> RowStream:
    """Articles newest first (by published date, else first seen), with current title."""
    where, params = flt.where()
    sql = f"""select {ARTICLE_COLUMNS}
        from {CURRENT}
        {where} order by a.dated_at desc, a.id desc"""
    if flt.limit:
        sql += " limit ?"
        params.append(flt.limit)
    return RowStream(db.execute(sql, params))


def get_article(db: Database, article_id: int) -> dict[str, Any]:
    rows = list(db.query("select * from articles where id = ?", [article_id]))
    if not rows:
        raise NotFoundError(f"article {article_id}: not found; 'monitor list' shows the ids")
    return rows[0]


def get_version(db: Database, article_id: int, number: int | None = None) -> dict[str, Any]:
    article = get_article(db, article_id)
    wanted = article["current_version"] if number is None else number
    rows = list(
        db.query("select * from versions where article_id = ? and number = ?", [article_id, wanted])
    )
    if not rows:
        raise NotFoundError(
            f"article {article_id}: has no version {wanted} (it has 1 to {article['version_count']})"
        )
    return rows[0]


def list_versions(db: Database, article_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            """select number, observed_at, title, words, origin, published_at, byline
               from versions where article_id = ? order by number""",
            [article_id],
        )
    )


def article_detail(db: Database, article_id: int, number: int | None = None) -> dict[str, Any]:
    """Everything ``show`` prints: the article, one version's text, all versions with
    their named edits, and the version's theme tags."""
    article = get_article(db, article_id)
    version = get_version(db, article_id, number)
    detail = {
        "id": article["id"],
        "url": article["url"],
        "title": version["title"],
        "source": article["source"],
        "story": article["story"],
        "byline": version["byline"],
        "published_at": article["published_at"],
        "first_seen_at": article["first_seen_at"],
        "last_seen_at": article["last_seen_at"],
        "version": version["number"],
        "version_count": article["version_count"],
        "observed_at": version["observed_at"],
        "origin": version["origin"],
        "words": version["words"],
        "text": version["text"],
        "versions": list_versions(db, article_id),
        "version_id": version["id"],
    }
    return _enrich_detail(db, detail)


def _enrich_detail(db: Database, detail: dict[str, Any]) -> dict[str, Any]:
    """Add derived data other capabilities keep about a version (themes, edits)."""
    version_id = detail.get("version_id")
    if version_id is not None:
        detail["themes"] = [
            {
                "theme": row["theme"],
                "label": row["label"] or row["theme"],
                "story": row["story"],
                "score": row["score"],
                "evidence": (
                    evidence.expand(json.loads(row["evidence"]), detail["title"], detail["text"])
                    if row["evidence"]
                    else None
                ),
            }
            for row in db.query(
                """select vt.story, vt.theme, t.label, vt.score, vt.evidence
                   from version_themes vt
                   left join themes t on t.story = vt.story and t.slug = vt.theme
                   where vt.version_id = ? order by vt.score desc, vt.theme""",
                [version_id],
            )
        ]
    edits = {
        row["to_number"]: row["summary"]
        for row in db.query(
            "select to_number, summary from diffs where article_id = ? and to_number = from_number + 1",
            [detail["id"]],
        )
    }
    for version in detail.get("versions", []):
        version["edits"] = edits.get(version["number"])
    return detail
