"""Migration m100 (:func:`monitor.store.schema.m100_packed_texts`): packed version
texts, SQL only. The packing itself is :mod:`monitor.store.texts`; old rows are packed
and indexed by the ``packed_texts`` backfill (:func:`monitor.derive.pack_texts`)."""

from __future__ import annotations

import re

from sqlite_utils import Database

from monitor.store import schema_articles

#: the columns of a version, in the order of the ``versions`` table before m100
_VERSION_COLUMNS = (
    "id, article_id, number, observed_at, title, byline, published_at, text, text_hash, "
    "content_hash, words, origin"
)
_VERSION_TEXT = (
    "monitor_text({0}.text, (select b.text from version_rows b where b.id = {0}.base_id))"
)


def apply(db: Database) -> int:
    """Versions take less than half the disk (``monitor.store.texts``):

    * the table becomes ``version_rows`` (foreign keys follow the rename) with its text
      packed (zstd with a dictionary trained on the database's texts, or a delta against
      an earlier version of the article: ``base_id``), and ``versions`` is a view with
      the same columns that unpacks the text with the SQL function ``monitor_text()``
      (registered by monitor, and by its Datasette and sqlite-utils plugin); plain SQL
      inserts into the view still work (the text is stored unpacked);
    * the full-text index puts ``text`` before ``title`` (FTS5 spends two bytes on
      every term of every column after the first: ~28 % of the index), and reads its
      content from the view.

    The packing of old texts and the new index are filled in batches by the
    ``packed_texts`` backfill (:func:`monitor.derive.backfill`); until it is done,
    search finds only the versions indexed so far.
    """
    for trigger in ("versions_ai", "versions_ad", "versions_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS versions_fts")
    for view in ("current_articles", "articles_latest"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    db.execute("ALTER TABLE versions RENAME TO version_rows")
    db.execute("ALTER TABLE version_rows ADD COLUMN base_id INTEGER")
    db.execute(
        """CREATE TABLE IF NOT EXISTS text_dicts (
            id INTEGER PRIMARY KEY,
            dict BLOB NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS backfill_progress (
            name TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL,
            upto INTEGER NOT NULL
        )"""
    )
    text = _VERSION_TEXT.format("r")
    db.execute(
        f"""CREATE VIEW versions AS
            SELECT id, article_id, number, observed_at, title, byline, published_at,
                   {text} AS text, {_hex("r.text_hash")} AS text_hash,
                   {_hex("r.content_hash")} AS content_hash, words, origin
            FROM version_rows r"""
    )
    db.execute(
        f"""CREATE TRIGGER versions_ii INSTEAD OF INSERT ON versions BEGIN
            INSERT INTO version_rows ({_VERSION_COLUMNS})
            VALUES (new.id, new.article_id, new.number, new.observed_at, new.title, new.byline,
                    new.published_at, new.text, new.text_hash, new.content_hash, new.words,
                    new.origin);
        END"""
    )
    db.execute(
        """CREATE VIRTUAL TABLE versions_fts USING fts5(
            text, title, tokenize='unicode61 remove_diacritics 2',
            content='versions', content_rowid='id')"""
    )
    old, new = _VERSION_TEXT.format("old"), _VERSION_TEXT.format("new")
    db.execute(
        f"""CREATE TRIGGER versions_ai AFTER INSERT ON version_rows BEGIN
            INSERT INTO versions_fts (rowid, text, title) VALUES (new.id, {new}, new.title);
        END"""
    )
    # a delta's base deleted first (an article's versions deleted by the cascade, in any
    # order; or one row deleted by hand): its deltas are stored whole before it goes, so
    # their texts stay readable and the index gets the right text to delete
    db.execute(
        """CREATE TRIGGER versions_bd BEFORE DELETE ON version_rows BEGIN
            UPDATE version_rows SET text = monitor_text(text, old.text), base_id = NULL
            WHERE base_id = old.id;
        END"""
    )
    db.execute(
        f"""CREATE TRIGGER versions_ad AFTER DELETE ON version_rows BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, text, title)
            VALUES ('delete', old.id, {old}, old.title);
        END"""
    )
    # packing a text (the backfill) changes what is stored, not the text: no re-index
    db.execute(
        f"""CREATE TRIGGER versions_au AFTER UPDATE ON version_rows
            WHEN old.title IS NOT new.title OR {old} IS NOT {new} BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, text, title)
            VALUES ('delete', old.id, {old}, old.title);
            INSERT INTO versions_fts (rowid, text, title) VALUES (new.id, {new}, new.title);
        END"""
    )
    db.execute(schema_articles.CURRENT_ARTICLES)  # dropped above: the rename rewrote them
    db.execute(schema_articles.ARTICLES_LATEST)
    _tags_without_rowid(db)
    # the versions stored until now are indexed by the backfill; later ones by the triggers
    (upto,) = db.execute("SELECT coalesce(max(id), 0) FROM version_rows").fetchone()
    if upto:
        db.execute(
            "INSERT OR REPLACE INTO backfill_progress (name, last_id, upto) "
            "VALUES ('packed_texts', 0, ?)",
            [upto],
        )
    return int(upto)


def _hex(column: str) -> str:
    """A SHA-256 stored as 32 bytes (or, before m100, as 64 hex digits), as hex."""
    return f"(CASE typeof({column}) WHEN 'blob' THEN lower(hex({column})) ELSE {column} END)"


def _tags_without_rowid(db: Database) -> None:
    """``version_themes`` keyed by its primary key alone (no rowid, so no second copy
    of the key in an automatic index: ~100 bytes a version)."""
    (table_sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'version_themes'"
    ).fetchone()
    if re.search(r"WITHOUT\s+ROWID\s*$", table_sql, flags=re.IGNORECASE):
        return
    indexes = db.execute(
        """SELECT sql FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'version_themes' AND sql IS NOT NULL"""
    ).fetchall()
    new_sql = re.sub(
        r"^CREATE TABLE\s+\"?version_themes\"?", "CREATE TABLE version_themes_new", table_sql
    )
    db.execute(new_sql + " WITHOUT ROWID")
    columns = ", ".join(f'"{c}"' for c in db["version_themes"].columns_dict)
    db.execute(f"INSERT INTO version_themes_new ({columns}) SELECT {columns} FROM version_themes")
    db.execute("DROP TABLE version_themes")
    db.execute("ALTER TABLE version_themes_new RENAME TO version_themes")
    for (sql,) in indexes:
        db.execute(sql)
