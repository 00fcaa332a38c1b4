"""The first schema (m001): the tables every later migration changes.

Kept apart from :mod:`monitor.store.schema` (the ordered list of migrations) for
its length; like every migration, SQL only, and never edited once shipped.
"""

from __future__ import annotations

from sqlite_utils import Database


def create(db: Database) -> None:
    """The stories, feeds, articles, versions, diffs, themes and tags tables, the
    run log, and the full-text index over every version's title and text."""
    db.execute(
        """
        CREATE TABLE stories (
            slug TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT,
            rule TEXT,
            definition TEXT,
            origin TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            story TEXT REFERENCES stories(slug) ON DELETE SET NULL,
            name TEXT,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            last_fetched_at TEXT,
            last_status INTEGER,
            last_error TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            entries_seen INTEGER NOT NULL DEFAULT 0,
            next_fetch_at TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            url TEXT,
            guid TEXT,
            feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
            source TEXT,
            story TEXT,
            published_at TEXT,
            dated_at TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            last_checked_at TEXT,
            current_version INTEGER NOT NULL DEFAULT 0,
            version_count INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX articles_dated_at ON articles(dated_at)")
    db.execute("CREATE INDEX articles_source ON articles(source)")
    db.execute("CREATE INDEX articles_story ON articles(story)")
    db.execute("CREATE INDEX articles_guid ON articles(guid)")
    db.execute(
        """
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            title TEXT NOT NULL,
            byline TEXT,
            published_at TEXT,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            words INTEGER NOT NULL,
            origin TEXT NOT NULL,
            UNIQUE (article_id, number)
        )"""
    )
    db.execute("CREATE INDEX versions_observed_at ON versions(observed_at)")
    db.execute(
        """
        CREATE TABLE diffs (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            from_number INTEGER NOT NULL,
            to_number INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            words_added INTEGER NOT NULL DEFAULT 0,
            words_removed INTEGER NOT NULL DEFAULT 0,
            paragraphs_added INTEGER NOT NULL DEFAULT 0,
            paragraphs_removed INTEGER NOT NULL DEFAULT 0,
            paragraphs_changed INTEGER NOT NULL DEFAULT 0,
            title_changed INTEGER NOT NULL DEFAULT 0,
            title_old TEXT,
            title_new TEXT,
            quotes_added INTEGER NOT NULL DEFAULT 0,
            quotes_removed INTEGER NOT NULL DEFAULT 0,
            quotes_altered INTEGER NOT NULL DEFAULT 0,
            numbers_changed INTEGER NOT NULL DEFAULT 0,
            summary TEXT,
            UNIQUE (article_id, from_number, to_number)
        )"""
    )
    db.execute(
        """
        CREATE TABLE themes (
            story TEXT NOT NULL,
            slug TEXT NOT NULL,
            label TEXT NOT NULL,
            description TEXT,
            PRIMARY KEY (story, slug)
        )"""
    )
    db.execute(
        """
        CREATE TABLE version_themes (
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            story TEXT NOT NULL,
            theme TEXT NOT NULL,
            score REAL NOT NULL,
            evidence TEXT,
            PRIMARY KEY (version_id, story, theme)
        )"""
    )
    db.execute("CREATE INDEX version_themes_theme ON version_themes(story, theme)")
    db.execute(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT,
            feeds_ok INTEGER NOT NULL DEFAULT 0,
            feeds_failed INTEGER NOT NULL DEFAULT 0,
            new_articles INTEGER NOT NULL DEFAULT 0,
            new_versions INTEGER NOT NULL DEFAULT 0,
            errors TEXT
        )"""
    )
    # Full-text index over every version's title and text, kept in sync by triggers.
    db.table("versions").enable_fts(
        ["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )
