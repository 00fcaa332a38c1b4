"""Term matching (boundaries, case, Unicode, inflections) and boolean relevance rules."""

from __future__ import annotations

import re

import pytest

from monitor.themes import matching, rules
from monitor.themes.rules import RuleError


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
    from monitor.themes import stories

    story = stories.builtin_stories()["pakistan-taliban"]
    assert story.is_relevant("Pakistan strikes TTP hideouts in Afghanistan")
    assert not story.is_relevant("Pakistan beat Afghanistan at cricket in Sharjah")
    assert story.is_relevant("TTP attack on a cricket ground in Pakistan, Afghan links probed")


# -- the one-scan evaluation (matching.TermScanner, rules.Rule) equals the plain one

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORD = st.text("aesdyikn", min_size=1, max_size=5)
_TERM = st.builds(
    lambda words, seps, star: "".join(w + s for w, s in zip(words, seps, strict=False)) + star,
    st.lists(_WORD, min_size=1, max_size=3),
    st.lists(st.sampled_from([" ", "-", " "]), min_size=3, max_size=3),
    st.sampled_from(["", "", "*"]),
).map(lambda t: t.strip(" -") or "a")
_GLUE = st.sampled_from([" ", " ", "-", "'", "’s", "'s ", "\n", ", ", "_", "s", "es", "ing "])


def _texts(terms: list[str]) -> st.SearchStrategy[str]:
    """Texts made of the terms themselves (whole, or cut), inflections and separators,
    so that terms occur, overlap and touch."""
    piece = st.one_of(
        st.sampled_from(terms).map(lambda t: t.rstrip("*")),
        st.sampled_from(terms).flatmap(
            lambda t: st.integers(0, len(t)).map(lambda i: t.rstrip("*")[i:])
        ),
        _WORD,
        _GLUE,
    )
    return st.lists(piece, max_size=12).map("".join)


def _node(terms: list[str]) -> st.SearchStrategy[rules.Node]:
    near = st.tuples(st.sampled_from(terms), st.sampled_from(terms), st.integers(1, 4)).map(
        lambda x: rules.Near(rules.Term(x[0]), rules.Term(x[1]), x[2])
    )
    return st.recursive(
        st.one_of(st.sampled_from(terms).map(rules.Term), near),
        lambda children: st.one_of(
            children.map(rules.Not),
            st.lists(children, min_size=2, max_size=4).map(lambda c: rules.And(tuple(c))),
            st.lists(children, min_size=2, max_size=4).map(lambda c: rules.Or(tuple(c))),
        ),
        max_leaves=8,
    )


@settings(max_examples=200, deadline=None)
@given(st.data(), st.lists(_TERM, min_size=1, max_size=6))
def test_term_scanner_answers_as_contains(data: st.DataObject, terms: list[str]):
    scanner = matching.TermScanner(terms)
    for text in data.draw(st.lists(_texts(terms), min_size=1, max_size=4)):
        presence = scanner.scan(text)
        for term in terms:
            assert presence.has(term) is matching.contains(term, text), (term, text)


@settings(max_examples=200, deadline=None)
@given(st.data(), st.lists(_TERM, min_size=1, max_size=6))
def test_compiled_rule_answers_as_the_plain_rule(data: st.DataObject, terms: list[str]):
    node = data.draw(_node(terms))
    rule = rules.Rule(node)
    for text in data.draw(st.lists(_texts(terms), min_size=1, max_size=4)):
        assert rule.matches(text) is node.matches(text), text


@pytest.mark.parametrize(
    ("terms", "text", "term"),
    [
        # hidden by a longer phrase starting at the same place
        (["Khyber Pakhtunkhwa", "Khyber"], "in Khyber Pakhtunkhwa today", "Khyber"),
        # starting inside another term's match
        (["Khyber Pakhtunkhwa", "Pakhtunkhwa"], "in Khyber Pakhtunkhwa today", "Pakhtunkhwa"),
        # the 's after a possessive
        (["TTP", "s"], "the TTP's men", "s"),
        # a term that matches the empty string is checked on its own
        (["*", "a"], "a, b", "*"),
    ],
)
def test_term_scanner_finds_overlapping_terms(terms: list[str], text: str, term: str):
    presence = matching.TermScanner(terms).scan(text)
    assert matching.contains(term, text)
    assert presence.has(term)


def test_term_scanner_reports_absent_terms():
    presence = matching.TermScanner(["Khyber Pakhtunkhwa", "Pakhtunkhwa", "Kabul"]).scan(
        "Khyber Pakhtunkhwa"
    )
    assert presence.has("Pakhtunkhwa") and not presence.has("Kabul")
    assert not matching.TermScanner(["Kabul"]).scan("nothing here").has("Kabul")


def test_compiled_rule_on_the_builtin_rule():
    rule = rules.compile_rule(RULE)
    for text, expected in [
        ("Islamabad warns the Taliban", True),
        ("Pakistan and the Taliban talk cricket", False),
        ("Taliban in Kabul", False),
    ]:
        assert rule.matches(text) is expected
