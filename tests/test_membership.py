"""Stories are many-to-many: an article belongs to every story whose rule it matches or
which files it (--story, its feed); every --story filter and the stories list count use
membership; adding a story re-evaluates what is stored."""

from __future__ import annotations

import json

import pytest

SECOND = """slug = "border-trade"
name = "Border trade"
rule = '(Torkham OR Chaman) AND (trade OR trucks OR traders)'
"""


@pytest.fixture
def stored(invoke, tmp_path):
    articles = [
        # matches the built-in story's rule, added without --story
        (
            "a1",
            "Pakistan warns Taliban over TTP havens",
            "Islamabad said Kabul must act against the TTP militants sheltering in Afghanistan.",
        ),
        # matches both stories' rules
        (
            "a2",
            "Torkham closure strands trucks as Pakistan and Taliban trade accusations",
            "Hundreds of trucks and traders wait at Torkham after Pakistan closed the crossing "
            "following clashes with Afghan Taliban forces over TTP attacks.",
        ),
        # matches neither
        ("a3", "Monsoon rains lash Lahore", "Heavy rain flooded streets in Lahore on Monday."),
    ]
    for name, title, text in articles:
        path = tmp_path / f"{name}.txt"
        path.write_text(
            f"Title: {title}\nURL: https://news.example/{name}\nSource: Dawn\n\n{text}\n"
        )
        assert invoke("add", str(path)).exit_code == 0
    return tmp_path


def ids(result) -> list[int]:
    return sorted(row["id"] for row in json.loads(result.stdout))


def test_rule_matched_articles_belong_to_the_story(invoke, stored):
    assert ids(invoke("list", "--story", "pakistan-taliban", "--json")) == [1, 2]
    assert ids(invoke("search", "Pakistan", "--story", "pakistan-taliban", "--json")) == [1, 2]
    rows = json.loads(
        invoke("export", "articles", "--story", "pakistan-taliban", "--format", "json").stdout
    )
    assert sorted(r["id"] for r in rows) == [1, 2]
    counts = {
        r["slug"]: r["articles"] for r in json.loads(invoke("stories", "list", "--json").stdout)
    }
    assert counts["pakistan-taliban"] == 2


def test_adding_a_story_reevaluates_stored_articles_and_both_hold_one(invoke, stored):
    story = stored / "border-trade.toml"
    story.write_text(SECOND)
    result = invoke("stories", "add", str(story))
    assert result.exit_code == 0 and "1 stored articles joined it, 0 left" in result.stdout
    assert ids(invoke("list", "--story", "border-trade", "--json")) == [2]
    assert ids(invoke("list", "--story", "pakistan-taliban", "--json")) == [1, 2]
    changes = json.loads(
        invoke("changes", "--since", "2000-01-01", "--story", "border-trade", "--json").stdout
    )
    assert [a["id"] for a in changes["new_articles"]["top"]] == [2]
    # a narrower rule lets the article go
    story.write_text(SECOND.replace("(Torkham OR Chaman)", "Chaman"))
    result = invoke("stories", "add", str(story))
    assert "0 stored articles joined it, 1 left" in result.stdout
    assert ids(invoke("list", "--story", "border-trade", "--json")) == []


def test_filed_articles_stay_whatever_the_rule_says(invoke, tmp_path):
    path = tmp_path / "filed.txt"
    path.write_text("Title: Monsoon rains lash Lahore\n\nHeavy rain flooded streets.\n")
    assert invoke("add", str(path), "--story", "pakistan-taliban").exit_code == 0
    assert ids(invoke("list", "--story", "pakistan-taliban", "--json")) == [1]


def test_show_why_lists_tags_and_near_misses(invoke, stored):
    result = invoke("show", "2", "--why")
    assert result.exit_code == 0, result.stderr
    assert "story pakistan-taliban (its rule matches)" in result.stdout
    assert "border-clashes" in result.stdout and "needs" in result.stdout
    data = json.loads(invoke("show", "2", "--why", "--json").stdout)
    story = data[0]
    assert story["tags"] and all(t["tagged"] for t in story["tags"])
    assert all(not m["tagged"] and m["short_by"] >= 0 for m in story["near_misses"])
