"""Schema: migrations from an empty database and from every older schema."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from monitor import ingest
from monitor.ingest import Observation
from monitor.store import db as dbmod


def test_empty_database_gets_every_table_and_fts_triggers(db_path):
    db = dbmod.connect(db_path)
    names = set(db.table_names())
    for table in (
        "stories",
        "feeds",
        "articles",
        "versions",
        "diffs",
        "themes",
        "version_themes",
        "runs",
        "versions_fts",
    ):
        assert table in names
    assert {
        "id",
        "article_id",
        "number",
        "observed_at",
        "title",
        "text",
        "text_hash",
        "words",
        "origin",
    } <= set(db["versions"].columns_dict)
    assert any(fk.other_table == "articles" for fk in db["versions"].foreign_keys)
    triggers = {t.name for t in db.triggers}
    assert {"versions_ai", "versions_ad", "versions_au"} <= triggers
    assert dbmod.schema_version(db) == [m.name for m in dbmod.migrations._migrations]


def test_reopening_applies_nothing(db_path):
    dbmod.connect(db_path).close()
    db = dbmod.connect(db_path)
    assert dbmod.migrate(db) == []


@pytest.mark.parametrize(
    "stop_before", [m.name for m in dbmod.migrations._migrations[1:]] or ["(none yet)"]
)
def test_older_schema_upgrades_on_open_and_keeps_data(db_path, stop_before):
    if stop_before == "(none yet)":
        pytest.skip("only one migration exists: no older schema to upgrade from")
    conn = sqlite3.connect(db_path)
    old = Database(conn)
    dbmod.migrations.apply(old, stop_before=stop_before)
    old.execute(
        "insert into articles (key, url, dated_at, first_seen_at, last_seen_at) values (?,?,?,?,?)",
        [
            "url:https://ex.example/a",
            "https://ex.example/a",
            "2025-10-01T00:00:00Z",
            "2025-10-01T00:00:00Z",
            "2025-10-01T00:00:00Z",
        ],
    )
    conn.commit()
    conn.close()
    db = dbmod.connect(db_path)
    assert dbmod.schema_version(db) == [m.name for m in dbmod.migrations._migrations]
    assert db["articles"].count == 1


def test_wal_and_busy_timeout(db_path):
    db = dbmod.connect(db_path)
    assert db.journal_mode == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 30000


def test_reader_and_writer_overlap(db_path):
    """A reader holding a read transaction does not block a writer (WAL)."""
    writer = dbmod.connect(db_path)
    ingest.store(
        writer, Observation(title="a", text="one", origin="file", url="https://ex.example/1")
    )
    reader = sqlite3.connect(db_path)
    reader.execute("begin")
    assert reader.execute("select count(*) from articles").fetchone()[0] == 1
    ingest.store(
        writer, Observation(title="b", text="two", origin="file", url="https://ex.example/2")
    )
    assert reader.execute("select count(*) from articles").fetchone()[0] == 1  # its snapshot
    reader.execute("commit")
    assert reader.execute("select count(*) from articles").fetchone()[0] == 2


def test_fetch_indexes(db):
    indexes = {i.name for i in db["articles"].indexes}
    assert {"articles_feed_id", "articles_first_seen_at"} <= indexes
    plan = " ".join(
        str(r)
        for r in db.execute("explain query plan select count(*) from articles where feed_id = 1")
    )
    assert "articles_feed_id" in plan
