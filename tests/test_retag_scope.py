"""retag re-tags only what a taxonomy edit can affect, and the result is exactly a full retag.

Random edits (terms added and dropped, weights, thresholds, context, exclude and
``near`` words, themes added, dropped and reordered, the relevance rule) are applied
to a story whose tags were recorded by a retag; the incremental retag must leave the
same ``version_themes`` rows as re-tagging everything from scratch. Versions stored
between two edits (tagged on store with the taxonomy of the moment) are covered too.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import add_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import derive
from monitor.store import db as dbmod
from monitor.themes import retag_scope, stories
from monitor.themes.taxonomy_file import Theme

SENTENCES = [
    "Peace talks in Doha stalled again.",
    "A ceasefire was agreed at the Doha talks.",
    "Villagers fled the air strikes near the border.",
    "The Taliban's envoy said the talks would resume.",
    "Air strikes hit TTP hideouts in Paktika.",
    "Refugees fled across the border crossing at Torkham.",
    "Food aid trucks were seized by militants.",
    "Women and children were killed in the attack.",
    "Militants struck a border post; soldiers were wounded.",
    "Traders said exports halted as the crossing stayed closed.",
    "The refugee's family had fled twice before.",
    "Cricket fans cheered the T20 match in Sharjah.",
]
TERMS = [
    "talks",
    "peace talks",
    "Doha",
    "Doha talks",
    "flee",
    "fled",
    "strike",
    "air strike*",
    "refugee*",
    "border",
    "border crossing",
    "crossing",
    "TTP",
    "Taliban",
    "ceasefire",
    "attack",
    "militant*",
    "aid",
    "food aid",
    "trucks",
    "exports",
    "seize",
    "children",
    "women and children",
    "envoy",
    "cricket",
    "Torkham",
    "hideout*",
]
RULES = ["Taliban OR TTP OR Doha", "Taliban OR TTP", "refugees OR trucks OR Doha", "NOT Doha", ""]
BASE: list[dict[str, Any]] = [
    {"slug": "talks", "terms": {"talks": 1.0, "peace talks": 2.0, "Doha": 1.0}, "min_score": 2.0},
    {
        "slug": "strikes",
        "terms": {"strike": 1.0, "air strike*": 2.0, "militant*": 1.0, "TTP": 1.0},
        "context": ["border", "Paktika"],
        "min_score": 2.0,
    },
    {
        "slug": "refugees",
        "terms": {"refugee*": 2.0, "flee": 1.0, "border crossing": 1.0},
        "exclude": ["cricket"],
        "min_score": 2.0,
    },
]


def story_toml(rule: str, themes: list[dict[str, Any]]) -> str:
    out = ['slug = "st"', 'name = "Test story"', f"rule = {json.dumps(rule)}"]
    for t in themes:
        out += ["", "[[themes]]", f'slug = "{t["slug"]}"']
        items = []
        for term, weight in t["terms"].items():
            extra = ""
            if term in t.get("near", {}):
                words, within = t["near"][term]
                extra = f", near = {json.dumps(words)}, within = {within}"
            items.append(f"{{term = {json.dumps(term)}, weight = {weight}{extra}}}")
        out.append(f"terms = [{', '.join(items)}]")
        for key in ("context", "exclude"):
            if t.get(key):
                out.append(f"{key} = {json.dumps(t[key])}")
        out.append(f"min_score = {t['min_score']}")
    return "\n".join(out) + "\n"


def edit(data: st.DataObject, rule: str, themes: list[dict[str, Any]]) -> tuple[str, list]:
    """One to three random edits of a taxonomy (a copy)."""
    themes = json.loads(json.dumps(themes))
    for _ in range(data.draw(st.integers(1, 3))):
        op = data.draw(
            st.sampled_from(
                ["add", "drop", "weight", "min", "context", "exclude", "near", "theme", "rule"]
            )
        )
        if op == "rule":
            rule = data.draw(st.sampled_from(RULES))
            continue
        if op == "theme" or not themes:
            if themes and data.draw(st.booleans()):
                themes.pop(data.draw(st.integers(0, len(themes) - 1)))
            elif themes and data.draw(st.booleans()):
                themes.reverse()
            else:
                terms = data.draw(st.lists(st.sampled_from(TERMS), min_size=1, max_size=4))
                slug = f"t{len(themes)}{data.draw(st.integers(0, 99))}"
                if slug not in {t["slug"] for t in themes}:
                    themes.append(
                        {"slug": slug, "terms": dict.fromkeys(terms, 1.0), "min_score": 1.0}
                    )
            continue
        t = themes[data.draw(st.integers(0, len(themes) - 1))]
        names = list(t["terms"])
        if op == "add":
            t["terms"][data.draw(st.sampled_from(TERMS))] = data.draw(
                st.sampled_from([0.5, 1.0, 3.0])
            )
        elif op == "drop" and len(names) > 1:
            del t["terms"][data.draw(st.sampled_from(names))]
            t.get("near", {}).clear()
        elif op == "weight":
            t["terms"][data.draw(st.sampled_from(names))] = data.draw(
                st.sampled_from([0.5, 2.0, 4.0])
            )
        elif op == "min":
            t["min_score"] = data.draw(st.sampled_from([1.0, 2.0, 3.0, 5.0]))
        elif op == "context":
            t["context"] = data.draw(st.lists(st.sampled_from(TERMS), max_size=2, unique=True))
        elif op == "exclude":
            t["exclude"] = data.draw(st.lists(st.sampled_from(TERMS), max_size=2, unique=True))
        elif op == "near":
            term = data.draw(st.sampled_from(names))
            word = data.draw(st.sampled_from(TERMS))
            if word != term:
                t.setdefault("near", {})[term] = ([word], data.draw(st.sampled_from([2, 6])))
    return rule, themes


def all_tags(db) -> list[tuple]:
    return db.execute(
        "select version_id, story, theme, score, evidence from version_themes order by 1, 2, 3"
    ).fetchall()


def set_story(db, folder: Path, rule: str, themes: list[dict[str, Any]]) -> None:
    path = folder / "st.toml"
    path.write_text(story_toml(rule, themes), "utf-8")
    stories.add_story_file(db, path)


def add_some(db, rng: random.Random, start: int, count: int) -> None:
    for i in range(start, start + count):
        text = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
        story = ["st", None, "pakistan-taliban"][i % 3]
        add_article(db, f"https://s/{i}", rng.choice(SENTENCES), text, story=story)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scope")
    path = folder / "base.db"
    db = dbmod.connect(path)
    stories.ensure_builtin(db)
    set_story(db, folder, RULES[0], BASE)
    add_some(db, random.Random(3), 0, 45)
    derive.retag(db, every=True)  # records the taxonomy the tags were computed with
    db.close()
    return path


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(derive, "PAUSE_S", 0.0)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incremental_retag_equals_a_full_one(base, data):
    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copy(base, folder / "a.db")
        db = dbmod.connect(folder / "a.db")
        rule, themes = edit(data, RULES[0], BASE)
        set_story(db, folder, rule, themes)
        if data.draw(st.booleans()):
            derive.retag(db, batch=data.draw(st.sampled_from([4, 1000])))
        # versions stored with the taxonomy of the moment, then another edit
        add_some(db, random.Random(data.draw(st.integers(0, 9))), 100, 6)
        rule, themes = edit(data, rule, themes)
        set_story(db, folder, rule, themes)
        derive.retag(db, batch=data.draw(st.sampled_from([5, 1000])))
        incremental = all_tags(db)
        db.close()
        shutil.copy(folder / "a.db", folder / "b.db")
        full = dbmod.connect(folder / "b.db")
        derive.retag(full, every=True)
        assert incremental == all_tags(full)
        full.close()
    finally:
        shutil.rmtree(folder)


def test_an_edit_retags_only_the_versions_holding_its_words(base, tmp_path):
    shutil.copy(base, tmp_path / "a.db")
    db = dbmod.connect(tmp_path / "a.db")
    themes = json.loads(json.dumps(BASE))
    themes[0]["terms"]["ceasefire"] = 2.0  # a term added to 'talks'
    set_story(db, tmp_path, RULES[0], themes)
    result = derive.retag(db)
    words = ("talks", "Doha", "ceasefire")  # the theme's terms: what the edit can change
    holding = sum(
        any(w.lower() in f"{title} {text}".lower() for w in words)
        for title, text in db.execute(
            "select v.title, v.text from versions v join articles a on a.id = v.article_id "
            "where a.story = 'st' or a.story is null"
        ).fetchall()
    )
    assert result.stories == ["st"]
    assert 0 < result.versions <= holding and result.skipped > 0
    again = derive.retag(db)  # no change since: nothing to do
    assert (again.stories, again.versions, again.skipped) == ([], 0, 0)


def test_a_spec_reads_back_as_the_same_themes():
    theme = Theme(
        "a",
        "A",
        terms={"x": 1.5, "y z": 2.0},
        context=["c"],
        context_groups=[["c"]],
        exclude=["e"],
        near={"x": (["n"], 4)},
        not_near={"y z": (["m"], 3)},
    )
    assert retag_scope.from_spec(retag_scope.spec("x OR y", [theme])) == ("x OR y", [theme])


def test_a_reordering_of_the_words_that_stay_retags_everything():
    a = Theme("a", "A", terms={"herat": 1.0})
    b = Theme("b", "B", terms={"kabul": 1.0})
    assert retag_scope.changed_words([a, b], [a, b]) == (set(), ["herat", "kabul"])
    assert retag_scope.changed_words([a, b], [b, a]) is None


def test_versions_tagged_between_an_edit_and_its_undoing_are_retagged(base, tmp_path):
    """The taxonomy is the one of the last retag again, but versions stored meanwhile
    were tagged with the edit in between: they are re-tagged (found by hypothesis)."""
    shutil.copy(base, tmp_path / "a.db")
    db = dbmod.connect(tmp_path / "a.db")
    set_story(db, tmp_path, RULES[2], BASE)  # another rule for a while
    add_some(db, random.Random(0), 100, 6)
    set_story(db, tmp_path, RULES[0], BASE)  # and back
    result = derive.retag(db)
    assert "st" in (result.stories or []) and result.versions > 0
    incremental = all_tags(db)
    db.close()
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    full = dbmod.connect(tmp_path / "b.db")
    derive.retag(full, every=True)
    assert incremental == all_tags(full)
