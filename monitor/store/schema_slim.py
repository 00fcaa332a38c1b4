"""Migration m150 (:func:`monitor.store.schema.m150_slimmer_rows`): what a fresh database
stored that nothing reads, SQL only.

Measured on a database built through ingest (``benchmarks/bench_storage.py``), per
version of a 600-word article:

* ``version_rows.text_hash`` (32 bytes): no reader; the column is dropped and the
  ``versions`` view computes it from the text (``monitor_text_hash()``, registered with
  ``monitor_text()``), so ``select text_hash from versions`` reads what it did;
* the index ``articles_dated_at`` (~27 bytes): ``articles_dated_current`` (dated_at,
  current_version, source) begins with the same column and serves every query it did;
* ``article_stories`` keyed by its primary key alone (no rowid table beside the key's
  index: ~20 bytes).

Measured and left as it is: FTS5's ``automerge`` 2 (its default is 4) keeps ~20 bytes
less of index in use, but frees more pages as it merges (the file is larger on average
while a database grows) for 30–40 % more indexing CPU (``benchmarks/bench_fts_merge.py``).
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from monitor.store import schema_articles, schema_packed

#: the columns of a version row after m150, in the view's order
VERSION_COLUMNS = (
    "id, article_id, number, observed_at, title, byline, published_at, text, "
    "content_hash, words, origin"
)
#: a view column's text, from the row ``{0}`` of version_rows
_TEXT_ARGS = "{0}.text, (select b.text from version_rows b where b.id = {0}.base_id)"


def apply(db: Database) -> None:
    if "text_hash" in db["version_rows"].columns_dict:
        _drop_text_hash(db)
    db.execute("DROP INDEX IF EXISTS articles_dated_at")
    _without_rowid(db, "article_stories")


def _drop_text_hash(db: Database) -> None:
    """``version_rows`` without ``text_hash``; the view and its insert trigger remade
    (and the views over the view: ALTER TABLE checks the whole schema)."""
    for view in ("current_articles", "articles_latest", "versions"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    db.execute("DROP TRIGGER IF EXISTS versions_ii")
    db.execute("ALTER TABLE version_rows DROP COLUMN text_hash")
    create_versions_view(db)
    db.execute(schema_articles.CURRENT_ARTICLES)
    db.execute(schema_articles.ARTICLES_LATEST)


def create_versions_view(db: Database) -> None:
    """The ``versions`` view (the columns of the table it replaced, texts unpacked, hashes
    as hex) and its INSTEAD OF INSERT trigger (a plain SQL insert stores the text
    unpacked; a ``text_hash`` given is not stored: the view computes it)."""
    args = _TEXT_ARGS.format("r")
    content_hash = schema_packed._hex("r.content_hash")
    db.execute(
        f"""CREATE VIEW versions AS
            SELECT id, article_id, number, observed_at, title, byline, published_at,
                   monitor_text({args}) AS text, monitor_text_hash({args}) AS text_hash,
                   {content_hash} AS content_hash, words, origin
            FROM version_rows r"""
    )
    db.execute(
        f"""CREATE TRIGGER versions_ii INSTEAD OF INSERT ON versions BEGIN
            INSERT INTO version_rows ({VERSION_COLUMNS})
            VALUES (new.id, new.article_id, new.number, new.observed_at, new.title, new.byline,
                    new.published_at, new.text, new.content_hash, new.words, new.origin);
        END"""
    )


def _without_rowid(db: Database, table: str) -> None:
    """``table`` keyed by its primary key alone (its rows copied, its indexes remade)."""
    (table_sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    if re.search(r"WITHOUT\s+ROWID\s*$", table_sql, flags=re.IGNORECASE):
        return
    indexes = db.execute(
        """SELECT sql FROM sqlite_master
           WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL""",
        [table],
    ).fetchall()
    new_sql = re.sub(
        rf"^CREATE TABLE\s+(IF NOT EXISTS\s+)?\"?{table}\"?",
        f"CREATE TABLE {table}_new",
        table_sql,
        flags=re.IGNORECASE,
    )
    db.execute(new_sql + " WITHOUT ROWID")
    columns = ", ".join(f'"{c}"' for c in db[table].columns_dict)
    db.execute(f"INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for (sql,) in indexes:
        db.execute(sql)
