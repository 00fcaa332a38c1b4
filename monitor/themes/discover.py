"""Candidate themes: recurring phrases, names and actors the taxonomy does not cover yet.

Pure Python. From the current version of each article of a story:

* **phrases**: 2–4 word n-grams inside one clause (split at punctuation), which
  neither start nor end with a stopword and are not all digits;
* **actors**: runs of 2–4 capitalised words ("Zabihullah Mujahid", "Noor Wali
  Mehsud"); **names**: single capitalised words inside a clause that the article
  never writes in lower case ("Baradar", "Bajaur").

A candidate counts once per article (document frequency). It is kept when it
appears in at least ``min_articles`` articles from at least two sources and is
not made only of taxonomy words (terms and context words, as written or on
lemmas: "safe havens" is covered by the term "safe haven", "Afghan refugees" by
"Afghan*" and "refugee*"; see :class:`Coverage`). Containing one does not make
a phrase covered: "Mullah Abdul Ghani Baradar" is new although "Baradar" is a
context word. Candidates that always occur together are folded (see :func:`_fold`).

Ranked by how distinctive a candidate is for the story: its share of the
story's articles against its rate in the background, the database's other
articles and the general English frequency of the words (``wordfreq``, whose
data ship with the package), so "prime minister" ranks below "Angoor Adda"::

    score = articles × (1 + log2(sources)) × log2(1 + story rate / background rate)

With ``theme``, the focus is the articles tagged with that theme or where it
fell short (near-misses), against the story's other articles: what co-occurs
with the theme and is not yet one of its terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from monitor.errors import InputError
from monitor.store.articles import CURRENT
from monitor.themes import lemmas, matching, tokenmatch
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
    via us it's he's she's there's that's mln near million millions thousand thousands
    hundred hundreds dozen dozens january february march april may june july august
    september october november december"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”‘’—–]|\n|\s-\s|'\s|\s'")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?", re.UNICODE)


@dataclass
class Candidate:
    phrase: str
    kind: str  # phrase | actor | name
    articles: int
    sources: int
    #: log2(1 + story rate / background rate): how much more the story uses it
    lift: float = 1.0

    @property
    def score(self) -> float:
        return round(self.articles * (1 + math.log2(max(self.sources, 1))) * self.lift, 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "kind": self.kind,
            "articles": self.articles,
            "sources": self.sources,
            "lift": round(self.lift, 2),
            "score": self.score,
        }


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in STOPWORDS


def candidates_in(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """One article's candidates: lower-cased key -> kind, and actors' display forms."""
    found: dict[str, str] = {}
    actors: dict[str, str] = {}
    names: set[str] = set()
    lowered: set[str] = set()
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        lowered.update(w for w in words if w[:1].islower())
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
            elif i > 0 and len(words[i]) >= 3 and words[i].isalpha():
                names.add(lower[i])  # one capitalised word inside a clause
                actors.setdefault(lower[i], words[i])
            i = j
    # a name is never written in lower case in the article ("Torkham", not "Pakistan's
    # army ... the army")
    for key in names - lowered:
        found.setdefault(key, "name")
    return found, actors


class Coverage:
    """Whether a phrase is already in the taxonomy: made only of its words.

    A phrase is covered when every word of it lies inside a taxonomy word found
    in it, as written (with inflections) or on lemmas: a term ("safe havens" for
    the term "safe haven"), a context word ("Pakistan"), or terms and context
    words together ("Afghan refugees"). A phrase that merely *contains* one is
    new: "Mullah Abdul Ghani Baradar" is not covered by the context word
    "Baradar", nor "Torkham tunnel" by the term "Torkham".
    """

    def __init__(self, words: Iterable[str]):
        self.words = list(dict.fromkeys(words))
        self.scanner = tokenmatch.scanner(self.words) if self.words else None
        self.lemma_index = lemmas.LemmaIndex(self.words)

    def covers(self, phrase: str) -> bool:
        if self.scanner is None:
            return False
        toks = lemmas.tokens(phrase)
        if not len(toks):
            return False
        # stopwords inside a phrase ("refugees in Pakistan") add nothing new
        inside = [
            phrase[s:e].lower() in STOPWORDS for s, e in zip(toks.starts, toks.ends, strict=True)
        ]
        for word in self.scanner.found(phrase):
            for match in matching.find_all(word, phrase):
                for i in range(toks.index_at(match.start()), len(toks)):
                    if toks.starts[i] >= match.end():
                        break
                    inside[i] = True
        for _, first, last in self.lemma_index.find(toks):
            inside[first:last] = [True] * (last - first)
        return all(inside)


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


@lru_cache(maxsize=100_000)
def general_frequency(phrase: str) -> float:
    """How often ``phrase`` occurs in general English (wordfreq; 0 when unknown)."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - a declared dependency
        return 0.0
    return float(wordfreq.word_frequency(phrase, "en"))


@dataclass
class _Counts:
    articles: Counter[str]
    sources: dict[str, set[str]]
    kinds: dict[str, str]
    shown: dict[str, str]
    docs: int = 0
    words: int = 0


def _count(rows: Iterable[tuple[str, str, str]]) -> _Counts:
    counts = _Counts(Counter(), defaultdict(set), {}, {})
    for source, title, text in rows:
        body = f"{title}.\n{text}"
        found, actors = candidates_in(body)
        counts.docs += 1
        counts.words += len(body.split())
        counts.articles.update(found.keys())
        for key, kind in found.items():
            counts.sources[key].add(source)
            if kind != "phrase":
                counts.kinds[key] = kind
        for key, display in actors.items():
            counts.shown.setdefault(key, display)
    return counts


def _lift(key: str, focus: _Counts, background: _Counts | None) -> float:
    rate = focus.articles[key] / max(focus.docs, 1)
    words_per_doc = focus.words / max(focus.docs, 1)
    expected = min(1.0, general_frequency(key) * words_per_doc)
    if background is not None and background.docs:
        expected = max(expected, (background.articles[key] + 1) / (background.docs + 2))
    expected = max(expected, 1e-6)
    return math.log2(1 + rate / expected)


def _story_words(taggers: dict[str, tagging.StoryTagger], story: str | None) -> list[str]:
    terms: list[str] = []
    for slug, tagger in taggers.items():
        if story is None or slug == story:
            for t in tagger.parsed:
                terms += [*t.terms, *t.context]
    return terms


_CURRENT = f"select a.id, coalesce(a.source, ''), v.title, v.text, a.story from {CURRENT}"


def discover(
    db: Database,
    story: str | None,
    min_articles: int = 3,
    limit: int = 20,
    theme: str | None = None,
) -> list[Candidate]:
    """The top ``limit`` uncovered candidates of ``story`` (or of ``theme`` within it)."""
    taggers = tagging.load_taggers(db)
    if theme is not None:
        story = _theme_story(taggers, story, theme)
    coverage = Coverage(_story_words(taggers, story))
    rows = db.execute(_CURRENT).fetchall()
    members = {  # the story's articles: filed under it or matched by its rule
        r[0] for r in db.execute("select article_id from article_stories where story = ?", [story])
    }
    if theme is not None:
        assert story is not None
        tagged = {
            r[0]
            for r in db.execute(
                """select a.id from articles a join versions v on v.article_id = a.id
                   and v.number = a.current_version join version_themes t on t.version_id = v.id
                   where t.story = ? and t.theme = ?""",
                [story, theme],
            )
        }
        tagger = taggers[story]
        mine = [r for r in rows if r[0] in members or r[0] in tagged]
        focus_rows = [
            r
            for r in mine
            if r[0] in tagged
            or any(m.theme == theme for m in tagging.near_misses(tagger, r[2], r[3]))
        ]
        focus_ids = {r[0] for r in focus_rows}
        background_rows = [r for r in mine if r[0] not in focus_ids]
    else:
        focus_rows = [r for r in rows if story is None or r[0] in members]
        background_rows = [] if story is None else [r for r in rows if r[0] not in members]
    focus = _count((r[1], r[2], r[3]) for r in focus_rows)
    background = _count((r[1], r[2], r[3]) for r in background_rows) if background_rows else None

    kept: list[Candidate] = []
    for key, articles in focus.articles.items():
        if articles < min_articles:
            continue
        named = focus.sources[key] - {""}
        if len(named) < 2:
            continue
        kept.append(
            Candidate(
                focus.shown.get(key, key),
                focus.kinds.get(key, "phrase"),
                articles,
                len(named),
                _lift(key, focus, background),
            )
        )
    ranked = sorted(_fold(kept), key=lambda c: (-c.score, -c.articles, c.phrase.lower()))
    result: list[Candidate] = []
    for candidate in ranked:  # checking coverage is the slow part: only as far as needed
        if not coverage.covers(candidate.phrase):
            result.append(candidate)
            if len(result) == limit:
                break
    return result


def _theme_story(taggers: dict[str, tagging.StoryTagger], story: str | None, theme: str) -> str:
    owners = [
        slug
        for slug, t in taggers.items()
        if (story is None or slug == story) and any(th.slug == theme for th in t.parsed)
    ]
    if not owners:
        known = sorted(
            {th.slug for s, t in taggers.items() if story in (None, s) for th in t.parsed}
        )
        raise InputError(
            f"theme {theme!r}: not in {'story ' + repr(story) if story else 'any story'} "
            f"(known: {', '.join(known) or 'none'})"
        )
    if len(owners) > 1:
        raise InputError(
            f"theme {theme!r} is in several stories ({', '.join(owners)}); give --story"
        )
    return owners[0]
