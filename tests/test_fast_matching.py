"""The fast matching paths give exactly the answers of the plain scans they replace.

The taxonomy and the rule find terms by word lookups
(:mod:`monitor.themes.tokenmatch`); :class:`monitor.themes.matching.Gate` tries an
alternation only where a word can begin a term; ``fast=False`` keeps the plain
``pattern.finditer`` scan as the reference. These tests compare the two on random texts built from the built-in
taxonomy's own vocabulary (inflected, hyphenated, in capitals, Urdu) mixed with
noise, and on the development set when it is present.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import lemmas, matching, rules, stories, tagger, taxonomy

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "dev"


@lru_cache(maxsize=1)
def _story() -> stories.Story:
    return stories.builtin_stories()["pakistan-taliban"]


@lru_cache(maxsize=1)
def _pair() -> tuple[taxonomy.CompiledTaxonomy, taxonomy.CompiledTaxonomy]:
    parsed = taxonomy.parse_themes(_story())
    return taxonomy.CompiledTaxonomy(parsed), taxonomy.CompiledTaxonomy(parsed, fast=False)


@lru_cache(maxsize=1)
def _rules() -> tuple[rules.Rule, rules.Rule]:
    rule = _story().rule
    return rules.compile_rule(rule), rules.compile_rule(rule, fast=False)


@lru_cache(maxsize=1)
def _vocabulary() -> list[str]:
    fast, _ = _pair()
    return [*fast.ordered, *rules.all_terms(_rules()[0].node)]


def _variant(word: str, how: int) -> str:
    """A surface form of a vocabulary word: as written, in capitals, inflected, hyphenated…"""
    word = word.replace("*", "ing")
    return [
        word,
        word.upper(),
        word.lower(),
        word.title(),
        word + "s",
        word + "ed",
        word + "'s",
        word + "’s",
        word.replace(" ", "-"),
        word.replace(" ", "\n\n"),
        word.replace("-", " "),
        word[:-1],
        word + "x",
        "x" + word,
        word + "_",
    ][how]


NOISE = [
    "the",
    "said",
    "a",
    ",",
    ".",
    "—",
    "-",
    "'s",
    "__",
    "2024",
    "ſtrike",
    "KP",
    "İstanbul",
    "Zürich",
    "naïve",
    "café",
    "e\u0301",
    "حملے",
    "حملوں",
    "پاکستانی",
    "طالبان",
    "کے",
    "ﷲ",
    "fled",
    "struck",
    "evacuees",
    "US",
    "us",
    "\n",
    "\n\n",
    "  ",
]

SEPARATORS = [" ", " ", " ", "\n", "\n\n", "-", ", ", ". ", "", "'", "/"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    vocab = _vocabulary()
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        if draw(st.booleans()):
            parts.append(_variant(draw(st.sampled_from(vocab)), draw(st.integers(0, 14))))
        elif draw(st.integers(0, 4)) == 0:
            parts.append(draw(st.text(max_size=6)))
        else:
            parts.append(draw(st.sampled_from(NOISE)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def _terms(matches: Iterable[re.Match[str]], ordered: list[str]) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), ordered[int(str(m.lastgroup)[1:])]) for m in matches]


def _exact(scores: list[taxonomy.ThemeScore]) -> list[tuple[object, ...]]:
    """Scores with the order of their evidence terms (JSON keeps it; == on dicts does not)."""
    return [(s, list(s.terms.items())) for s in scores]


def _same_everywhere(text: str) -> None:
    fast, slow = _pair()
    assert fast.engine is not None and slow.pattern is not None  # the token engine is on
    assert fast.engine.finditer(text) == _terms(slow.pattern.finditer(text), slow.ordered)
    assert _exact(fast.explain(text)) == _exact(slow.explain(text))
    rule_fast, rule_slow = _rules()
    assert rule_fast.matches(text) == rule_slow.matches(text)
    assert rule_fast.found(text) == rule_slow.found(text)
    assert rule_fast.scanner.places(text) == rule_slow.scanner.places(text)


@settings(max_examples=250, deadline=None)
@given(texts())
def test_fast_taxonomy_and_rule_equal_the_plain_scan(text: str):
    _same_everywhere(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["peace", "talks", "TTP", "ttp", "Doha"]), max_size=8), st.text())
def test_gate_equals_finditer_on_any_text(words: list[str], noise: str):
    pattern, ordered = matching.alternation(["peace talks", "talk", "TTP", "Doha*", "ſtate"])
    gate = matching.Gate(pattern, ordered)
    text = noise.join(words) + noise
    assert gate.finditer(text) == _spans(pattern.finditer(text))


def test_gate_is_off_where_its_reasoning_does_not_hold():
    # a term that starts with a non-word character can start anywhere
    pattern, ordered = matching.alternation(["#tag", "peace"])
    gate = matching.Gate(pattern, ordered)
    assert not gate.on
    assert gate.finditer("a#tag peace") == _spans(pattern.finditer("a#tag peace"))


def test_gate_tries_words_with_special_case_folding():
    # "ſ" (long s) matches "s" case-insensitively: the gate must not skip it
    pattern, ordered = matching.alternation(["strike"])
    gate = matching.Gate(pattern, ordered)
    text = "an ſtrike and a STRIKE and strikes"
    assert len(_spans(pattern.finditer(text))) == 3
    assert gate.finditer(text) == _spans(pattern.finditer(text))


def test_urdu_and_english_examples_agree():
    for text in (
        "پاکستان میں حملے کے بعد طالبان نے کہا",
        "Thousands fled as Pakistani troops seized the Torkham crossing.\n\nTTP's chief",
        "Afghan evacuees were deported; the TTP-linked militants struck Bannu",
    ):
        _same_everywhere(text)
    assert lemmas.tokens("x") is not None


def _dev_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("devset.csv", "negatives.csv"):
        with (DEV / name).open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


@pytest.mark.skipif(not (DEV / "devset.csv").exists(), reason="../shared/dev is not present")
def test_dev_set_tags_and_rule_answers_are_identical():
    fast, slow = _pair()
    rule_fast, rule_slow = _rules()
    for row in _dev_rows():
        doc = tagger.document(row["title"], row["summary"])
        assert _exact(fast.explain(doc)) == _exact(slow.explain(doc)), row["id"]
        assert rule_fast.matches(doc) == rule_slow.matches(doc), row["id"]


@settings(max_examples=200, deadline=None)
@given(texts())
def test_tokens_equal_the_word_by_word_reference(text: str):
    lemmas._LAST.clear()
    assert lemmas.tokens(text) == lemmas.tokens_reference(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=12), st.integers(0, 60), st.integers(1, 20))
def test_any_within_is_the_plain_distance_check(places: list[int], place: int, within: int):
    expected = any(abs(place - s) <= within for s in places)
    assert taxonomy._any_within(sorted(places), place, within) is expected


@settings(max_examples=200, deadline=None)
@given(texts())
def test_tag_is_the_tagged_part_of_explain(text: str):
    fast, slow = _pair()
    expected = [
        taxonomy.Hit(s.theme, s.score, s.terms, s.snippet, s.at)
        for s in slow.explain(text)
        if s.tagged
    ]
    got = fast.tag(text)
    assert got == expected
    assert [list(h.terms.items()) for h in got] == [list(h.terms.items()) for h in expected]
    # a stored tag keeps only where its snippet is: the snippet made from it is the same
    assert all(taxonomy.snippet(text, *h.at) == h.snippet for h in got)
