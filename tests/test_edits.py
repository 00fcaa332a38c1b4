"""Named edits (headline, quotes, numbers, paragraphs) and their stats on store."""

from __future__ import annotations

import sqlite3

import pytest

from monitor import derive
from monitor.analysis import edits
from monitor.ingest import Observation, store
from monitor.store import db as dbmod
from tests.conftest import SAMPLES


def version(number, title, text):
    return {
        "number": number,
        "observed_at": f"2026-11-0{number}T00:00:00Z",
        "title": title,
        "text": text,
    }


def test_quotations_kinds():
    text = (
        "He said \"we will respond\" and “the talks failed”. It's the Taliban's "
        "‘considered position on this matter’ and «nothing more»."
    )
    assert edits.quotations(text) == [
        "we will respond",
        "the talks failed",
        "considered position on this matter",
        "nothing more",
    ]


def test_quotes_altered_added_removed():
    old = '"We will obliterate them," he said. "Talks are over," said another.'
    new = '"We will wipe them out," he said. "Kabul must act," a third said.'
    added, removed, altered = edits.quote_changes(old, new)
    assert altered == [("We will obliterate them,", "We will wipe them out,")]
    assert removed == ["Talks are over,"]
    assert added == ["Kabul must act,"]


def test_numbers_changed_with_context():
    cmp = edits.compare(
        1,
        version(1, "T", "More than 60 soldiers were killed in October."),
        version(2, "T", "More than 70 soldiers were killed in October."),
    )
    (change,) = cmp.edits.numbers_changed
    assert (change.old, change.new) == ("More than 60", "More than 70")  # the bound is read too
    assert change.context == "[More than 60 → More than 70] soldiers were killed in October."


def test_summary_names_the_edits():
    cmp = edits.compare(
        1,
        version(1, "Old headline", 'Asif said "we will strike".\n\nA paragraph that goes.'),
        version(2, "New headline", 'Asif said "we will strike hard".\n\nA brand new one here.'),
    )
    summary = cmp.edits.summary()
    assert summary.startswith("headline rewritten; 1 quote altered")
    assert "paragraphs 1 added, 1 removed, 1 changed" in summary
    assert not cmp.identical


def test_identical_versions():
    cmp = edits.compare(1, version(1, "T", "Same."), version(2, "T", "Same."))
    assert cmp.identical and cmp.edits.summary() == "no change"


def obs(title, text, when):
    return Observation(
        title=title, text=text, origin="file", url="https://x.example/a", observed_at=when
    )


def test_storing_a_version_records_its_edit_stats(db):
    store(db, obs("Talks fail", "Sixty killed. “We will act,” he said.", "2026-11-01T00:00:00Z"))
    store(
        db,
        obs(
            "Talks collapse", "Seventy killed. “We will act now,” he said.", "2026-11-02T00:00:00Z"
        ),
    )
    store(
        db,
        obs(
            "Talks collapse", "Seventy killed. “We will act now,” he said.", "2026-11-03T00:00:00Z"
        ),
    )  # unchanged: no new pair
    (row,) = db["diffs"].rows
    assert (row["from_number"], row["to_number"], row["observed_at"]) == (
        1,
        2,
        "2026-11-02T00:00:00Z",
    )
    assert (row["title_changed"], row["title_old"], row["title_new"]) == (
        1,
        "Talks fail",
        "Talks collapse",
    )
    assert (row["words_added"], row["words_removed"], row["quotes_altered"]) == (2, 1, 1)
    assert row["summary"].startswith("headline rewritten; 1 quote altered")


def test_migration_backfills_pairs_stored_before(db_path):
    database = dbmod.connect(db_path)
    store(database, obs("A", "One text.", "2026-11-01T00:00:00Z"))
    store(database, obs("A", "Two text.", "2026-11-02T00:00:00Z"))
    database.execute("delete from diffs")
    database.execute("delete from _sqlite_migrations where name = 'm020_edit_stats'")
    database.close()
    import monitor

    database = monitor.open(db_path).db  # an older database opened by this release
    assert database.execute("select count(*) from diffs").fetchone()[0] == 1
    database.close()


def test_seed_article_revision(invoke):
    """The demo's revision of the seed text (samples/articles/00-seed-article.txt)."""
    assert invoke("add", str(SAMPLES / "articles" / "00-seed-article.txt")).exit_code == 0
    revision = SAMPLES / "articles" / "revised" / "00-seed-article-v2.txt"
    assert invoke("add", str(revision)).exit_code == 0
    (cmp,) = edits.pairs(dbmod.connect(dbmod.default_db_path()), 1)
    named = cmp.edits
    assert named.title_changed
    assert len(named.quotes_altered) == 2
    assert any("wipe them out" in new for _, new in named.quotes_altered)
    assert len(named.paragraphs_added) == 1 and "Mujahid" in named.paragraphs_added[0]
    assert len(named.paragraphs_removed) == 1 and "Expert analysts" in named.paragraphs_removed[0]


def test_sample_revision_with_figures(invoke, tmp_path):
    """A changed casualty figure between two versions of a sample article."""
    original = (SAMPLES / "articles" / "01-asif-obliterate.txt").read_text(encoding="utf-8")
    assert "more than 60 soldiers" in original
    revised = tmp_path / "01-v2.txt"
    revised.write_text(original.replace("more than 60", "more than 70"), encoding="utf-8")
    assert invoke("add", str(SAMPLES / "articles" / "01-asif-obliterate.txt")).exit_code == 0
    assert invoke("add", str(revised)).exit_code == 0
    (cmp,) = edits.pairs(dbmod.connect(dbmod.default_db_path()), 1)
    assert [(n.old, n.new) for n in cmp.edits.numbers_changed] == [("more than 60", "more than 70")]


def test_unique_pair(db):
    store(db, obs("A", "One.", "2026-11-01T00:00:00Z"))
    store(db, obs("A", "Two.", "2026-11-02T00:00:00Z"))
    derive.record_pair(db, 1, 1, 2)  # recording again replaces, never duplicates
    assert db.execute("select count(*) from diffs").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):  # the table keeps one row per pair
        db["diffs"].insert({"article_id": 1, "from_number": 1, "to_number": 2, "observed_at": "x"})
