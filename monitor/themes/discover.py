"""Candidate themes: recurring phrases and named actors the taxonomy does not cover yet.

Pure Python. From the current version of each article of a story:

* **phrases**: 2–4 word n-grams inside one clause (split at punctuation), which
  neither start nor end with a stopword and are not all digits;
* **actors**: runs of 2–4 capitalised words ("Zabihullah Mujahid", "Noor Wali
  Mehsud").

A candidate counts once per article (document frequency). It is kept when it
appears in at least ``min_articles`` articles from at least two sources and no
taxonomy term (theme terms, context terms) matches it or is matched by it.
Ranked by ``articles × (1 + log2(sources))``; candidates that always occur
together are folded (see :func:`_fold`).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from monitor.store.articles import CURRENT
from monitor.themes import matching
from monitor.themes import tagger as tagging

_STOPWORDS_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your said
    says say told tell according also however would could since amid across last first
    next new one two three four five six seven eight nine ten year years month months
    week weeks day days monday tuesday wednesday thursday friday saturday sunday mr ms mrs
    dr per cent percent may might must shall within without among along around including
    via us it's he's she's there's that's mln"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”‘’—–]|\n|\s-\s|'\s|\s'")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?", re.UNICODE)


@dataclass
class Candidate:
    phrase: str
    kind: str  # phrase | actor
    articles: int
    sources: int

    @property
    def score(self) -> float:
        return round(self.articles * (1 + math.log2(max(self.sources, 1))), 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "kind": self.kind,
            "articles": self.articles,
            "sources": self.sources,
            "score": self.score,
        }


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in STOPWORDS


def candidates_in(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """One article's candidates: lower-cased key -> kind, and actors' display forms."""
    found: dict[str, str] = {}
    actors: dict[str, str] = {}
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        if len(words) < 2:
            continue
        lower = [w.lower() for w in words]
        edge = [w in STOPWORDS or w.isdigit() for w in lower]
        size = len(words)
        for n in (2, 3, 4):
            for i in range(size - n + 1):
                if not (edge[i] or edge[i + n - 1]):
                    found.setdefault(" ".join(lower[i : i + n]), "phrase")
        # actors: runs of capitalised words
        i = 0
        while i < size:
            if not _capitalised(words[i]):
                i += 1
                continue
            j = i
            while j < size and _capitalised(words[j]) and j - i < 4:
                j += 1
            if j - i >= 2:
                key = " ".join(lower[i:j])
                found[key] = "actor"
                actors[key] = " ".join(words[i:j])
            i = j
    return found, actors


def _covered(phrase: str, terms: list[str], pattern: re.Pattern[str] | None) -> bool:
    if pattern is not None and pattern.search(phrase):
        return True
    regex = matching.term_regex(phrase)
    return any(regex.search(t) for t in terms)


def _parts(phrase: str) -> list[str]:
    words = phrase.lower().split()
    return [
        " ".join(words[i : i + n]) for n in range(1, len(words)) for i in range(len(words) - n + 1)
    ]


def _fold(kept: list[Candidate]) -> list[Candidate]:
    """Drop redundant candidates that always occur together (same article count).

    An actor absorbs its pieces ("Abdul Ghani" inside "Mullah Abdul Ghani
    Baradar"); a longer phrase that only extends a shorter one is dropped in
    favour of the shorter ("water dispute", not "river water dispute").
    """
    counts = {c.phrase.lower(): c for c in kept}
    drop: set[str] = set()
    for c in kept:
        for part in _parts(c.phrase):
            other = counts.get(part)
            if other is None or other.articles != c.articles:
                continue
            if c.kind == "actor":
                drop.add(part)
            elif other.kind == "phrase":
                drop.add(c.phrase.lower())
    return [c for c in kept if c.phrase.lower() not in drop]


def discover(
    db: Database, story: str | None, min_articles: int = 3, limit: int = 20
) -> list[Candidate]:
    terms: list[str] = []
    taggers = tagging.load_taggers(db)
    for slug, tagger in taggers.items():
        if story is None or slug == story:
            for t in tagger.themes:
                terms += list(t.theme.terms) + t.theme.context
    pattern = matching.alternation(terms)[0] if terms else None

    where, params = ("", []) if story is None else ("where a.story = ?", [story])
    counts: Counter[str] = Counter()
    sources: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    shown: dict[str, str] = {}
    sql = f"""select coalesce(a.source, ''), v.title, v.text from {CURRENT} {where}"""
    for source, title, text in db.execute(sql, params).fetchall():
        found, actors = candidates_in(f"{title}.\n{text}")
        counts.update(found.keys())
        for key in found:
            sources[key].add(source)
        for key, kind in found.items():
            if kind == "actor":
                kinds[key] = kind
        for key, display in actors.items():
            shown.setdefault(key, display)

    kept: list[Candidate] = []
    for key, articles in counts.items():
        if articles < min_articles:
            continue
        named = sources[key] - {""}
        if len(named) < 2:
            continue
        kept.append(Candidate(shown.get(key, key), kinds.get(key, "phrase"), articles, len(named)))
    ranked = sorted(_fold(kept), key=lambda c: (-c.score, -c.articles, c.phrase.lower()))
    result: list[Candidate] = []
    for candidate in ranked:  # checking coverage is the slow part: only as far as needed
        if not _covered(candidate.phrase, terms, pattern):
            result.append(candidate)
            if len(result) == limit:
                break
    return result
