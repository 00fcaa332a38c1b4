"""retag in short batches: the same tags as one pass, resumable after kill -9."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_article

from monitor import derive
from monitor.store import db as dbmod
from monitor.store import tags as tagstore
from monitor.themes import stories

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "Pakistan and the Taliban held peace talks in Doha mediated by Qatar.",
    "A suicide bombing by TTP militants killed soldiers in Bannu.",
    "The Torkham border crossing was closed after clashes along the Durand Line.",
    "Thousands of Afghan refugees were deported from Pakistan.",
    "An earthquake left rubble in the valley; aftershocks followed.",
    "Traders said trucks were stranded and exports halted.",
]


def build(path: Path) -> None:
    db = dbmod.connect(path)
    stories.ensure_builtin(db)
    rng = random.Random(9)
    for i in range(90):
        text = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
        story = "pakistan-taliban" if i % 2 else None
        add_article(db, f"https://a/{i}", f"Report {i}", text, story=story)
        if i % 5 == 0:
            add_article(db, f"https://a/{i}", f"Report {i}", rng.choice(SENTENCES), story=story)
    # the taxonomy changes after the articles were tagged: a theme added, one renamed
    builtin = ROOT / "samples" / "stories" / "pakistan-taliban.toml"
    changed = builtin.read_text("utf-8").replace('slug = "peace-talks"', 'slug = "talks"') + (
        '\n[[themes]]\nslug = "earthquake"\nlabel = "Earthquake"\n'
        'terms = ["earthquake", "aftershock", "rubble"]\n'
    )
    (path.parent / "story.toml").write_text(changed, "utf-8")
    stories.add_story_file(db, path.parent / "story.toml")
    db.close()


def all_tags(db) -> list[tuple]:
    return db.execute(
        "select version_id, story, theme, score, evidence from version_themes order by 1, 2, 3"
    ).fetchall()


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    """No pause between batches in this process (the child processes keep it)."""
    monkeypatch.setattr(derive, "PAUSE_S", 0.0)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    build(path)
    return path


@pytest.mark.parametrize("story", [None, "pakistan-taliban"])
def test_batched_retag_equals_one_pass(archive, tmp_path, story):
    one = tmp_path / "one.db"
    one.write_bytes(archive.read_bytes())
    db_batched, db_one = dbmod.connect(archive), dbmod.connect(one)
    before = all_tags(db_batched)
    batched = derive.retag(db_batched, story, batch=7)
    whole = derive.retag(db_one, story, batch=10**9)
    assert (batched.versions, batched.tags) == (whole.versions, whole.tags)
    after = all_tags(db_batched)
    assert after == all_tags(db_one)
    assert after != before  # the changed taxonomy was applied
    assert any(t[2] == "earthquake" for t in after)
    assert not any(t[2] == "peace-talks" for t in after)
    assert tagstore.progress(db_batched, story or "*") is None  # done: no progress left


CHILD = """
import sys, time
from monitor import derive
from monitor.store import db as dbmod
from monitor.store import tags as tagstore
real = tagstore.set_progress
def slow(*args):
    real(*args)
    print("batch", args[3], flush=True)
    time.sleep(0.05)
tagstore.set_progress = slow
derive.retag(dbmod.connect(sys.argv[1]), None, batch=5)
print("finished", flush=True)
"""


def test_retag_resumes_after_kill_9(archive, tmp_path):
    clean = tmp_path / "clean.db"
    clean.write_bytes(archive.read_bytes())
    derive.retag(dbmod.connect(clean), None, batch=5)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(archive)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    for seen, line in enumerate(child.stdout, 1):
        assert line.startswith("batch"), line
        if seen == 6:  # five batches done, the sixth under way
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    db = dbmod.connect(archive)
    saved = tagstore.progress(db, "*")
    assert saved is not None and saved[1] > 0
    result = derive.retag(db, None, batch=5)
    assert result.resumed_from == saved[1]
    assert result.versions < db.execute("select count(*) from versions").fetchone()[0]
    assert all_tags(db) == all_tags(dbmod.connect(clean))
    assert tagstore.progress(db, "*") is None


def test_a_changed_taxonomy_starts_over(archive):
    db = dbmod.connect(archive)
    tagstore.set_progress(db, "*", "an older taxonomy", 40, "2026-01-01T00:00:00Z")
    db.conn.commit()
    result = derive.retag(db, None, batch=10)
    assert result.resumed_from == 0
    assert result.versions == db.execute("select count(*) from versions").fetchone()[0]


SLOW_CHILD = """
import sys, time
from monitor import derive
from monitor.store import db as dbmod
from monitor.store import tags as tagstore
real = tagstore.set_progress
def slow(*args):
    real(*args)
    print("batch", args[3], flush=True)
    time.sleep(0.1)  # inside the batch's transaction: holds the write lock
tagstore.set_progress = slow
derive.retag(dbmod.connect(sys.argv[1]), None, batch=6)
print("finished", flush=True)
"""


def test_add_waits_for_one_batch_not_the_whole_retag(archive):
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_CHILD, str(archive)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("batch")
    assert child.stdout.readline().startswith("batch")  # batches under way: ~4 s in all
    db = dbmod.connect(archive)
    db.conn.execute("PRAGMA busy_timeout = 1500")  # far less than the whole retag
    result = add_article(db, "https://b/1", "Talks in Doha", "Peace talks resumed in Doha.")
    assert result.stored
    rest = child.stdout.read()
    child.wait()
    assert child.returncode == 0 and "finished" in rest


ECONOMY = """
slug = "economy"
name = "Economy"
rule = 'trucks OR exports OR traders'

[[themes]]
slug = "trade"
label = "Trade"
terms = ["trucks", "exports", "traders"]
min_score = 1
"""


def test_retag_redoes_only_the_stories_whose_taxonomy_changed(archive, tmp_path):
    db = dbmod.connect(archive)
    (tmp_path / "economy.toml").write_text(ECONOMY, "utf-8")
    stories.add_story_file(db, tmp_path / "economy.toml")
    first = derive.retag(db)  # nothing recorded yet: every story
    assert first.versions == db.execute("select count(*) from versions").fetchone()[0]
    tags = all_tags(db)
    assert {t[1] for t in tags} == {"pakistan-taliban", "economy"}
    again = derive.retag(db)  # nothing changed: nothing to do
    assert (again.versions, again.tags) == (0, 0)
    assert all_tags(db) == tags
    # economy changes: only its articles (none are filed under it) and the unfiled ones
    (tmp_path / "economy.toml").write_text(ECONOMY.replace("min_score = 1", "min_score = 40"))
    stories.add_story_file(db, tmp_path / "economy.toml")
    partial = derive.retag(db)
    unfiled = db.execute(
        "select count(*) from versions v join articles a on a.id = v.article_id "
        "where a.story is null or a.story = 'economy'"
    ).fetchone()[0]
    # (of those, only the versions holding one of the changed theme's terms are re-tagged)
    assert partial.versions + partial.skipped == unfiled < first.versions
    assert partial.stories == ["economy"] and partial.skipped > 0 and partial.versions > 0
    after = all_tags(db)
    assert [t for t in after if t[1] != "economy"] == [t for t in tags if t[1] != "economy"]
    assert after != tags  # the stricter economy theme dropped some tags
    everything = tmp_path / "every.db"
    everything.write_bytes(archive.read_bytes())
    full = dbmod.connect(everything)
    derive.retag(full, every=True)
    assert all_tags(full) == after


def test_cli_retag_skips_unchanged_stories_unless_all(db, invoke, monkeypatch):
    monkeypatch.setattr(derive, "PAUSE_S", 0.0)
    stories.ensure_builtin(db)
    add_article(db, "https://c/1", "Talks", "Pakistan and the Taliban held peace talks in Doha.")
    first = invoke("retag")
    assert first.exit_code == 0 and "retagged 1 versions" in first.stderr
    assert "nothing to retag" in invoke("retag").stderr
    assert "retagged 1 versions" in invoke("retag", "--all").stderr


def test_retag_writes_only_the_tags_that_changed(archive):
    """A retag rewrites the rows its taxonomy changed, not every tag: a second retag
    with the same taxonomy deletes and inserts no tag at all, and the result is the
    same as writing everything."""
    db = dbmod.connect(archive)
    derive.retag(db, "pakistan-taliban", batch=7)
    done = all_tags(db)
    # the tag rows written or deleted by the next retag (sqlite counts each one)
    db.conn.execute(
        "create temp table written (n integer)",
    )
    db.conn.execute(
        "create temp trigger w_ins after insert on version_themes "
        "begin insert into written values (1); end"
    )
    db.conn.execute(
        "create temp trigger w_del after delete on version_themes "
        "begin insert into written values (1); end"
    )
    again = derive.retag(db, "pakistan-taliban", batch=7, every=True)
    assert again.tags == len([t for t in done if t[1] == "pakistan-taliban"]) > 0
    assert db.execute("select count(*) from written").fetchone()[0] == 0
    assert all_tags(db) == done
    # one tag's row changed by hand: the retag puts back that one, and only that one
    db.execute(
        "update version_themes set score = score + 1 where (version_id, story, theme) ="
        " (select version_id, story, theme from version_themes order by 1, 2, 3 limit 1)"
    )
    unchanged = derive.retag(db, "pakistan-taliban", batch=7)  # the same taxonomy: no work
    assert unchanged.versions == 0 and unchanged.skipped > 0
    derive.retag(db, "pakistan-taliban", batch=7, every=True)
    assert all_tags(db) == done
    assert db.execute("select count(*) from written").fetchone()[0] == 2  # a delete, an insert
