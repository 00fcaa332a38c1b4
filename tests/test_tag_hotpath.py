"""The tagging hot path's shortcuts answer as the plain computation does: the story
rule's one-entry memo (a stored version's relevance is judged once, not twice)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import lemmas, matching, rules
from monitor.themes import tagger as tagging
from monitor.themes.stories import builtin_stories

RELEVANT = "Pakistan strikes TTP hideouts in Afghanistan"
NOT_RELEVANT = "Pakistan beat Afghanistan at cricket in Sharjah"


@pytest.fixture
def calls(monkeypatch):
    """How many times any rule evaluated a text."""
    seen: list[str] = []
    plain = rules.Rule.matches

    def counting(self, text):
        seen.append(text)
        return plain(self, text)

    monkeypatch.setattr(rules.Rule, "matches", counting)
    return seen


def test_relevant_remembers_only_the_last_text(calls):
    story = builtin_stories()["pakistan-taliban"]
    one = tagging.StoryTagger(
        story.slug, rules.compile_rule(story.rule), [], rule_source=story.rule
    )
    assert one.relevant(RELEVANT) and one.relevant(RELEVANT)
    assert len(calls) == 1
    # an equal text built anew (as derive builds the document twice) is the same text
    assert one.relevant("".join([RELEVANT[:10], RELEVANT[10:]]))
    assert len(calls) == 1
    assert not one.relevant(NOT_RELEVANT)
    assert one.relevant(RELEVANT)
    assert len(calls) == 3
    # another rule on the same tagger: judged again, by the new rule
    one.rule = rules.compile_rule("cricket")
    assert not one.relevant(RELEVANT)
    assert one.relevant(NOT_RELEVANT)
    assert len(calls) == 5
    one.rule = None
    assert not one.relevant(NOT_RELEVANT)


def test_storing_a_version_judges_each_rule_once(invoke, tmp_path, calls):
    path = tmp_path / "a.txt"
    path.write_text(
        "Title: Pakistan warns Taliban over TTP havens\nURL: https://news.example/a\n"
        "Source: Dawn\n\nIslamabad said Kabul must act against the TTP militants "
        "sheltering in Afghanistan.\n"
    )
    assert invoke("add", str(path)).exit_code == 0
    # tags (the version is unfiled: every story's rule decides) and membership both
    # asked; the built-in story's rule read the document once
    document = [t for t in calls if t.startswith("Pakistan warns Taliban")]
    assert len(document) == len(set(document)) == 1
    # and the memo gave membership the same answer
    assert invoke("list", "--story", "pakistan-taliban", "--json").stdout.count('"id"') == 1


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=0x17F),
            # news punctuation (outside ASCII, no word character), letters and digits of
            # other scripts, a lone surrogate
            st.sampled_from(
                ["_", "\u0301", "\u064b", "ي", "’", "“", "—", "…", "•", "中", "²", "\ud800"]
            ),
        ),
        max_size=60,
    )
)
def test_runs_are_the_runs_of_word_characters(text):
    """Texts whose word characters are all ASCII are split as bytes: the same runs as
    ``\\w+``; the words of a text are the reference's, whichever way they were found."""
    matching._LAST_RUNS.clear()
    words, starts, ends = matching.runs(text)
    expected = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    assert list(zip(words, starts, ends, strict=True)) == expected
    toks = lemmas.tokens(text)
    assert toks == lemmas.tokens_reference(text)
    if not lemmas._SPECIAL.search(text):  # (else the words are not the runs)
        assert (toks.starts, toks.ends) == (starts, ends)


def _find_plainly(index: lemmas.LemmaIndex, toks: lemmas.Tokens, inflected: bool):
    """LemmaIndex.find spelled out: every term at every word, longest first at a place."""
    out = []
    for i in range(len(toks)):
        for term, seq in index.first.get(toks.lemmas[i], []):
            n = len(seq)
            whole = tuple(toks.lemmas[i : i + n]) == seq
            if whole and not (inflected and all(toks.base[i : i + n])):
                out.append((term, i, i + n))
    return out


LEMMA_TERMS = [
    "flee",
    "strike",
    "peace talks",
    "refugee camp",
    "talk",
    "seize border",
    # (several terms beginning with one word: the longest first at a place)
    "peace",
    "peace talks deal",
    "peace deal",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "fled",
                "flee",
                "struck",
                "strikes",
                "peace",
                "talks",
                "talk",
                "refugee",
                "camps",
                "camp",
                "seized",
                "border",
                "borders",
                "the",
                "Flee",
                "deal",
                "deals",
            ]
        ),
        max_size=25,
    ),
    st.booleans(),
)
def test_lemma_find_is_the_plain_search(words, inflected):
    index = lemmas.LemmaIndex(LEMMA_TERMS)
    text = " ".join(words)
    lemmas._LAST.clear()
    toks = lemmas.tokens(text)
    assert not toks.filled  # (found by the words as written, lemmas looked up as needed)
    got = index.find(toks, inflected)
    assert got == _find_plainly(index, toks, inflected)
    # the same on tokens that carry every lemma already
    full = lemmas.Tokens(toks.starts, toks.ends, toks.lemmas, toks.base)
    assert index.find(full, inflected) == got
    assert full == toks == lemmas.tokens_reference(text)


def test_storing_tags_makes_no_snippet(monkeypatch):
    """A stored tag keeps where its snippet is, not the snippet: the store and retag
    path (``tags_for``) leaves it empty; the same hits otherwise."""
    from monitor.themes import scoring

    made: list[int] = []
    real = scoring.snippet

    def counting(*args):
        made.append(1)
        return real(*args)

    monkeypatch.setattr(scoring, "snippet", counting)
    tagger = tagging.tagger_for(builtin_stories()["pakistan-taliban"])
    title = "Pakistan strikes TTP hideouts in Afghanistan"
    text = (
        "Pakistani jets struck TTP hideouts in Paktika after a suicide bombing in Bannu. "
        "The Taliban government condemned the airstrikes and summoned the envoy."
    )
    stored = list(tagging.tags_for({"pakistan-taliban": tagger}, "pakistan-taliban", title, text))
    assert stored and not made
    assert all(hit.snippet == "" for _, hit in stored)
    shown = tagger.tag(tagging.document(title, text))
    assert made and all(hit.snippet for hit in shown)
    assert [(h.theme, h.score, h.terms, h.at) for h in shown] == [
        (h.theme, h.score, h.terms, h.at) for _, h in stored
    ]
