"""m150 and slim tag evidence: what a fresh database no longer stores, read back the same."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from sqlite_utils import Database

from monitor.store import db as dbmod
from monitor.store import schema, texts
from monitor.text import evidence

NOW = "2025-10-01T00:00:00Z"
TEXT = "Pakistan and Afghanistan held talks in Doha on the border. " * 12


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _made_before_m150(path) -> None:
    """A database as the release before m140 left it: text hashes stored, tags with their
    snippet, article_stories with a rowid."""
    conn = sqlite3.connect(path)
    texts.register(conn)
    old = Database(conn)
    old.execute("PRAGMA foreign_keys = ON")
    schema.migrations.apply(old, stop_before="m150_slimmer_rows")
    assert "text_hash" in old["version_rows"].columns_dict
    for article in (1, 2):
        conn.execute(
            "insert into articles (id, key, dated_at, first_seen_at, last_seen_at, "
            "current_version, version_count) values (?, ?, ?, ?, ?, 2, 2)",
            [article, f"k{article}", NOW, NOW, NOW],
        )
        conn.execute(
            "insert into article_stories (article_id, story, how) values (?, 's', 'filed')",
            [article],
        )
        for number in (1, 2):
            text = f"{TEXT} Version {number} of {article}."
            conn.execute(
                "insert into versions (article_id, number, observed_at, title, text, text_hash,"
                " content_hash, words, origin) values (?, ?, ?, 'Talks', ?, ?, ?, 100, 'feed')",
                [article, number, NOW, text, _sha(text), "cd" * 32],
            )
    conn.execute(
        "insert into version_themes (version_id, story, theme, score, evidence) values "
        "(1, 's', 'talks', 2.0, ?)",
        [json.dumps({"snippet": "…held talks in Doha…", "terms": {"talks": 1}})],
    )
    conn.commit()
    conn.close()


def test_m150_drops_what_nothing_reads_and_reads_the_same(db_path):
    _made_before_m150(db_path)
    before = sqlite3.connect(db_path)
    texts.register(before)
    rows_before = before.execute(
        "select id, article_id, number, title, text, text_hash, content_hash from versions"
    ).fetchall()
    stories_before = before.execute("select * from article_stories order by 1, 2").fetchall()
    before.close()

    db = dbmod.connect(db_path)
    assert "m150_slimmer_rows" in schema.schema_version(db)
    assert "text_hash" not in db["version_rows"].columns_dict
    # the view reads what it did: the text hash computed from the text
    assert (
        db.execute(
            "select id, article_id, number, title, text, text_hash, content_hash from versions"
        ).fetchall()
        == rows_before
    )
    assert all(r[5] == _sha(r[4]) for r in rows_before)
    assert db.execute("select * from article_stories order by 1, 2").fetchall() == stories_before
    assert "WITHOUT ROWID" in db["article_stories"].schema
    indexes = {i.name for i in db["articles"].indexes}
    assert "articles_dated_at" not in indexes and "articles_dated_current" in indexes
    db.execute("insert into versions_fts(versions_fts) values ('integrity-check')")
    # the views over the view still read
    assert db.execute("select count(*) from current_articles").fetchone() == (2,)
    assert db.execute("select count(*) from articles_latest").fetchone() == (2,)
    # a tag stored with its snippet is shown as it was
    detail_evidence = db.execute("select evidence from version_themes").fetchone()[0]
    assert evidence.expand_json(detail_evidence, "Talks", TEXT) == detail_evidence
    # plain SQL inserts into the view still work (a text hash given is not kept)
    db.execute(
        "insert into versions (article_id, number, observed_at, title, text, text_hash,"
        " content_hash, words, origin) values (1, 3, ?, 'Plain', 'Mujahid rejects the talks',"
        " 'h', 'c', 4, 'file')",
        [NOW],
    )
    assert db.execute("select text, text_hash from versions where number = 3").fetchone() == (
        "Mujahid rejects the talks",
        _sha("Mujahid rejects the talks"),
    )
    # and a version deleted takes its index entries and tags with it
    db.execute("delete from articles where id = 2")
    assert db.execute("select count(*) from versions").fetchone() == (3,)
    db.execute("insert into versions_fts(versions_fts) values ('integrity-check')")


def test_a_fresh_database_stores_no_text_hash_and_serves_one(db_path):
    db = dbmod.connect(db_path)
    assert "text_hash" not in db["version_rows"].columns_dict
    assert "text_hash" in db["versions"].columns_dict
    assert "WITHOUT ROWID" in db["article_stories"].schema


def test_text_hash_of_a_row_read_twice_is_its_own():
    """The codec remembers the last text it unpacked (``select *`` asks for the text and
    its hash): a different row never gets the remembered text."""
    codec = texts.codec(dbmod.memory())
    first, second = "first text " * 20, "second text " * 20
    a, b = codec.pack(first), codec.pack(second)
    assert isinstance(a, bytes) and isinstance(b, bytes)
    assert codec.unpack(a) == first
    assert codec.text_hash(b) == _sha(second)
    assert codec.unpack(a) == first and codec.text_hash(a) == _sha(first)
    delta = codec.delta(first + "and more", first)
    assert codec.unpack(delta, a) == first + "and more"
    assert codec.unpack(a) == first
    assert codec.text_hash(None) is None and codec.text_hash("plain") == _sha("plain")


def test_evidence_expands_to_the_snippet_it_was_made_with():
    title, text = "Torkham closed", "Traders said the Torkham crossing stayed shut.\n\nMore."
    doc = evidence.document(title, text)
    start = doc.index("Torkham crossing")
    stored = evidence.encode_stored({"terms": {"Torkham": 2}, "at": [start, start + 7]})
    shown = evidence.expand(json.loads(stored), title, text)
    assert shown == {
        "terms": {"Torkham": 2},
        "snippet": "Traders said the Torkham crossing stayed shut.",
    }
    assert json.loads(evidence.expand_json(stored, title, text)) == shown
    # as tags stored it before: sorted keys, ", " and ": " separators
    assert evidence.expand_json(stored, title, text) == json.dumps(
        shown, ensure_ascii=False, sort_keys=True
    )
    # evidence that stored its snippet, or is not an object, is shown as it is
    old = json.dumps({"snippet": "s", "terms": {"a": 1}})
    assert evidence.expand_json(old, title, text) == old
    assert evidence.expand_json('{"terms": ["a"]}', title, text) == '{"terms": ["a"]}'
    assert evidence.expand(["x"], title, text) == ["x"]
    assert evidence.expand({"at": "bad", "terms": {}}, title, text) == {"terms": {}, "snippet": ""}
