"""The compiled taxonomies a process keeps per database follow every change to ``stories``."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.store import db as dbmod
from monitor.store import stories as storymod
from monitor.themes import stories
from monitor.themes.tagger import load_taggers

TOML = """
slug = "{slug}"
name = "Test story"
rule = "{rule}"

[[themes]]
slug = "talks"
terms = ["{term}"]
min_score = 1
"""


def _story(path: Path, slug: str = "cache-test", rule: str = "peace", term: str = "talks") -> Path:
    path.write_text(TOML.format(slug=slug, rule=rule, term=term), "utf-8")
    return path


def _terms(db, slug: str = "cache-test") -> list[str]:
    return sorted(load_taggers(db)[slug].parsed[0].terms)


def test_taggers_are_read_again_after_a_change_by_another_connection(tmp_path: Path):
    path = tmp_path / "m.db"
    db = dbmod.connect(path)
    stories.add_story_file(db, _story(tmp_path / "a.toml", term="talks"))
    assert _terms(db) == ["talks"]
    before = storymod.generation(db)
    other = dbmod.connect(path)
    stories.add_story_file(other, _story(tmp_path / "b.toml", term="ceasefire"))
    other.close()
    assert storymod.generation(db) != before
    assert _terms(db) == ["ceasefire"]


def test_taggers_follow_raw_sql_on_the_same_connection(tmp_path: Path):
    db = dbmod.connect(tmp_path / "m.db")
    stories.add_story_file(db, _story(tmp_path / "a.toml", term="talks"))
    assert _terms(db) == ["talks"]
    definition = db.execute("select definition from stories where slug = 'cache-test'").fetchone()[
        0
    ]
    db.execute(
        "update stories set definition = ? where slug = 'cache-test'",
        [definition.replace('"talks"', '"truce"')],
    )
    assert _terms(db) == ["truce"]
    db.execute("delete from stories where slug = 'cache-test'")
    assert "cache-test" not in load_taggers(db)


def test_a_rolled_back_change_leaves_no_stale_taggers(tmp_path: Path):
    db = dbmod.connect(tmp_path / "m.db")
    stories.add_story_file(db, _story(tmp_path / "a.toml", term="talks"))
    assert _terms(db) == ["talks"]
    with pytest.raises(RuntimeError), db.atomic():
        stories.add_story_file(db, _story(tmp_path / "b.toml", term="truce"))
        assert _terms(db) == ["truce"]
        raise RuntimeError("undo")
    # a later change is seen, whatever number the rolled-back one had (no read between)
    stories.add_story_file(db, _story(tmp_path / "c.toml", term="ceasefire"))
    assert _terms(db) == ["ceasefire"]
    with pytest.raises(RuntimeError), db.atomic():
        stories.add_story_file(db, _story(tmp_path / "d.toml", term="truce"))
        assert _terms(db) == ["truce"]
        raise RuntimeError("undo")
    assert _terms(db) == ["ceasefire"]


def test_callers_get_their_own_dict(tmp_path: Path):
    db = dbmod.connect(tmp_path / "m.db")
    stories.ensure_builtin(db)
    first = load_taggers(db)
    first.clear()
    assert load_taggers(db)


def test_unchanged_stories_are_not_read_again(tmp_path: Path):
    """Storing a version asks for the taggers twice: the 100+ KB definitions are read
    once, then only the generation is."""
    db = dbmod.connect(tmp_path / "m.db")
    stories.ensure_builtin(db)
    load_taggers(db)
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        load_taggers(db)
        load_taggers(db)
    finally:
        db.conn.set_trace_callback(None)
    assert seen and all("stories_generation" in sql for sql in seen)
