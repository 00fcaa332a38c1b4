"""Term matching (boundaries, case, Unicode, inflections) and boolean relevance rules."""

from __future__ import annotations

import re

import pytest

from monitor import matching, rules
from monitor.rules import RuleError


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("negotiation", "fresh negotiations began", True),
        ("negotiations", "one negotiation", True),
        ("attack", "militants attacked a post", True),
        ("attack", "the attacker fled", False),
        ("strike", "airstrikes and strikes", True),
        ("airstrike", "air strikes", False),
        ("casualty", "civilian casualties", True),
        ("TTP", "the TTP's leader", True),
        ("TTP", "http://ttpx.example", False),
        ("Pakistan", "PAKISTAN and pakistan", True),
        ("Pakistan", "Pakistani officials", False),
        ("Türkiye", "talks in TÜRKIYE", True),
        ("peace talks", "peace\n talks", True),
        ("cross-border", "cross border raids", True),
        ("negotiat*", "negotiators", True),
        ("Kabul", "Kabulistan", False),
        ("پاکستان", "وزیر اعظم پاکستان نے کہا", True),
    ],
)
def test_contains(term: str, text: str, expected: bool):
    assert matching.contains(term, text) is expected


def test_find_all_counts_occurrences():
    assert len(matching.find_all("talk", "Talks, talks and more talk")) == 3


def test_alternation_counts_each_term_and_prefers_longer():
    pattern, ordered = matching.alternation(["talks", "peace talks", "Qatar"])
    counts = matching.count_terms(pattern, ordered, "Peace talks in Qatar; talks resume. qatar")
    assert counts == {"peace talks": 1, "talks": 1, "Qatar": 2}


RULE = '(Pakistan OR Islamabad) AND (Taliban OR "Durand Line") NOT cricket'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Islamabad warns the Taliban", True),
        ("Pakistan shells posts on the Durand Line", True),
        ("Pakistan beat Afghanistan", False),
        ("Taliban in Kabul", False),
        ("Pakistan and the Taliban talk cricket", False),
    ],
)
def test_rule_evaluation(text: str, expected: bool):
    assert rules.matches(RULE, text) is expected


def test_adjacent_terms_mean_and_and_precedence():
    assert rules.matches("Pakistan Taliban", "Taliban meet Pakistan")
    assert not rules.matches("Pakistan Taliban", "Pakistan only")
    # AND binds tighter than OR
    assert rules.matches("a1x OR Pakistan AND Taliban", "a1x")
    assert rules.matches("NOT NOT Kabul", "Kabul")
    assert rules.matches("“Durand Line”", "the Durand  Line")


def test_empty_rule_keeps_everything():
    assert rules.matches("", "anything") and rules.matches(None, "x")


def test_terms_lists_positive_terms_only():
    node = rules.parse_rule(RULE)
    assert node.terms() == ["Pakistan", "Islamabad", "Taliban", "Durand Line"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("(Pakistan OR Kabul", "unbalanced '('"),
        ("Pakistan)", "unbalanced ')'"),
        ('"Durand Line', "unbalanced quote"),
        ("Pakistan AND", "ends after an operator"),
        ("OR Kabul", "unexpected 'OR'"),
        ('""', "empty quoted phrase"),
        ("   ", "empty"),
    ],
)
def test_bad_rules_raise_clear_errors(rule: str, message: str):
    with pytest.raises(RuleError, match=re.escape(message)):
        rules.parse_rule(rule)


def test_bad_rule_in_story_file_is_one_line_error(tmp_path, invoke):
    path = tmp_path / "s.toml"
    path.write_text('slug = "s"\nname = "S"\nrule = "(Pakistan OR Kabul"\n', "utf-8")
    result = invoke("stories", "add", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr and "unbalanced '('" in result.stderr


def test_builtin_rule_keeps_story_and_drops_cricket():
    from monitor import stories

    story = stories.builtin_stories()["pakistan-taliban"]
    assert story.is_relevant("Pakistan strikes TTP hideouts in Afghanistan")
    assert not story.is_relevant("Pakistan beat Afghanistan at cricket in Sharjah")
    assert story.is_relevant("TTP attack on a cricket ground in Pakistan, Afghan links probed")
