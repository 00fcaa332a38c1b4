"""Scoring one theme on one text from the places of its words (see
:mod:`monitor.themes.taxonomy` for the score): the bound that rules a theme out before
scoring, the score itself, and why an untagged theme was not tagged."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from monitor.text.evidence import snippet
from monitor.themes.taxonomy_file import Theme

MAX_COUNT = 3
#: a term found in the headline counts this many times more (times its weight)
HEADLINE_BONUS = 1
#: texts of at least this many words must reach the full min_score ...
LONG_TEXT_WORDS = 150
#: ... shorter ones a share of it, in proportion to their length, never below this share
SHORT_TEXT_SCALE = 0.5


@dataclass
class ThemeScore:
    """How one theme fared on one text, tagged or not (for near-misses and evaluation)."""

    theme: str
    score: float
    threshold: float
    terms: dict[str, int]
    snippet: str
    tagged: bool
    #: why an untagged theme was not tagged: "below threshold", "no context word",
    #: "excluded by 'cricket'"; empty when tagged
    reason: str = ""
    #: where the strongest term is in the text (character offsets)
    at: tuple[int, int] = (0, 0)

    @property
    def short_by(self) -> float:
        """How much score the theme lacked (0 when the score was enough)."""
        return round(max(0.0, self.threshold - self.score), 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "score": self.score,
            "threshold": self.threshold,
            "short_by": self.short_by,
            "terms": self.terms,
            "snippet": self.snippet,
            "tagged": self.tagged,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class _Plan:
    """A theme's word lists as sets, made once: scoring asks them of every text, and a
    text's few found words are then matched against them in one set operation."""

    context: tuple[frozenset[str], ...]
    exclude: frozenset[str]
    #: the theme's terms
    terms: frozenset[str]
    #: term -> (its groups of sense words, within N words)
    near: dict[str, tuple[tuple[frozenset[str], ...], int]]
    #: term -> (its veto words, within N words)
    not_near: dict[str, tuple[frozenset[str], int]]


def _plan(theme: Theme) -> _Plan:
    near = {
        term: (tuple(frozenset(g) for g in theme.near_groups.get(term) or [words]), within)
        for term, (words, within) in theme.near.items()
    }
    return _Plan(
        tuple(frozenset(group) for group in theme.context_groups),
        frozenset(theme.exclude),
        frozenset(theme.terms),
        near,
        {term: (frozenset(words), within) for term, (words, within) in theme.not_near.items()},
    )


def _absent(
    places: dict[str, list[tuple[int, int, int]]],
    present: set[str] | frozenset[str],
    words: list[str] | frozenset[str],
) -> bool:
    """Whether none of ``words`` was found (placed or merely present)."""
    return places.keys().isdisjoint(words) and present.isdisjoint(words)


def length_scale(words: int) -> float:
    """How much of ``min_score`` a text of ``words`` words must reach (see the README)."""
    return min(1.0, max(SHORT_TEXT_SCALE, words / LONG_TEXT_WORDS))


def _any_within(ordered: list[int], place: int, within: int) -> bool:
    """Whether some word index of ``ordered`` (sorted) is at most ``within`` from ``place``."""
    i = bisect_left(ordered, place - within)
    return i < len(ordered) and ordered[i] <= place + within


def _cannot_tag(
    theme: Theme,
    places: dict[str, list[tuple[int, int, int]]],
    scale: float,
    present: set[str] | frozenset[str],
    plan: _Plan,
    headline_end: int,
    bound: bool = True,
) -> bool:
    """Whether the theme is surely not tagged, judged before scoring: a score that
    cannot reach the threshold even with every occurrence counted (``near`` and
    ``not_near`` only take some away) and the headline bonus for every term whose
    first place is in the headline, a context group without a word, or an exclude
    word. Without ``bound``, the words only (the score was bounded already)."""
    if bound:
        terms = theme.terms
        most = 0.0
        for term in places.keys() & plan.terms:
            where = places[term]
            bonus = HEADLINE_BONUS if headline_end > 0 and where[0][1] < headline_end else 0
            most += terms[term] * (min(len(where), MAX_COUNT) + bonus)
        if round(most, 3) < round(theme.min_score * scale, 3):
            return True
    if any(_absent(places, present, group) for group in plan.context):
        return True
    return not _absent(places, present, plan.exclude)


def _score_theme(
    theme: Theme,
    places: dict[str, list[tuple[int, int, int]]],
    headline_end: int,
    scale: float,
    text: str,
    misses: bool = True,
    present: set[str] | frozenset[str] = frozenset(),
    plan: _Plan | None = None,
    bound: bool = True,
    snippets: bool = True,
) -> ThemeScore | None:
    """The theme's score; None when no term counts (or, without ``misses``, when not tagged).

    ``present``: the theme's words found that need no places (:func:`_presence_only`).
    ``bound``: without ``misses``, bound the score before scoring (not needed when the
    caller bounded it already: :meth:`CompiledTaxonomy._may_tag`). Without ``snippets``
    the snippet is left empty (``at`` says where it is: a stored tag keeps only that).
    """
    terms = theme.terms
    plan = plan if plan is not None else _plan(theme)
    if not misses and _cannot_tag(theme, places, scale, present, plan, headline_end, bound):
        return None
    counts: dict[str, int] = {}
    total = 0.0
    first: tuple[int, int] | None = None
    best = -1.0
    # the sense words' places, sorted, once per group (terms share their groups)
    senses_of: dict[frozenset[str], list[int]] = {}
    found = places.keys()
    scored = found & plan.terms
    for term, where in places.items():
        if term not in scored:
            continue
        weight = terms[term]
        near = plan.near.get(term)
        if near is not None:
            groups, within = near
            for group in groups:
                senses = senses_of.get(group)
                if senses is None:
                    senses = senses_of[group] = sorted(
                        p[0] for w in found & group for p in places[w]
                    )
                where = [p for p in where if _any_within(senses, p[0], within)]
            if not where:
                continue
        far_from = plan.not_near.get(term)
        if far_from is not None:
            veto_words, within = far_from
            vetoes = sorted(p[0] for w in found & veto_words for p in places[w])
            where = [p for p in where if not _any_within(vetoes, p[0], within)]
            if not where:
                continue
        counts[term] = len(where)
        # (places are in text order: the first is in the headline, or none is)
        in_headline = headline_end > 0 and where[0][1] < headline_end
        gained = weight * (min(len(where), MAX_COUNT) + (HEADLINE_BONUS if in_headline else 0))
        total += gained
        if gained > best:  # the snippet shows the strongest term
            best, first = gained, (where[0][1], where[0][2])
    if first is None:
        return None
    total = round(total, 3)
    threshold = round(theme.min_score * scale, 3)
    reason = ""
    if total < threshold:
        reason = "below threshold"
    elif not misses:
        pass  # (_cannot_tag found a word of every context group and no exclude word)
    elif any(_absent(places, present, group) for group in plan.context):
        reason = "no context word"
    elif not _absent(places, present, plan.exclude):
        veto = next((w for w in theme.exclude if w in places or w in present), None)
        if veto is not None:
            reason = f"excluded by {veto!r}"
    if reason and not misses:
        return None
    return ThemeScore(
        theme.slug,
        total,
        threshold,
        counts,
        snippet(text, first[0], first[1]) if snippets else "",
        tagged=not reason,
        reason=reason,
        at=first,
    )
