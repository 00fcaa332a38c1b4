"""A story's theme taxonomy: parsing the ``[[themes]]`` tables, saving them, scoring text.

Each theme::

    [[themes]]
    slug = "peace-talks"                       # required: a-z, 0-9, hyphens
    label = "Peace talks and negotiations"     # default: the slug
    description = "..."
    terms = ["peace talks", "negotiation", {term = "ceasefire", weight = 2}]
    context = ["Pakistan", "Islamabad"]        # optional: one must appear; or groups:
                                               # [["Pakistan", "Kabul"], ["attack", "blast"]]
                                               # (one word of every group must appear)
    exclude = ["cricket", "T20"]               # optional: any one vetoes the theme
    min_score = 2                              # optional, default 2

A term is a word or phrase matched as :mod:`monitor.matching` says (word
boundaries, case-insensitive, inflections, ``*`` for any ending) and, when written
in its dictionary form, on lemmas too (:mod:`monitor.lemmas`: "flee" matches
"fled"). A term is a string (weight 1) or an inline table
``{term = "...", weight = W, near = ["...", ...], within = N, not_near = ["..."]}``:
with ``near`` the term counts only where one of those sense words is at most N
words away (default 10), e.g. "safe haven" near "TTP" or "militant*". ``near`` may
also be a list of groups (``near = [["China", "Iran"], ["talks", "deal*"]]``): then
a word of *every* group must be within N words (an actor near a place *and* an
action, not a mere mention). With ``not_near`` an occurrence does not count where
one of those words is within N words ("embassy" not near "blast": the embassy is
then a place, not a diplomatic actor).

Score: the sum over matched terms of ``weight × min(count, 3)``, plus ``weight``
once more when the term is in the headline (the text before the first blank
line). A theme is tagged when its score reaches its threshold, at least one
``context`` term appears (if any are given), and no ``exclude`` term appears.
The threshold is ``min_score`` for a text of 150 words or more and scales down
with length for shorter texts, to half of ``min_score`` at 75 words and below
(a headline and a two-sentence summary carry less evidence than an article).
Weights are finite numbers in (0, 100], ``min_score`` in (0, 1000].
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from monitor.text.evidence import SNIPPET_CHARS, snippet  # noqa: F401 - re-exported
from monitor.themes import lemmas, matching, tokenmatch, wordpass
from monitor.themes.scoring import (  # noqa: F401 - scoring's names, re-exported
    HEADLINE_BONUS,
    LONG_TEXT_WORDS,
    MAX_COUNT,
    SHORT_TEXT_SCALE,
    ThemeScore,
    _any_within,
    _cannot_tag,
    _Plan,
    _plan,
    _score_theme,
    length_scale,
)
from monitor.themes.taxonomy_file import (  # noqa: F401 - parsing's names, re-exported
    DEFAULT_MIN_SCORE,
    Theme,
    parse_theme,
    parse_themes,
)

#: a score bound this far below a rounded threshold is below it after rounding too
BOUND_SLACK = 0.001


@dataclass
class Hit:
    """One theme found in one text, with the evidence for it."""

    theme: str
    score: float
    terms: dict[str, int]
    snippet: str
    #: where the strongest term is in the text (character offsets): the snippet's centre
    at: tuple[int, int] = (0, 0)

    def evidence(self) -> dict[str, Any]:
        """What a stored tag keeps: the terms, and where the snippet is (the snippet is
        made again from the text when shown: :mod:`monitor.text.evidence`)."""
        return {"terms": self.terms, "at": list(self.at)}


class CompiledTaxonomy:
    """All themes of a story scored from one scan of one pattern (for speed).

    The pattern holds every term, context, exclude and ``near`` word of every
    theme. Where words overlap the longest wins at a place in the text; a match
    is also credited to a theme's shorter words found inside it ("Doha
    Agreement" counts as "Doha" for a theme that lists only "Doha"). Words the
    pattern does not see in a place are then looked for on lemmas
    (:class:`monitor.lemmas.LemmaIndex`): "fled" counts for a term "flee". A term
    that *starts inside* a longer match of another word and runs past its end
    is not seen.
    """

    def __init__(self, themes: list[Theme], fast: bool = True):
        self.parsed = themes
        self.fast = fast
        self.themes = [CompiledTheme(t) for t in themes]
        words: list[str] = []
        for t in themes:
            words += [*t.terms, *t.context, *t.exclude]
            for near_words, _within in [*t.near.values(), *t.not_near.values()]:
                words += near_words
        self.ordered = tokenmatch.ordered_terms(words) if words else []
        self.index = {word: i for i, word in enumerate(self.ordered)}
        #: the terms found by word lookups (:mod:`monitor.themes.tokenmatch`): nothing
        #: to compile. ``fast=False``, or a taxonomy the lookups cannot answer for: the
        #: one pattern of every word (:func:`matching.alternation`), the reference the
        #: tests compare with, found through the :class:`matching.Gate` when ``fast``
        self.engine = tokenmatch.TokenTerms(words, wordpass.SHARED) if fast and words else None
        if self.engine is not None and not self.engine.on:
            self.engine = None
        self.pattern: re.Pattern[str] | None = None
        self.gate: matching.Gate | None = None
        if words and self.engine is None:
            self.pattern = matching.alternation(words)[0]
            self.gate = matching.Gate(self.pattern, self.ordered) if fast else None
        self.lemma_index = lemmas.LemmaIndex(self.ordered, wordpass.SHARED if fast else None)
        # what a match holds for each theme: the theme's own words inside the matched
        # text, with their counts. Terms count longest first ("Doha talks" holds "Doha
        # talks", or "Doha" + "talks"); a context, exclude or near word counts wherever
        # it occurs inside ("Pakistani Taliban" holds the context word "Pakistan*").
        self._scans: list[tuple[_Counter, _Finder | None]] = []
        #: each theme's terms, and its other words (what its finder looks for), sorted:
        #: a matched text holds those it has in this order, whichever way it was read
        self._words: list[tuple[frozenset[str], tuple[str, ...]]] = []
        for t in themes:
            aux = [
                *t.context,
                *t.exclude,
                *(w for n, _ in [*t.near.values(), *t.not_near.values()] for w in n),
            ]
            self._scans.append(_theme_scan(list(t.terms), aux, fast))
            self._words.append((frozenset(t.terms), tuple(sorted(set(aux)))))
        # words a theme only needs the presence of (context and exclude words that are
        # not also its terms or sense words): kept out of the places (``fast``; the
        # commonest words are the context words every theme shares)
        self._presence_only = [_presence_only(t) if fast else frozenset() for t in themes]
        self._plans = [_plan(t) for t in themes]
        self._inside: dict[str, list[dict[str, int]]] = {}
        self._compact: dict[str, _Held] = {}
        # a lemma match holds what its word holds ("fled" matched the term "flee"):
        # filled on first use (most words are never matched on a lemma)
        self._lemma_holds: dict[str, _Held] = {}

    def holds(self, matched: str) -> list[dict[str, int]]:
        """Each theme's words inside the text of one match (cached)."""
        found = self._inside.get(matched)
        if found is None:
            found = []
            # (the words of every theme that begin somewhere in it: one read of the
            # matched text, not one a theme; a theme none of whose terms begins in it
            # counts none, and its other words found are these)
            begin = set(self.engine.places(matched)) if self.engine is not None else None
            for (count, aux), (terms, others) in zip(self._scans, self._words, strict=True):
                if begin is None:
                    counts = count(matched)
                    if aux is not None:
                        for w in sorted(aux(matched)):  # (in one order, as below)
                            counts.setdefault(w, 1)
                else:
                    counts = {} if terms.isdisjoint(begin) else count(matched)
                    for w in others:
                        if w in begin:
                            counts.setdefault(w, 1)
                found.append(counts)
            if len(self._inside) > 50_000:
                self._inside.clear()
                self._compact.clear()
            self._inside[matched] = found
        return found

    def _holds_compact(self, matched: str) -> _Held:
        """:meth:`holds` as ``(theme index, words)`` for the themes it holds anything of,
        and apart the words held that a theme needs only the presence of."""
        found = self._compact.get(matched)
        if found is None:
            found = self._compact[matched] = self._split(self.holds(matched))
        return found

    def _split(self, holds: list[dict[str, int]]) -> _Held:
        only = self._presence_only
        placed = tuple(
            (i, kept)
            for i, words in enumerate(holds)
            if (kept := tuple(w for w in words if w not in only[i]))
        )
        present = frozenset(w for i, words in enumerate(holds) for w in words if w in only[i])
        # (the weight of each theme's terms held: what an occurrence can add to its score)
        terms = [t.terms for t in self.parsed]
        weights = tuple(
            (i, weight)
            for i, words in placed
            if (weight := sum(terms[i][w] for w in words if w in terms[i])) > 0
        )
        return placed, present, weights

    def _occurrences(self, text: str) -> tuple[lemmas.Tokens, list[_Occurrence]]:
        """The matches in text order: ``(what it holds for each theme, word index,
        start, end)``."""
        toks = lemmas.tokens(text)
        found: list[_Occurrence] = []
        compact = self._compact
        if self.engine is not None and toks.words is not None:
            # (the words are the runs the engine reads: each match knows its word)
            for index, start, end, _ in self.engine.scan(text):
                matched = text[start:end]
                held = compact.get(matched) or self._holds_compact(matched)
                found.append((held, index, start, end))
        else:
            spans: list[tuple[int, int, str]] | list[tuple[int, int, str | None]]
            if self.engine is not None:
                spans = self.engine.finditer(text)
            elif self.gate is not None:
                spans = self.gate.finditer(text)
            elif self.pattern is not None:
                spans = [(m.start(), m.end(), m.lastgroup) for m in self.pattern.finditer(text)]
            else:
                return toks, found
            index_at = toks.index_at
            for start, end, _ in spans:
                matched = text[start:end]
                held = compact.get(matched) or self._holds_compact(matched)
                found.append((held, index_at(start), start, end))
        if self.lemma_index:
            # lemma matches only where the scan matched nothing (its matches are in order
            # and do not overlap: the last one starting before a place is the one to check)
            starts = list(map(_START, found))
            used: set[int] = set()
            extra: list[_Occurrence] = []
            for word, first, last in self.lemma_index.find(toks, inflected=True):
                start, end = toks.starts[first], toks.ends[last - 1]
                j = bisect_left(starts, end) - 1
                if j >= 0 and found[j][3] > start:
                    continue
                if not used.isdisjoint(range(first, last)):
                    continue
                used.update(range(first, last))
                holds = self._lemma_holds.get(word)
                if holds is None:
                    holds = self._lemma_holds[word] = self._split(self.holds(word))
                extra.append((holds, first, start, end))
            if extra:
                found = sorted(found + extra, key=_START)
        return toks, found

    def explain(self, text: str, misses: bool = True, snippets: bool = True) -> list[ThemeScore]:
        """Every theme with at least one term in ``text``: tagged ones and near-misses
        (without ``misses``, the tagged ones only)."""
        toks, found = self._occurrences(text)
        if not found:
            return []
        headline_end = text.find("\n\n")
        scale = length_scale(len(toks))
        # every occurrence of each theme's words: word -> [(token index, start, end)]
        places: list[dict[str, list[tuple[int, int, int]]]] = [{} for _ in self.parsed]
        # the occurrences of one matched text share what it holds: gather their places
        # first, then hand each theme's words the lot (sorted again where a word gets
        # places from two different matched texts, so every list is in text order)
        if not self.fast:  # the reference: occurrence by occurrence
            for (holds, _, _), index, start, end in found:
                place = (index, start, end)
                for i, words in holds:
                    for word in words:
                        places[i].setdefault(word, []).append(place)
            found = []
        by_holds: dict[_Held, list[tuple[int, int, int]]] = {}
        for held, index, start, end in found:
            place = (index, start, end)
            same = by_holds.get(held)
            if same is None:
                by_holds[held] = [place]
            else:
                same.append(place)
        # (tags only: the themes whose score surely stays below their threshold are not
        # placed nor scored, :meth:`_may_tag`; None: every theme)
        present: set[str] = set()
        for _, only, _ in by_holds:
            present.update(only)
        alive = None
        if not misses and self.fast:
            alive = self._may_tag(by_holds, headline_end, scale, present)
        mixed: set[tuple[int, str]] = set()
        for (holds, _, _), where in by_holds.items():
            for i, words in holds:
                if alive is not None and i not in alive:
                    continue
                theirs = places[i]
                for word in words:
                    have = theirs.get(word)
                    if have is None:
                        theirs[word] = list(where)
                    else:
                        have.extend(where)
                        mixed.add((i, word))
        for i, word in mixed:
            places[i][word].sort()
        out: list[ThemeScore] = []
        for theme, plan, theirs in zip(self.parsed, self._plans, places, strict=True):
            if theirs:
                score = _score_theme(
                    theme,
                    theirs,
                    headline_end,
                    scale,
                    text,
                    misses,
                    present,
                    plan,
                    alive is None,
                    snippets,
                )
                if score is not None:
                    out.append(score)
        return out

    def _may_tag(
        self,
        by_holds: dict[_Held, list[tuple[int, int, int]]],
        headline_end: int,
        scale: float,
        present: set[str],
    ) -> set[int]:
        """The themes :func:`_cannot_tag` may let through: none of their exclude words
        among the words found that need no places (``present``), and a score that can
        reach their threshold. The score is bounded from each matched text's places at
        once (its terms' weights times its occurrences, at most :data:`MAX_COUNT`,
        plus the headline bonus when its first occurrence is in the headline): each
        term's count is capped over all its matched texts, so this sum is never below
        the bound of :func:`_cannot_tag`; a theme is dropped only when it falls short
        of the rounded threshold by more than rounding can move
        (``tests/test_tag_bounds.py``)."""
        bound = [0.0] * len(self.parsed)
        for (_, _, weights), where in by_holds.items():
            if weights:
                n = len(where)
                n = n if n < MAX_COUNT else MAX_COUNT
                if headline_end > 0 and where[0][1] < headline_end:
                    n += HEADLINE_BONUS
                for i, weight in weights:
                    bound[i] += weight * n
        plans = self._plans
        return {
            i
            for i, most in enumerate(bound)
            if most
            and most >= round(self.parsed[i].min_score * scale, 3) - BOUND_SLACK
            and plans[i].exclude.isdisjoint(present)
        }

    def near_misses(self, text: str) -> list[ThemeScore]:
        """Themes that scored on ``text`` but were not tagged, closest first."""
        missed = [s for s in self.explain(text) if not s.tagged]
        return sorted(missed, key=lambda s: (s.short_by, s.theme))

    def tag(self, text: str, snippets: bool = True) -> list[Hit]:
        """The themes tagged in ``text`` (without ``snippets``: their snippets left empty,
        as storing a tag needs only where the snippet is)."""
        found = self.explain(text, misses=False, snippets=snippets)
        return [Hit(s.theme, s.score, s.terms, s.snippet, s.at) for s in found if s.tagged]


_Holds = tuple[tuple[int, tuple[str, ...]], ...]
#: what a matched text holds: the themes' words that need places, the words that only
#: need to be present (:func:`_presence_only`), and the weight of each theme's terms in it
_Held = tuple[_Holds, frozenset[str], tuple[tuple[int, float], ...]]
#: one match in a text: what it holds, the index of its first word, its start and end
_Occurrence = tuple[_Held, int, int, int]
_START = itemgetter(2)
#: a theme's term counts in a matched text; the theme's other words found in it
_Counter = Callable[[str], dict[str, int]]
_Finder = Callable[[str], set[str]]


def _theme_scan(terms: list[str], aux: list[str], fast: bool) -> tuple[_Counter, _Finder | None]:
    """How one theme reads a matched text: its terms counted as :func:`matching.
    count_terms` counts them, and which of its other words occur anywhere in it."""
    engine = tokenmatch.TokenTerms(terms) if fast else None
    if engine is not None and engine.on:
        count: _Counter = engine.counts
    else:
        pattern, ordered = matching.alternation(terms)

        def count(matched: str) -> dict[str, int]:
            return matching.count_terms(pattern, ordered, matched)

    if not aux:
        return count, None
    # (matched texts are short and each is scanned once: the plain scan, no gate)
    scanner = tokenmatch.scanner(aux) if fast else matching.TermScanner(aux, fast=False)
    return count, scanner.found


def _presence_only(theme: Theme) -> frozenset[str]:
    """The theme's context and exclude words that are none of its terms or sense words.

    Held by a matched text exactly when found in it (by any theme listing them), so
    one set of them for a whole text answers every theme's context and exclude checks.
    """
    senses = {w for words, _ in [*theme.near.values(), *theme.not_near.values()] for w in words}
    return frozenset({*theme.context, *theme.exclude} - set(theme.terms) - senses)


class CompiledTheme:
    """One theme on its own (the taxonomy of one theme)."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self._taxonomy: CompiledTaxonomy | None = None

    @property
    def taxonomy(self) -> CompiledTaxonomy:
        if self._taxonomy is None:
            self._taxonomy = CompiledTaxonomy([self.theme])
        return self._taxonomy

    def score(self, text: str) -> Hit | None:
        """The theme's hit in ``text`` (title and body together), or None."""
        hits = self.taxonomy.tag(text)
        return hits[0] if hits else None

    def explain(self, text: str) -> ThemeScore | None:
        """The theme's score on ``text`` whether or not it is tagged; None if no term occurs."""
        found = self.taxonomy.explain(text)
        return found[0] if found else None
