"""Version semantics of ingest, on a real SQLite file."""

from __future__ import annotations

import pytest

from monitor import ingest
from monitor.errors import InputError
from monitor.ingest import Observation

TEXT = "Defence Minister Khawaja Asif warned Kabul.\n\nTalks in Istanbul ended without agreement."


def obs(**kw) -> Observation:
    base = dict(title="Asif warns Taliban", text=TEXT, origin="file", url="https://ex.example/a")
    base.update(kw)
    return Observation(**base)


def versions(db, article_id):
    return list(
        db.query("select * from versions where article_id = ? order by number", [article_id])
    )


def test_first_observation_stores_article_and_version_1(db):
    result = ingest.store(db, obs(published_at="2025-10-29T09:20:00Z", source="Sample Daily"))
    assert (result.status, result.version) == ("new", 1)
    article = db["articles"].get(result.article_id)
    assert article["version_count"] == 1 and article["current_version"] == 1
    assert article["dated_at"] == "2025-10-29T09:20:00Z"
    (v,) = versions(db, result.article_id)
    assert v["title"] == "Asif warns Taliban"
    assert v["words"] == 12
    assert v["origin"] == "file"
    assert len(v["text_hash"]) == 64


def test_same_content_is_unchanged(db):
    first = ingest.store(db, obs())
    again = ingest.store(db, obs())
    assert again.status == "unchanged" and again.article_id == first.article_id
    assert len(versions(db, first.article_id)) == 1


def test_whitespace_and_unicode_form_changes_are_unchanged(db):
    first = ingest.store(
        db, obs(title="Café talks", text="A  line\r\nwrapped.\n\n\n\nSecond   para.")
    )
    # decomposed é (e + combining accent), different spacing and line endings
    again = ingest.store(
        db, obs(title="Cafe\u0301  talks ", text="  A line wrapped.\n\nSecond para.\n")
    )
    assert again.status == "unchanged"
    assert len(versions(db, first.article_id)) == 1


def test_changed_text_stores_version_2(db):
    first = ingest.store(db, obs())
    second = ingest.store(db, obs(text=TEXT + "\n\nTaliban spokesman rejected the threat."))
    assert (second.status, second.version, second.previous_version) == ("updated", 2, 1)
    article = db["articles"].get(first.article_id)
    assert article["version_count"] == 2 and article["current_version"] == 2
    assert [v["number"] for v in versions(db, first.article_id)] == [1, 2]


def test_title_only_change_stores_a_version(db):
    first = ingest.store(db, obs())
    second = ingest.store(db, obs(title="Taliban reject Asif's threat"))
    assert second.status == "updated"
    v1, v2 = versions(db, first.article_id)
    assert v1["text_hash"] == v2["text_hash"] and v1["title"] != v2["title"]


def test_url_tracking_parameters_do_not_make_a_new_article(db):
    first = ingest.store(db, obs(url="https://EX.example/a?utm_source=rss&utm_medium=x#top"))
    again = ingest.store(db, obs(url="https://ex.example/a"))
    assert again.article_id == first.article_id and again.status == "unchanged"


def test_no_url_uses_content_key(db):
    a = ingest.store(db, obs(url=None))
    b = ingest.store(db, obs(url=None, text=TEXT.replace("  ", " ")))
    c = ingest.store(db, obs(url=None, text="Something else entirely."))
    assert a.article_id == b.article_id and b.status == "unchanged"
    assert c.article_id != a.article_id


def test_guid_identity_when_no_link(db):
    a = ingest.store(db, obs(url=None, guid="tag:ex,2025:1"))
    b = ingest.store(db, obs(url=None, guid="tag:ex,2025:1", title="New headline"))
    assert a.article_id == b.article_id and b.version == 2


def test_published_date_learnt_later_sets_article_time(db):
    a = ingest.store(db, obs(observed_at="2025-11-01T00:00:00Z"))
    assert db["articles"].get(a.article_id)["dated_at"] == "2025-11-01T00:00:00Z"
    ingest.store(db, obs(published_at="2025-10-29T09:20:00Z"))
    assert db["articles"].get(a.article_id)["dated_at"] == "2025-10-29T09:20:00Z"


def test_empty_observation_is_refused_and_nothing_written(db):
    with pytest.raises(InputError):
        ingest.store(db, obs(title="  ", text="\n\n"))
    assert db["articles"].count == 0 and db["versions"].count == 0


def test_failed_hook_rolls_back_the_whole_ingest(db, monkeypatch):
    def boom(*args):
        raise RuntimeError("hook failed")

    monkeypatch.setattr(ingest.derive, "version_stored", boom)
    with pytest.raises(RuntimeError):
        ingest.store(db, obs())
    assert db["articles"].count == 0 and db["versions"].count == 0


def test_fts_index_follows_versions(db):
    ingest.store(db, obs())
    hits = list(db.query("select rowid from versions_fts where versions_fts match 'Istanbul'"))
    assert len(hits) == 1
