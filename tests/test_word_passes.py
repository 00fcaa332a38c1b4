"""The finders that share one pass over a text's words (:mod:`monitor.themes.wordpass`)
answer exactly as each does on its own.

Random term sets and texts (those of ``tests/test_token_matching.py``: wildcards,
acronyms, phrases, possessives, Arabic script, letters with special case rules),
read in turn by several token engines and lemma indexes of one group, in any
order, texts repeated, members joining between texts, and a record cap so small
that the members empty their memos every few texts: every answer must equal the
same finder's without a group.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import lemmas, rules, taxonomy, tokenmatch, wordpass
from tests.test_token_matching import WORDS, taxonomy_cases, term_lists, texts_for

LEMMA_WORDS = ["flee", "fled", "seize", "seized", "strike", "struck", "refugee", "talks"]


def _pair(terms: list[str], group: wordpass.Passes, kind: int) -> tuple[object, object] | None:
    """A finder in the group and the same finder on its own."""
    if kind == 0:
        shared = tokenmatch.TokenTerms(terms, group)
        if not shared.on:
            assert shared.passes is None  # (an engine that cannot answer stays out)
            return None
        return shared, tokenmatch.TokenTerms(terms)
    shared_index = lemmas.LemmaIndex(terms, group)
    return shared_index, lemmas.LemmaIndex(terms)


def _answers(finder: object, text: str) -> object:
    if isinstance(finder, tokenmatch.TokenTerms):
        return (finder.scan(text), finder.places(text), finder.finditer(text), finder.counts(text))
    assert isinstance(finder, lemmas.LemmaIndex)
    return finder.find(lemmas.tokens(text), inflected=True)


@st.composite
def group_cases(draw: st.DrawFn) -> tuple[list[list[str]], list[int], list[str], list[int], int]:
    term_sets = [draw(term_lists()) for _ in range(draw(st.integers(1, 4)))]
    for terms in term_sets:
        if draw(st.booleans()):
            terms += draw(st.lists(st.sampled_from(LEMMA_WORDS), min_size=1, max_size=3))
    kinds = [draw(st.integers(0, 1)) for _ in term_sets]
    every = [t for terms in term_sets for t in terms] + LEMMA_WORDS
    texts = [draw(texts_for(every)) for _ in range(draw(st.integers(1, 6)))]
    texts += draw(st.lists(st.sampled_from(texts), max_size=3))  # (read again)
    # after which text each finder joins (0: before the first)
    joins = [draw(st.integers(0, len(texts) - 1)) for _ in term_sets]
    return term_sets, kinds, texts, joins, draw(st.sampled_from([3, 10, 40, 100_000]))


@settings(max_examples=120, deadline=None)
@given(group_cases(), st.randoms(use_true_random=False))
def test_a_group_answers_as_each_finder_alone(case, rnd):
    term_sets, kinds, texts, joins, cap = case
    group = wordpass.Passes(cap=cap)
    pairs: list[tuple[object, object]] = []
    for n, text in enumerate(texts):
        for terms, kind, join in zip(term_sets, kinds, joins, strict=True):
            if join == n:
                pair = _pair(terms, group, kind)
                if pair is not None:
                    pairs.append(pair)
        order = list(pairs)
        rnd.shuffle(order)
        for shared, alone in order:
            assert _answers(shared, text) == _answers(alone, text)


def test_the_cap_empties_every_memo_and_answers_stay():
    group = wordpass.Passes(cap=4)
    engine = tokenmatch.TokenTerms(["peace talks", "strike"], group)
    index = lemmas.LemmaIndex(["flee", "strike"], group)
    alone = tokenmatch.TokenTerms(["peace talks", "strike"])
    alone_index = lemmas.LemmaIndex(["flee", "strike"])
    texts = ["they fled the strike", "peace talks resumed after strikes", "struck and fled again"]
    for text in texts * 2:
        assert engine.scan(text) == alone.scan(text)
        assert index.find(lemmas.tokens(text), True) == alone_index.find(lemmas.tokens(text), True)
        # (never more judged than the cap allows, beyond one text's own words)
        assert len(engine._cands) <= 4 + len(set(text.split()))
        assert len(index._inflected) <= 4 + len(set(text.split()))


def test_a_member_joining_is_judged_on_words_seen_before():
    group = wordpass.Passes()
    first = tokenmatch.TokenTerms(["peace"], group)
    text = "peace talks in Doha; the army fled"
    assert first.finditer(text) == [(0, 5, "peace")]
    late = tokenmatch.TokenTerms(["army", "Doha"], group)  # (every word of text judged)
    assert late.finditer(text) == [(15, 19, "Doha"), (25, 29, "army")]
    late_index = lemmas.LemmaIndex(["flee"], group)
    assert late_index.find(lemmas.tokens(text), inflected=True) == [("flee", 6, 7)]


def test_a_member_gone_leaves_the_others_right():
    group = wordpass.Passes()
    keep = tokenmatch.TokenTerms(["talks"], group)
    gone = tokenmatch.TokenTerms(["peace"], group)
    assert gone.finditer("peace talks") == [(0, 5, "peace")]
    del gone
    assert keep.finditer("peace talks, peace") == [(6, 11, "talks")]


@settings(max_examples=100, deadline=None)
@given(taxonomy_cases(), st.sampled_from(WORDS))
def test_a_rule_and_a_taxonomy_read_one_pass(case, word):
    """The story path: the rule, then the taxonomy, on the same text (the global group),
    with the record's cap small enough to empty the memos on the way."""
    themes, text = case
    cap = wordpass.SHARED.cap
    wordpass.SHARED.cap = 25
    try:
        rule = rules.compile_rule(f"{word} OR flee OR talks")
        fast = taxonomy.CompiledTaxonomy(themes)
        slow = taxonomy.CompiledTaxonomy(themes, fast=False)
        slow_rule = rules.compile_rule(f"{word} OR flee OR talks", fast=False)
        for doc in (text, text + " fled", text):
            assert rule.matches(doc) == slow_rule.matches(doc)
            assert rule.found(doc) == slow_rule.found(doc)
            assert fast.explain(doc) == slow.explain(doc)
    finally:
        wordpass.SHARED.cap = cap
