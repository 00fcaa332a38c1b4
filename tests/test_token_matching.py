"""The token engine (:mod:`monitor.themes.tokenmatch`) answers exactly as the regexes.

Random term sets (wildcards, acronyms, multi-word and hyphenated terms, words
with -y/-e forms, possessives, Arabic script, terms only a regex can read such as
"U.S." or "chargé", letters with special case rules) against random texts built
from their surface forms and noise: the alternation's matches, every term's
places, relevance rules (NEAR/AND/OR/NOT, lemmas) and whole taxonomies must equal
the reference engine (``fast=False``, the plain regex scans).
"""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import matching, rules, taxonomy, tokenmatch
from monitor.themes.taxonomy_file import parse_theme

WORDS = [
    "peace",
    "talks",
    "talk",
    "strike",
    "army",
    "armies",
    "police",
    "Taliban",
    "TTP",
    "US",
    "KP",
    "T20",
    "Pak",
    "PAKISTAN",
    "flee",
    "seize",
    "refugee",
    "deport*",
    "militant*",
    "bomb",
    "bus",
    "Durand",
    "line",
    "حملہ",
    "طالبان",
    "پاکستان",
    "U.S.",
    "D.I.",
    "chargé",
    "d’affaires",
    "café",
    "Zürich",
    "ſtate",
    "state",
    "kelvin",
]
JOINS = [" ", "-", " - ", "\n", "  ", "–"]


@st.composite
def term_lists(draw: st.DrawFn) -> list[str]:
    terms: list[str] = []
    for _ in range(draw(st.integers(1, 10))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
        join = draw(st.sampled_from([" ", "-"]))
        terms.append(join.join(words))
    return terms


def _surface(word: str, how: int) -> str:
    word = word.replace("*", draw_suffix(how))
    forms = [
        word,
        word.upper(),
        word.lower(),
        word.title(),
        word + "s",
        word + "es",
        word + "ed",
        word + "d",
        word + "ing",
        word + "'s",
        word + "’S",
        word[:-1] + "ies" if word.endswith("y") else word + "y's",
        word[:-1] + "ing" if word.endswith("e") else word + "e's",
        word + "'sx",
        word + "_",
        "x" + word,
        word.replace("s", "ſ"),
        word.replace("k", "\u212a"),
    ]
    return forms[how % len(forms)]


def draw_suffix(how: int) -> str:
    return ["", "ing", "ed", "s"][how % 4]


NOISE = ["the", ",", ".", "'", "’", "-", "—", "2024", "é", "İ", "e\u0301", "__", "s", "S", "ſ"]


@st.composite
def texts_for(draw: st.DrawFn, terms: list[str]) -> str:
    words = [w for t in terms for w in re.split(r"[\s-]+", t) if w] + WORDS[:6]
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 30))):
        if draw(st.integers(0, 3)):
            parts.append(_surface(draw(st.sampled_from(words)), draw(st.integers(0, 17))))
        elif draw(st.booleans()):
            parts.append(draw(st.sampled_from(NOISE)))
        else:
            parts.append(draw(st.text(max_size=4)))
        parts.append(draw(st.sampled_from([*JOINS, "", ", ", "'", "/"])))
    return "".join(parts)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[str], str]:
    terms = draw(term_lists())
    return terms, draw(texts_for(terms))


def _reference(terms: list[str], text: str) -> list[tuple[int, int, str]]:
    pattern, ordered = matching.alternation(terms)
    return [
        (m.start(), m.end(), ordered[int(str(m.lastgroup)[1:])]) for m in pattern.finditer(text)
    ]


@settings(max_examples=200, deadline=None)
@given(cases())
def test_finditer_and_places_equal_the_regexes(case: tuple[list[str], str]):
    terms, text = case
    engine = tokenmatch.TokenTerms(terms)
    reference = matching.TermScanner(terms, fast=False)
    if not engine.on:  # ("state" and "ſtate" together: the regex engine's job)
        assert isinstance(tokenmatch.scanner(terms), matching.TermScanner)
        return
    assert engine.ordered == matching.alternation(terms)[1]
    assert engine.finditer(text) == _reference(terms, text)
    assert engine.places(text) == reference.places(text)
    scanner = tokenmatch.scanner(terms)
    assert scanner.found(text) == reference.found(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WORDS), st.integers(0, 17), st.sampled_from(["", " talks", "-line", "."]))
def test_one_word_forms_equal_its_pattern(word: str, how: int, after: str):
    text = "a " + _surface(word, how) + after
    terms = [word, word + " talks", word + "-line"]
    engine = tokenmatch.TokenTerms(terms)
    if engine.on:
        assert engine.finditer(text) == _reference(terms, text)


def _rule_texts(terms: list[str]) -> st.SearchStrategy[str]:
    return texts_for(terms)


@st.composite
def rule_cases(draw: st.DrawFn) -> tuple[str, str]:
    terms = draw(term_lists())
    quoted = [f'"{t}"' if (" " in t or "-" in t) else t for t in terms]
    parts = [quoted[0]]
    for term in quoted[1:]:
        op = draw(st.sampled_from(["AND", "OR", "NOT", "", "NEAR/3", "OR NOT"]))
        parts.append(f"{op} {term}" if op else term)
    rule = " ".join(parts)
    if draw(st.booleans()):
        rule = f"({rule}) OR fled"
    return rule, draw(texts_for([*terms, "flee", "fled"]))


@settings(max_examples=200, deadline=None)
@given(rule_cases())
def test_rules_equal_the_reference(case: tuple[str, str]):
    rule, text = case
    try:
        fast = rules.compile_rule(rule)
    except rules.RuleError:
        return
    slow = rules.compile_rule(rule, fast=False)
    assert fast.matches(text) == slow.matches(text)
    assert fast.found(text) == slow.found(text)
    assert fast.scanner.places(text) == slow.scanner.places(text)


@st.composite
def taxonomy_cases(draw: st.DrawFn) -> tuple[list[taxonomy.Theme], str]:
    themes: list[taxonomy.Theme] = []
    every: list[str] = []
    for n in range(draw(st.integers(1, 3))):
        terms = draw(term_lists())
        every += terms
        raw: dict[str, object] = {"slug": f"t{n}", "terms": terms, "min_score": 1}
        if draw(st.booleans()):
            raw["context"] = draw(term_lists())
        if draw(st.booleans()):
            raw["exclude"] = [draw(st.sampled_from(WORDS))]
        if draw(st.booleans()):
            raw["terms"] = [
                *terms[1:],
                {"term": terms[0], "near": draw(term_lists()), "within": 4},
            ]
        themes.append(parse_theme(raw, "test"))
    return themes, draw(texts_for(every))


@settings(max_examples=200, deadline=None)
@given(taxonomy_cases())
def test_taxonomies_equal_the_reference(case: tuple[list[taxonomy.Theme], str]):
    themes, text = case
    fast = taxonomy.CompiledTaxonomy(themes)
    slow = taxonomy.CompiledTaxonomy(themes, fast=False)
    got, expected = fast.explain(text), slow.explain(text)
    assert got == expected
    assert [list(s.terms.items()) for s in got] == [list(s.terms.items()) for s in expected]


def test_examples_by_hand():
    terms = ["peace talks", "talk", "army chief", "U.S.", "Taliban", "deport*", "TTP"]
    engine = tokenmatch.TokenTerms(terms)
    assert engine.on
    for text in (
        "The army's chief and the Taliban's peace-talks; U.S. deportees, ttp and TTP's men",
        "army’S chief Talibans'talks peace – talks ARMY  chief",
        "ſtate TALKS Talk's talking talked talks’s",
    ):
        assert engine.finditer(text) == _reference(terms, text)
    # special case letters: the token engine hands such a set to the regexes
    assert not tokenmatch.TokenTerms(["state", "ſtate"]).on
    assert not tokenmatch.TokenTerms(["#tag"]).on
    assert isinstance(tokenmatch.scanner(["*", "peace"]), tokenmatch.TokenScanner)


def test_an_acronym_begins_only_where_it_is_written_so():
    """A case-sensitive first word ("IS" of "IS-K") is no candidate at "is": the most
    common words of a text are not read on for a term that cannot match there."""
    terms = ["IS-K", "TTP", "US envoy", "talks"]
    engine = tokenmatch.TokenTerms(terms)
    assert sorted(engine.judge({"is", "IS", "ttp", "TTP", "us", "US", "Talks"})) == [
        "IS",
        "TTP",
        "Talks",
        "US",
    ]
    text = "It is IS-K, is-k and ttp, TTP's men; the US envoy, us envoy. Talks"
    assert engine.finditer(text) == _reference(terms, text)
    assert [t for _, _, t in engine.finditer(text)] == ["IS-K", "TTP", "US envoy", "talks"]


def test_building_the_builtin_taxonomy_compiles_no_regex():
    """The point of the engine: building costs milliseconds, not a second."""
    from monitor.themes import stories

    parsed = taxonomy.parse_themes(stories.builtin_stories()["pakistan-taliban"])
    taxonomy.CompiledTaxonomy(parsed)  # (the lemmatiser's dictionaries load once)
    re.purge()
    started = time.process_time()
    compiled = taxonomy.CompiledTaxonomy(parsed)
    took = time.process_time() - started
    assert compiled.engine is not None and compiled.pattern is None
    assert took < 0.5, took  # (about 0.04 s; a regex build took about 0.8 s)
