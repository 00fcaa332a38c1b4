"""SQL about ``articles`` that more than one migration runs: the two views of each
article with its current version (made by m040/m080, made again by m100 when the
versions table became a view), and m080's rebuild (:func:`declare_article_story`):
``articles.story`` declared a foreign key to ``stories(slug)``, which SQLite can only
do by rebuilding the table (its indexes, and the triggers and views that name it, made
again after)."""

from __future__ import annotations

import re
from typing import Any

#: each article with its current version, for the CLI's queries and for people
CURRENT_ARTICLES = """CREATE VIEW IF NOT EXISTS current_articles AS
           SELECT a.id, a.key, a.url, a.guid, a.feed_id, a.source, a.story, a.published_at,
                  a.dated_at, a.first_seen_at, a.last_seen_at, a.last_checked_at,
                  a.current_version, a.version_count,
                  v.id AS version_id, v.title, v.byline, v.text, v.words, v.origin,
                  v.observed_at, v.content_hash
           FROM articles a JOIN versions v
             ON v.article_id = a.id AND v.number = a.current_version"""

#: each article once, with its current title, dates, URL and version count (Datasette)
ARTICLES_LATEST = """CREATE VIEW IF NOT EXISTS articles_latest AS
           SELECT a.id, v.title, a.source, a.story, a.published_at, a.dated_at,
                  a.first_seen_at, a.last_seen_at, a.version_count AS versions, a.url,
                  v.byline, v.words, v.id AS version_id
           FROM articles a JOIN versions v
             ON v.article_id = a.id AND v.number = a.current_version"""


def declare_article_story(conn: Any) -> None:
    if any(row[3] == "story" for row in conn.execute("PRAGMA foreign_key_list(articles)")):
        return  # already declared (a re-run after an interrupted record)
    # an article's story that is not (or no longer) a story row gets one, so no data is lost
    conn.execute(
        """INSERT OR IGNORE INTO stories (slug, name, origin, created_at, updated_at)
           SELECT DISTINCT story, story, 'migrated', min(first_seen_at), min(first_seen_at)
           FROM articles WHERE story IS NOT NULL
             AND story NOT IN (SELECT slug FROM stories) GROUP BY story"""
    )
    (table_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles'"
    ).fetchone()
    new_sql, found = re.subn(
        r"\bstory\s+TEXT\b(?!\s+REFERENCES)",
        "story TEXT REFERENCES stories(slug) ON DELETE SET NULL",
        table_sql,
        count=1,
        flags=re.IGNORECASE,
    )
    if not found:
        raise RuntimeError("m080: articles.story not found in the table definition")
    new_sql = re.sub(r"^CREATE TABLE\s+\"?articles\"?", "CREATE TABLE articles_new", new_sql)
    saved = conn.execute(
        """SELECT type, name, sql FROM sqlite_master
           WHERE type IN ('trigger', 'view') AND sql IS NOT NULL"""
    ).fetchall()
    indexes = conn.execute(
        """SELECT sql FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'articles' AND sql IS NOT NULL"""
    ).fetchall()
    for kind, name, _sql in saved:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    conn.execute(new_sql)
    conn.execute("INSERT INTO articles_new SELECT * FROM articles")
    conn.execute("DROP TABLE articles")
    conn.execute("ALTER TABLE articles_new RENAME TO articles")
    for (sql,) in indexes:
        conn.execute(sql)
    for _kind, _name, sql in saved:
        conn.execute(sql)
