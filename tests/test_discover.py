"""`monitor themes discover`: recurring uncovered phrases and actors, across sources."""

from __future__ import annotations

import json

import pytest
from themes_helpers import add

from monitor.themes import discover, stories


def test_candidates_in_one_text():
    found, actors = discover.candidates_in(
        "Mullah Abdul Ghani Baradar met the envoy. The water dispute over the Kunar river grew."
    )
    assert found["mullah abdul ghani baradar"] == "actor"
    assert actors["mullah abdul ghani baradar"] == "Mullah Abdul Ghani Baradar"
    assert "kunar river" in found and "water dispute" in found
    assert "the envoy" not in found  # starts with a stopword
    assert "envoy the" not in found  # clauses split at punctuation


TEXT = (
    "Officials discussed the Kunar river water dispute with Mullah Abdul Ghani Baradar "
    "in Kabul on {}. Pakistan said the Taliban must act; peace talks were mentioned."
)


@pytest.fixture
def corpus(db):
    stories.ensure_builtin(db)
    for i in range(6):
        add(
            db,
            f"Report {i}",
            TEXT.format(f"day {i}") + (" Only Dawn says: Kurram Agency jirga." if i < 4 else ""),
            url=f"https://example.com/{i}",
            source="Dawn" if i < 4 else "Reuters",
        )
    return db


def test_discover_finds_uncovered_recurring_phrases(corpus):
    found = {c.phrase.lower(): c for c in discover.discover(corpus, "pakistan-taliban", 3, 50)}
    assert "mullah abdul ghani baradar" in found
    actor = found["mullah abdul ghani baradar"]
    assert (actor.articles, actor.sources, actor.kind) == (6, 2, "actor")
    assert "water dispute" in found
    # covered by taxonomy terms: never suggested
    assert "peace talks" not in found
    assert not any("kurram" in p for p in found)  # one source only (and Kurram is a term)
    assert "jirga" not in " ".join(found)  # only in one source
    # fragments of a longer candidate with the same count are folded into it
    assert "abdul ghani" not in found
    assert "river water dispute" not in found  # only extends "water dispute"


def test_discover_cli_text_and_json(corpus, invoke):
    result = invoke("themes", "discover", "--story", "pakistan-taliban", "--limit", "5")
    assert result.exit_code == 0
    assert '"Mullah Abdul Ghani Baradar"' in result.stdout
    assert "6 articles,  2 sources  (actor, lift" in result.stdout
    data = json.loads(invoke("themes", "discover", "--json", "--min-articles", "7").stdout)
    assert data == []
    data = json.loads(invoke("themes", "discover", "--json").stdout)
    assert {"phrase", "kind", "articles", "sources", "lift", "score"} == set(data[0])
    assert data[0]["score"] >= data[-1]["score"]


def test_discover_empty_db_says_so(invoke):
    assert invoke("init").exit_code == 0
    result = invoke("themes", "discover")
    assert result.exit_code == 0
    assert result.stdout == "" and "no candidates" in result.stderr


def test_covered_means_made_of_taxonomy_words_not_containing_one():
    cover = discover.Coverage(["safe haven", "Torkham", "seize", "border closure", "Afghan*"])
    assert cover.covers("safe havens")  # an inflection of the term
    assert cover.covers("border closures")
    assert cover.covers("seized")  # a lemma of the term
    assert cover.covers("Afghan border closure")  # words of the taxonomy only
    assert not cover.covers("Torkham tunnel")  # contains a term: still new
    assert not cover.covers("safe haven law")
    assert not cover.covers("Mullah Baradar")


def test_context_words_do_not_hide_actors(corpus):
    # "Baradar" and "Kabul" are context words of the built-in themes, not terms
    found = {c.phrase.lower() for c in discover.discover(corpus, "pakistan-taliban", 3, 50)}
    assert "mullah abdul ghani baradar" in found


def test_ranked_by_distinctiveness_against_general_english(db):
    stories.ensure_builtin(db)
    for i in range(5):
        add(
            db,
            f"Item {i}",
            "The prime minister spoke. Traders in the Tirah Valley waited for the road.",
            url=f"https://example.com/r{i}",
            source="Dawn" if i % 2 else "Reuters",
        )
    ranked = [c.phrase.lower() for c in discover.discover(db, "pakistan-taliban", 3, 50)]
    assert ranked.index("tirah valley") < ranked.index("prime minister")


def test_discover_for_a_theme_uses_its_articles_and_background(db, invoke):
    stories.ensure_builtin(db)
    for i in range(4):
        add(
            db,
            f"Afghan refugees deported {i}",
            "Pakistan deported Afghan refugees; holders of the Afghan Citizen Card "
            "waited at the Azakhel camp near Nowshera.",
            url=f"https://example.com/t{i}",
            source="Dawn" if i % 2 else "Reuters",
        )
        add(
            db,
            f"Talks {i}",
            "Peace talks in Doha; the Kurram road was closed by the Parachinar jirga.",
            url=f"https://example.com/o{i}",
            source="Dawn" if i % 2 else "Reuters",
        )
    found = [c.phrase for c in discover.discover(db, None, 3, 20, theme="refugees-deportations")]
    assert any("Azakhel" in p for p in found)
    assert not any("Parachinar" in p for p in found)  # not in the theme's articles
    result = invoke("themes", "discover", "--theme", "nope")
    assert result.exit_code == 1 and "theme 'nope'" in result.stderr
