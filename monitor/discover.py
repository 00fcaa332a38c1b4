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
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from . import matching, tagging

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


def candidates_in(text: str) -> dict[str, str]:
    """The candidate phrases of one article: lower-cased key -> (display form, kind)."""
    found: dict[str, str] = {}
    display: dict[str, str] = {}
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        lower = [w.lower() for w in words]
        for n in (2, 3, 4):
            for i in range(len(words) - n + 1):
                gram = lower[i : i + n]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                    continue
                if any(g.isdigit() for g in (gram[0], gram[-1])):
                    continue
                key = " ".join(gram)
                found.setdefault(key, "phrase")
                display.setdefault(key, " ".join(words[i : i + n]))
        # actors: runs of capitalised words
        i = 0
        while i < len(words):
            if not _capitalised(words[i]):
                i += 1
                continue
            j = i
            while j < len(words) and _capitalised(words[j]) and j - i < 4:
                j += 1
            run = words[i:j]
            if len(run) >= 2:
                key = " ".join(w.lower() for w in run)
                found[key] = "actor"
                display[key] = " ".join(run)
            i = j
    return {k: f"{display[k]}\x00{kind}" for k, kind in found.items()}


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
    docs: dict[str, set[int]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    sql = f"""select a.id, coalesce(a.source, ''), v.title, v.text from articles a
              join versions v on v.article_id = a.id and v.number = a.current_version {where}"""
    for article_id, source, title, text in db.execute(sql, params).fetchall():
        for key, value in candidates_in(f"{title}.\n{text}").items():
            docs[key].add(article_id)
            if source:
                sources[key].add(source)
            shown.setdefault(key, value)

    kept: list[Candidate] = []
    for key, ids in docs.items():
        if len(ids) < min_articles or len(sources[key]) < 2:
            continue
        phrase, kind = shown[key].split("\x00")
        if _covered(phrase, terms, pattern):
            continue
        kept.append(Candidate(phrase, kind, len(ids), len(sources[key])))
    result = _fold(kept)
    result.sort(key=lambda c: (-c.score, -c.articles, c.phrase.lower()))
    return result[:limit]
