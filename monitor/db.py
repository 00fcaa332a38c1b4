"""The database: where it lives, how it is opened, and its schema as ordered migrations.

Every schema change is a new ``mNNN_`` function below; they run in order on open
and are recorded in ``_sqlite_migrations``, so a database made by an older
release upgrades itself. Never edit a migration that has shipped: add one.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import platformdirs
from sqlite_utils import Database, Migrations

from .errors import InputError

APP_NAME = "monitor"
BUSY_TIMEOUT_S = 30.0

migrations = Migrations("monitor")


def default_db_path() -> Path:
    """``MONITOR_DB`` if set, else ``monitor.db`` in the user data directory.

    Resolved at call time (never at import), so tests and cron can point it elsewhere.
    """
    env = os.environ.get("MONITOR_DB")
    if env:
        return Path(env)
    return platformdirs.user_data_path(APP_NAME) / "monitor.db"


def connect(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    WAL journal and a 30 s busy timeout let a reader and a cron writer overlap.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"database {path}: is a directory; give a file path with --db")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        if db.journal_mode != "wal":
            db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"database {path}: {exc}; is it a monitor database?") from exc
    return db


def memory() -> Database:
    """An in-memory, migrated database (for quick experiments and benchmarks)."""
    db = Database(memory=True)
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def select(
    db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts, without the savepoint sqlite-utils 4 wraps around each
    ``db.query()`` (two extra statements per read on the ingest hot path)."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def migrate(db: Database) -> list[str]:
    """Apply pending migrations; return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    return pending


def schema_version(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]


@migrations()
def m001_core(db: Database) -> None:
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


@migrations()
def m010_feed_indexes(db: Database) -> None:
    """Indexes for fetch: a feed's articles (``feeds list``), recent articles (``--recheck``)."""
    db.execute("CREATE INDEX IF NOT EXISTS articles_feed_id ON articles(feed_id)")
    db.execute("CREATE INDEX IF NOT EXISTS articles_first_seen_at ON articles(first_seen_at)")


@migrations()
def m020_edit_stats(db: Database) -> None:
    """Edit statistics for version pairs stored before they were recorded."""
    from . import edits

    edits.backfill(db)


@migrations()
def m030_edit_severity(db: Database) -> None:
    """Severity and the newer named edits of each version pair; old pairs are
    graded by ``edits.backfill`` (as ``m020_edit_stats`` did for the counts)."""
    for column in (
        "severity TEXT",
        "severity_reason TEXT",
        "headline_change TEXT",
        "correction_notice INTEGER NOT NULL DEFAULT 0",
        "update_notice INTEGER NOT NULL DEFAULT 0",
        "byline_changed INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE diffs ADD COLUMN {column}")
    from . import edits

    edits.backfill(db)
