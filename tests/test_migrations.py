"""Schema: migrations from an empty database and from every older schema."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from monitor import ingest
from monitor.ingest import Observation
from monitor.store import backfills, schema
from monitor.store import db as dbmod


def test_empty_database_gets_every_table_and_fts_triggers(db_path):
    db = dbmod.connect(db_path)
    names = set(db.table_names())
    for table in (
        "stories",
        "feeds",
        "articles",
        "version_rows",
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
    assert "versions" in db.view_names()  # the stored rows' texts, unpacked
    assert any(fk.other_table == "articles" for fk in db["version_rows"].foreign_keys)
    assert any(fk.other_table == "version_rows" for fk in db["version_themes"].foreign_keys)
    triggers = {t.name for t in db.triggers}
    # (a version is indexed by the statement that stores it: m170; a plain SQL insert
    # into the view by the view's trigger)
    assert {"versions_ii", "versions_ad", "versions_au"} <= triggers
    assert "versions_ai" not in triggers
    assert schema.schema_version(db) == [m.name for m in schema.migrations._migrations]


def test_reopening_applies_nothing(db_path):
    dbmod.connect(db_path).close()
    db = dbmod.connect(db_path)
    assert schema.migrate(db) == []


@pytest.mark.parametrize(
    "stop_before", [m.name for m in schema.migrations._migrations[1:]] or ["(none yet)"]
)
def test_older_schema_upgrades_on_open_and_keeps_data(db_path, stop_before):
    if stop_before == "(none yet)":
        pytest.skip("only one migration exists: no older schema to upgrade from")
    conn = sqlite3.connect(db_path)
    old = Database(conn)
    schema.migrations.apply(old, stop_before=stop_before)
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
    assert schema.schema_version(db) == [m.name for m in schema.migrations._migrations]
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


def _made_before(db_path, stop_before):
    """A database made by an older release: migrations up to ``stop_before``."""
    conn = sqlite3.connect(db_path)
    old = Database(conn)
    old.execute("PRAGMA foreign_keys = ON")
    schema.migrations.apply(old, stop_before=stop_before)
    return conn, old


def test_pairs_stored_before_edit_stats_are_backfilled_after_migrating(db_path):
    """Migrations are SQL only; the edit stats of old pairs come from derive.backfill,
    which opening the database through the front door runs."""
    import monitor

    conn, old = _made_before(db_path, "m020_edit_stats")
    now = "2025-10-01T00:00:00Z"
    old.execute(
        "insert into articles (id, key, dated_at, first_seen_at, last_seen_at, current_version,"
        " version_count) values (1, 'url:https://ex.example/a', ?, ?, ?, 2, 2)",
        [now, now, now],
    )
    for number, title, text in [
        (1, "Ten killed", "Ten people died."),
        (2, "Twelve killed", "Twelve people died."),
    ]:
        old.execute(
            "insert into versions (article_id, number, observed_at, title, text, text_hash,"
            " content_hash, words, origin) values (1, ?, ?, ?, ?, 'x', ?, 3, 'file')",
            [number, now, title, text, f"h{number}"],
        )
    conn.commit()
    conn.close()
    with monitor.open(db_path) as m:
        rows = list(m.db["diffs"].rows)
        assert [(r["from_number"], r["to_number"], r["title_changed"]) for r in rows] == [(1, 2, 1)]
        assert backfills.pending_backfills(m.db) == []


def test_changes_bookmarks_move_out_of_runs(db_path):
    conn, old = _made_before(db_path, "m030_cursors")
    old.execute(
        "insert into runs (command, started_at, finished_at, status) values"
        " ('fetch', '2025-10-01T00:00:00Z', '2025-10-01T00:01:00Z', 'ok'),"
        " ('changes', '2025-10-02T00:00:00Z', '2025-10-02T00:00:01Z', 'ok'),"
        " ('changes', '2025-10-03T00:00:00Z', '2025-10-03T00:00:01Z', 'ok')"
    )
    conn.commit()
    conn.close()
    db = dbmod.connect(db_path)
    assert [r["command"] for r in db["runs"].rows] == ["fetch"]
    assert db.execute("select position from cursors where name = 'changes'").fetchone()[0] == (
        "2025-10-03T00:00:00Z"
    )


def test_current_articles_view(db):
    ingest.store(db, Observation(title="a", text="one", origin="file", url="https://ex.example/1"))
    ingest.store(db, Observation(title="b", text="two", origin="file", url="https://ex.example/1"))
    rows = list(db["current_articles"].rows)
    assert [(r["id"], r["title"], r["current_version"]) for r in rows] == [(1, "b", 2)]


def test_m080_declares_article_story_and_keeps_versions_fts_and_views(db_path):
    """The rebuild of ``articles`` keeps every row, the versions that reference them (no
    cascade), the full-text triggers and the older views; the foreign key is declared."""
    conn, old = _made_before(db_path, "m080_datasette")
    now = "2025-10-01T00:00:00Z"
    old.execute(
        "insert into stories (slug, name, created_at, updated_at) values ('s', 'S', ?, ?)",
        [now, now],
    )
    for article_id, story in [(1, "s"), (2, "gone"), (3, None)]:
        old.execute(
            "insert into articles (id, key, story, dated_at, first_seen_at, last_seen_at,"
            " current_version, version_count) values (?, ?, ?, ?, ?, ?, 1, 1)",
            [article_id, f"k{article_id}", story, now, now, now],
        )
        old.execute(
            "insert into versions (article_id, number, observed_at, title, text, text_hash,"
            " content_hash, words, origin) values (?, 1, ?, ?, 'ceasefire talks', 'h', 'c', 2,"
            " 'file')",
            [article_id, now, f"Title {article_id}"],
        )
    conn.commit()
    conn.close()
    db = dbmod.connect(db_path)
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert [
        (fk.column, fk.other_table) for fk in db["articles"].foreign_keys if fk.column == "story"
    ] == [("story", "stories")]
    assert db["articles"].count == 3 and db["versions"].count == 3
    # an article whose story row was missing keeps its story: the row is made
    assert db.execute("select name, origin from stories where slug = 'gone'").fetchone() == (
        "gone",
        "migrated",
    )
    assert {"versions_ii", "versions_ad", "versions_au"} <= {t.name for t in db.triggers}
    assert {"current_articles", "articles_latest", "edits"} <= set(db.view_names())
    assert {i.name for i in db["articles"].indexes} >= {"articles_story", "articles_feed_id"}
    # the full-text triggers still work after the rebuild
    db.execute(
        "insert into versions (article_id, number, observed_at, title, text, text_hash,"
        " content_hash, words, origin) values (1, 2, ?, 'Later', 'Mujahid rejects', 'h2', 'c2',"
        " 2, 'file')",
        [now],
    )
    db.conn.commit()
    hits = db.execute("select count(*) from versions_fts where versions_fts match 'Mujahid'")
    assert hits.fetchone()[0] == 1
    assert [r["title"] for r in db.query("select title from articles_latest order by id")] == [
        "Title 1",
        "Title 2",
        "Title 3",
    ]


def test_replacing_a_story_keeps_its_articles(invoke):
    """``articles.story`` is ON DELETE SET NULL: a story saved again is updated in place,
    never deleted, so its articles keep it."""
    from conftest import SAMPLES

    assert invoke("add", str(SAMPLES / "articles" / "00-seed-article.txt")).exit_code == 0
    assert (
        invoke("stories", "add", str(SAMPLES / "stories" / "pakistan-taliban.toml")).exit_code == 0
    )
    import json

    (row,) = json.loads(invoke("list", "--json").stdout)
    assert row["story"] == "pakistan-taliban"
