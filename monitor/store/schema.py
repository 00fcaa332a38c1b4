"""The schema, as ordered migrations: SQL only.

Every schema change is a new ``mNNN_`` function below; they run in order on open
and are recorded in ``_sqlite_migrations``, so a database made by an older
release upgrades itself. Never edit a migration that has shipped: add one.

Migrations never run the tool's own analysis code (it keeps changing). When old
rows need derived data, a migration records a request in ``backfills`` and
:func:`monitor.derive.backfill` fills it after migrating.
"""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database, Migrations

from monitor.store import backfills, schema_articles, schema_core

migrations = Migrations("monitor")


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
    """The first tables (:mod:`monitor.store.schema_core`)."""
    schema_core.create(db)


@migrations()
def m010_feed_indexes(db: Database) -> None:
    """Indexes for fetch: a feed's articles (``feeds list``), recent articles (``--recheck``)."""
    db.execute("CREATE INDEX IF NOT EXISTS articles_feed_id ON articles(feed_id)")
    db.execute("CREATE INDEX IF NOT EXISTS articles_first_seen_at ON articles(first_seen_at)")


@migrations()
def m020_edit_stats(db: Database) -> None:
    """Edit statistics for version pairs stored before they were recorded: asks for the
    ``edit_stats`` backfill (:func:`monitor.derive.backfill`), which computes them.

    (Until 0.1 this migration ran the diff engine itself; a migration must not
    depend on code that keeps changing, so it now only records the request.)
    """
    backfills.request_in_migration(db, "edit_stats")


@migrations()
def m030_cursors(db: Database) -> None:
    """The bookmark of ``monitor changes`` moves from ``runs`` (fetch runs only) to ``cursors``."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS cursors (
            name TEXT PRIMARY KEY,
            position TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """INSERT OR REPLACE INTO cursors (name, position, updated_at)
           SELECT 'changes', max(started_at), coalesce(max(finished_at), max(started_at))
           FROM runs WHERE command = 'changes' AND status = 'ok' HAVING count(*) > 0"""
    )
    db.execute("DELETE FROM runs WHERE command <> 'fetch'")


@migrations()
def m040_current_view(db: Database) -> None:
    """One view of each article with its current version, for every reader: the CLI's
    queries and people who open the file in Datasette or sqlite-utils."""
    db.execute(schema_articles.CURRENT_ARTICLES)


@migrations()
def m050_deliveries(db: Database) -> None:
    """What ``monitor notify`` delivered where: one row per (destination, item), so each
    change is delivered once and a failed delivery is retried. A destination is the
    SHA-256 of its Apprise URL (the URL holds passwords and tokens: it is not stored);
    ``label`` is the URL with its secrets hidden, for ``monitor status``."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            destination TEXT NOT NULL,
            label TEXT NOT NULL,
            item TEXT NOT NULL,
            article_id INTEGER,
            version INTEGER,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            first_attempt_at TEXT NOT NULL,
            last_attempt_at TEXT NOT NULL,
            delivered_at TEXT,
            error TEXT,
            UNIQUE (destination, item)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries(status, destination)")


@migrations()
def m060_edit_severity(db: Database) -> None:
    """Severity and the newer named edits of each version pair. Old pairs are graded by
    the ``edit_stats`` backfill (:func:`monitor.derive.backfill`), which this requests."""
    for column in (
        "severity TEXT",
        "severity_reason TEXT",
        "headline_change TEXT",
        "correction_notice INTEGER NOT NULL DEFAULT 0",
        "update_notice INTEGER NOT NULL DEFAULT 0",
        "byline_changed INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE diffs ADD COLUMN {column}")
    backfills.request_in_migration(db, "edit_stats")


@migrations()
def m075_article_stories(db: Database) -> None:
    """An article belongs to every story that files it or whose rule matches it
    (many-to-many). Filed stories come from ``articles.story``; rule matches are
    computed by the ``story_membership`` backfill."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS article_stories (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            story TEXT NOT NULL,
            how TEXT NOT NULL,
            PRIMARY KEY (article_id, story)
        )"""
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS article_stories_story ON article_stories(story, article_id)"
    )
    db.execute(
        """INSERT OR IGNORE INTO article_stories (article_id, story, how)
           SELECT a.id, a.story, 'filed' FROM articles a
           WHERE a.story IS NOT NULL"""
    )
    backfills.request_in_migration(db, "story_membership")


@migrations()
def m076_term_stats(db: Database) -> None:
    """Statistics kept as the archive grows, so reports cost what their window costs.

    ``term_counts``: how often each content word occurs in all stored versions (the
    background of ``changes``' distinctive terms), with ``term_stats``: up to which
    version id it has counted, and their words. Counted incrementally by
    :func:`monitor.store.termstats.refresh` (the first time over every version).
    """
    db.execute(
        """CREATE TABLE IF NOT EXISTS term_counts (
            term TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS term_stats (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            upto INTEGER NOT NULL,
            words INTEGER NOT NULL
        )"""
    )
    db.execute("INSERT OR IGNORE INTO term_stats (id, upto, words) VALUES (1, 0, 0)")


@migrations()
def m077_retag_progress(db: Database) -> None:
    """Where an interrupted ``retag`` stopped: its scope (a story, or ``*`` for all), the
    digest of the taxonomies it applies, and the last version id done."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS retag_progress (
            scope TEXT PRIMARY KEY,
            taxonomy TEXT NOT NULL,
            last_id INTEGER NOT NULL,
            started_at TEXT NOT NULL
        )"""
    )


@migrations()
def m078_story_tagging(db: Database) -> None:
    """Which taxonomy (a digest) each story's stored tags were last re-applied with, so
    ``retag`` re-tags only the stories whose taxonomy changed since."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS story_tagging (
            story TEXT PRIMARY KEY,
            taxonomy TEXT NOT NULL,
            retagged_at TEXT NOT NULL
        )"""
    )


@migrations()
def m090_feed_paused(db: Database) -> None:
    """A feed can be paused (``feeds edit ID --pause``): kept, listed as paused, skipped by
    ``fetch`` until resumed. Unlike ``active = 0`` (set by a 410 or a duplicate move) it
    is the user's choice."""
    db.execute("ALTER TABLE feeds ADD COLUMN paused INTEGER NOT NULL DEFAULT 0")


@migrations()
def m070_suspects_pages_aliases(db: Database) -> None:
    """Three tables for "edits you can trust" (see :mod:`monitor.suspect`):

    * ``suspects``: fetched pages that looked like a paywall, consent wall, error page
      or a failed extraction, recorded instead of a version (``state``: pending until
      the page comes back (``transient``) or the loss persists (``cut``, a version);
    * ``page_html``: the raw HTML of each page version, zlib-compressed, so its text
      can be extracted again (``monitor reextract``);
    * ``article_aliases``: other identities of an article (the URL a page was reached
      by when its ``rel=canonical`` differs; the content key of a page or file).
    """
    db.execute(
        """CREATE TABLE IF NOT EXISTS suspects (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            kept REAL,
            ratio REAL,
            words INTEGER NOT NULL,
            title TEXT,
            excerpt TEXT,
            content_hash TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            resolved_at TEXT
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS suspects_article ON suspects(article_id, state)")
    db.execute("CREATE INDEX IF NOT EXISTS suspects_state ON suspects(state)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS page_html (
            version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
            url TEXT,
            encoding TEXT NOT NULL DEFAULT 'zlib',
            size INTEGER NOT NULL,
            html BLOB NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS article_aliases (
            key TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        )"""
    )


@migrations(transactional=False)
def m080_datasette(db: Database) -> None:
    """For readers of the file (Datasette, sqlite-utils): ``articles.story`` becomes a
    declared foreign key to ``stories`` (SQLite adds one only by rebuilding the table,
    done here in one transaction with foreign keys off, as its documentation says;
    the triggers and views dropped for the rebuild, the full-text triggers among them,
    are re-created), and two views name things: ``articles_latest`` (each article
    once, with its current title, dates, URL and version count) and ``edits`` (each
    version pair with old and new titles and severity)."""
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    fks_were_on = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            schema_articles.declare_article_story(conn)
            _datasette_views(conn)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"m080: foreign key problems after the rebuild: {problems[:3]}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        if fks_were_on:
            conn.execute("PRAGMA foreign_keys = ON")


def _datasette_views(conn: Any) -> None:
    conn.execute(schema_articles.ARTICLES_LATEST)
    conn.execute(
        """CREATE VIEW IF NOT EXISTS edits AS
           SELECT d.id, d.article_id, d.from_number, d.to_number, d.observed_at, d.severity,
                  d.headline_change, d.title_changed, d.title_old, d.title_new, d.summary,
                  d.words_added, d.words_removed, d.quotes_altered, d.numbers_changed,
                  d.correction_notice, a.source, a.story, a.url
           FROM diffs d JOIN articles a ON a.id = d.article_id"""
    )


@migrations()
def m095_rejected_entries(db: Database) -> None:
    """The last headlines each feed's story rule dropped, so a user can see what the rule
    misses (``monitor feeds rejected ID``)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS rejected_entries (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            link TEXT,
            seen_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS rejected_entries_feed ON rejected_entries(feed_id, id)")


@migrations()
def m100_packed_texts(db: Database) -> None:
    """Versions take less than half the disk: texts packed in ``version_rows``, read
    through the view ``versions``; the full-text index text-first; tags without rowid
    (:mod:`monitor.store.schema_packed` says how). The ``packed_texts`` backfill packs
    and indexes the versions stored before, in batches."""
    from monitor.store import schema_packed

    if schema_packed.apply(db):
        backfills.request_in_migration(db, "packed_texts")


@migrations()
def m110_term_days(db: Database) -> None:
    """Cached term counts of the current versions of the articles dated on one UTC day
    (per story, '' for all) with a fingerprint of the day's rows (``changes``)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS term_days (day TEXT NOT NULL, story TEXT NOT NULL,
           fingerprint TEXT NOT NULL, counts BLOB NOT NULL, PRIMARY KEY (day, story))
           WITHOUT ROWID"""
    )


@migrations()
def m120_theme_months(db: Database) -> None:
    """Cached ``themes`` aggregates of a story's articles dated in one month, with a
    fingerprint read from one scan of ``articles_dated_current`` (see trendcache)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS theme_months (story TEXT NOT NULL, month TEXT NOT NULL,
           fingerprint TEXT NOT NULL, rows TEXT NOT NULL, PRIMARY KEY (story, month))
           WITHOUT ROWID"""
    )
    db.execute(
        """CREATE INDEX IF NOT EXISTS articles_dated_current
           ON articles(dated_at, current_version, source)"""
    )


@migrations()
def m130_story_tagging_spec(db: Database) -> None:
    """With each story's tagging digest, the taxonomy itself (``spec``, JSON) and the last
    version id that retag covered (``last_id``): a later retag works out which words the
    edit changed and re-tags only the versions holding one of them."""
    columns = {c.name for c in db["story_tagging"].columns}
    if "spec" not in columns:
        db.execute("ALTER TABLE story_tagging ADD COLUMN spec TEXT")
    if "last_id" not in columns:
        db.execute("ALTER TABLE story_tagging ADD COLUMN last_id INTEGER")


@migrations()
def m140_theme_days(db: Database) -> None:
    """``themes`` counts from ``theme_days`` (per story, theme, day and source: the
    articles whose current version carries the tag), filled here in one grouped pass
    and kept by triggers (see schema_themedays); it replaces the ``theme_months`` cache."""
    from monitor.store import schema_themedays

    schema_themedays.apply(db)
    db.execute("DROP TABLE IF EXISTS theme_months")


@migrations()
def m150_slimmer_rows(db: Database) -> None:
    """What a fresh database stored that nothing reads: ``version_rows.text_hash`` (the
    ``versions`` view computes it), the index ``articles_dated_at`` (``articles_dated_current``
    begins with its column) and the rowid of ``article_stories``
    (:mod:`monitor.store.schema_slim` says how much each saves)."""
    from monitor.store import schema_slim

    schema_slim.apply(db)


@migrations()
def m160_stories_generation(db: Database) -> None:
    """A number that every change to ``stories`` replaces (by triggers, whoever writes):
    a process keeps its compiled taxonomies while it stays put instead of reading every
    story's definition (100+ KB of TOML) for each version it stores. A random number,
    not a count: a rolled-back change must not leave a value a later change reuses."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS stories_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)"
    )
    db.execute("INSERT OR IGNORE INTO stories_generation (id, n) VALUES (1, 0)")
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER IF NOT EXISTS stories_generation_{event.lower()}
                AFTER {event} ON stories
                BEGIN UPDATE stories_generation SET n = random() WHERE id = 1; END"""
        )


@migrations()
def m170_fts_written_with_the_row(db: Database) -> None:
    """The full-text index is written by the statement that stores a version
    (:func:`monitor.store.articles.insert_version`), not by the ``versions_ai`` trigger:
    FTS5 writes out its pending terms at every savepoint, and a trigger runs inside its
    statement's savepoint, so each version became a segment of its own and merging them
    cost more CPU than indexing. A plain SQL insert into the ``versions`` view still
    indexes its row (the view's insert trigger does)."""
    db.execute("DROP TRIGGER IF EXISTS versions_ai")
    found = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'versions_ii'"
    ).fetchone()
    if found is not None and "versions_fts" not in found[0]:
        db.execute("DROP TRIGGER versions_ii")
        db.execute(re.sub(r"END\s*$", _VIEW_INSERT_INDEXES + "\nEND", found[0].rstrip()))


@migrations()
def m180_theme_days_keyed(db: Database) -> None:
    """``theme_days`` and ``theme_day_totals`` keyed by a number for the story and theme
    (``theme_keys``) and the day as ``YYYYMMDD``: ~25 bytes a row, not ~66 (views spell
    them out; :mod:`monitor.store.schema_themedays`)."""
    from monitor.store import schema_themedays

    columns = [row[1] for row in db.execute("PRAGMA table_info(theme_days)")]
    if "key" not in columns:  # (m140 of this release made them keyed already)
        schema_themedays.apply(db)


#: what the ``versions`` view's insert trigger adds after storing the row
_VIEW_INSERT_INDEXES = (
    "INSERT INTO versions_fts (rowid, text, title) "
    "VALUES (last_insert_rowid(), new.text, new.title);"
)
