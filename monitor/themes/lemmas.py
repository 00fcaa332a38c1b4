"""Words of a text with their lemmas, for matching terms on dictionary forms.

A term written in its dictionary form matches every form the lemmatiser maps to
it: "flee" matches "fled", "seize" matches "seized", "strike" matches "struck",
"displace" matches "displaced". The lemmatiser is simplemma (offline, its
dictionaries ship inside the package). Latin-script words are lemmatised as
English. Arabic-script words (Urdu, Pashto, Persian, Arabic) are first folded
to one spelling (Arabic ي/ك/ه/ة and Urdu ہ/ۃ to the Persian letters, short
vowel marks and tatweel dropped), looked up in simplemma's Persian dictionary
(Urdu and Pashto share much of that vocabulary), and then, since
simplemma has no Urdu or Pashto dictionary, Urdu's regular plural and oblique
endings (-وں, -یں, -یاں, -یوں, -ے) and a final ه/ا are dropped, so حملہ, حملے
and حملوں share one key.

Lemmas are cached (a news text repeats its words; a fetch run stores thousands
of texts per second).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy

from monitor.themes import matching, wordpass

# a word: letters/digits plus the combining marks of Latin and Arabic-script words
# (written as runs of letters, then of marks: much faster than one alternation a letter)
_M = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
_WORD = re.compile(rf"[^\W_]+(?:[{_M}]+[^\W_]*)*|[{_M}]+(?:[^\W_]+[{_M}]*)*", re.UNICODE)
#: what makes a word of :data:`_WORD` differ from a run of ``\\w``
_SPECIAL = re.compile(rf"[_{_M}]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_MARKS = re.compile(
    r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)
_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u06c1": "\u0647",  # Urdu heh goal -> heh
        "\u06c3": "\u0647",  # teh marbuta goal -> heh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u06d5": "\u0647",  # ae -> heh
        "\u0623": "\u0627",  # alef with hamza -> alef
        "\u0625": "\u0627",
        "\u0622": "\u0627",
    }
)
# Urdu plural / oblique endings, longest first, then a final vowel letter
_URDU_ENDINGS = (
    "\u06cc\u0648\u06ba",
    "\u06cc\u0627\u06ba",
    "\u0648\u06ba",
    "\u06cc\u06ba",
    "\u06d2",
)
_URDU_FINALS = ("\u0647", "\u0627")
_MIN_STEM = 2

#: the language simplemma lemmatises Latin-script words in
LATIN_LANG = "en"
ARABIC_LANGS = ("fa",)


def is_arabic_script(word: str) -> bool:
    return _ARABIC.search(word) is not None


def fold_arabic(word: str) -> str:
    """One spelling for Urdu, Persian and Arabic variants of a word (no vowel marks)."""
    return _MARKS.sub("", word).translate(_FOLD)


#: simplemma with its dictionaries decoded whole on first use (English: ~20 MB, ~3 µs a
#: new word), and with them read as needed (~2 MB, ~15 µs a new word; the same lemmas)
_WHOLE = Lemmatizer(lemmatization_strategy=DefaultStrategy())
_COMPACT = Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))
#: the one :func:`lemma` asks (:func:`compact` switches)
_lemmatizer = _WHOLE
_compact_depth = 0


@contextmanager
def compact() -> Iterator[None]:
    """Look words up in simplemma's compact dictionaries while this holds. A fetch or
    an add meets a few thousand new words, where ~18 MB less memory is worth ~12 µs more a
    word; a retag (every word of an archive, CPU-bound) keeps the whole ones. The lemmas
    are the same either way, and those already found stay cached."""
    global _lemmatizer, _compact_depth
    _compact_depth += 1
    _lemmatizer = _COMPACT
    try:
        yield
    finally:
        _compact_depth -= 1
        if not _compact_depth:
            _lemmatizer = _WHOLE


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The lower-cased dictionary form of ``word`` (or its Urdu key, see the module doc)."""
    lower = word.lower()
    if lower.endswith(("'s", "’s")):
        lower = lower[:-2]
    if is_arabic_script(lower):
        return _arabic_key(fold_arabic(lower))
    if not lower.isalpha():
        return lower
    found = _lemmatizer.lemmatize(lower, lang=LATIN_LANG)
    return found.lower() if isinstance(found, str) and found else lower


def _arabic_key(word: str) -> str:
    if not word:  # only vowel marks: nothing to look up (simplemma refuses "")
        return word
    for lang in ARABIC_LANGS:
        found = _lemmatizer.lemmatize(word, lang=lang)
        if found and found != word:
            return fold_arabic(found)
    stem = word
    for ending in _URDU_ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= _MIN_STEM:
            stem = stem[: -len(ending)]
            break
    if stem.endswith(_URDU_FINALS) and len(stem) - 1 >= _MIN_STEM:
        stem = stem[:-1]
    return stem


@lru_cache(maxsize=20_000)
def term_key(word: str) -> str | None:
    """The lemma a term's word matches on, or None when it matches only as written.

    A Latin-script word matches on its lemma only when it is written in its
    dictionary form ("flee", not "fled"): a term "closed" should not match
    "close". Arabic-script words always match on their key.
    """
    if word.endswith("*") or not word or (word.isupper() and len(word) > 1):
        return None  # wildcards and acronyms match as written
    key = lemma(word)
    if is_arabic_script(word) or key == word.lower():
        return key
    return None


class Tokens:
    """The words of a text: their spans and lemmas.

    Made from a text's runs (:func:`tokens`), the lemmas are looked up on first use:
    tagging reads the lemmas of the few words that can begin a term only
    (:meth:`LemmaIndex.find`, by :attr:`words`).
    """

    __slots__ = ("starts", "ends", "words", "_lemmas", "_base")

    def __init__(
        self,
        starts: list[int],
        ends: list[int],
        lemmas: list[str] | None = None,
        base: list[bool] | None = None,
        words: list[str] | None = None,
    ):
        if (lemmas is None or base is None) and words is None:
            raise ValueError("Tokens need lemmas and base flags, or the words")
        self.starts = starts
        self.ends = ends
        #: the words as written (None: only the lemmas were given)
        self.words = words
        self._lemmas = lemmas
        self._base = base

    def _fill(self) -> tuple[list[str], list[bool]]:
        if self._lemmas is None or self._base is None:
            known = _KNOWN
            hits = [known.get(word) or _lookup(word) for word in self.words or ()]
            self._lemmas = list(map(_FIRST, hits))
            self._base = list(map(_SECOND, hits))
        return self._lemmas, self._base

    @property
    def filled(self) -> bool:
        """Whether the lemmas have been looked up (or were given)."""
        return self._lemmas is not None

    @property
    def lemmas(self) -> list[str]:
        return self._fill()[0]

    @property
    def base(self) -> list[bool]:
        """Whether each word is written in its dictionary form (lower-cased)."""
        return self._fill()[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tokens):
            return NotImplemented
        return (self.starts, self.ends, self.lemmas, self.base) == (
            other.starts,
            other.ends,
            other.lemmas,
            other.base,
        )

    __hash__ = None  # type: ignore[assignment]  # (lists inside: as the dataclass was)

    def __repr__(self) -> str:
        return f"Tokens(starts={self.starts!r}, ends={self.ends!r}, lemmas={self.lemmas!r})"

    def __len__(self) -> int:
        return len(self.starts)

    def index_at(self, offset: int) -> int:
        """The index of the word at or before character ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)


#: word -> (lemma, whether the word is its own lemma): a plain dict is faster than
#: lru_cache for the hundreds of lookups a text makes; cleared when it grows large
_KNOWN: dict[str, tuple[str, bool]] = {}
_KNOWN_MAX = 200_000
#: the last texts tokenised (a rule and a taxonomy read the same text one after the other)
_LAST: dict[str, Tokens] = {}
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _lookup(word: str) -> tuple[str, bool]:
    found = _KNOWN.get(word)
    if found is None:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.clear()
        key = lemma(word)
        found = _KNOWN[word] = (key, key == word.lower())
    return found


def tokens(text: str) -> Tokens:
    found = _LAST.get(text)
    if found is not None:
        return found
    # (an ASCII text has no combining mark: only an underscore can make it special)
    if "_" not in text and (
        text.isascii() or _SPECIAL.search(matching.outside_ascii(text)) is None
    ):
        # no underscore and no combining mark: the words are exactly the runs of ``\\w``
        # (the runs' lists are shared with :func:`matching.runs`'s cache: nobody
        # changes them)
        words, starts, ends = matching.runs(text)
        found = Tokens(starts, ends, words=words)
    else:
        found = tokens_reference(text)
    if len(_LAST) >= 2:
        _LAST.clear()
    _LAST[text] = found
    return found


def tokens_reference(text: str) -> Tokens:
    """:func:`tokens` word by word with the full word pattern (the reference; no cache)."""
    starts: list[int] = []
    ends: list[int] = []
    keys: list[str] = []
    base: list[bool] = []
    known = _KNOWN
    for m in _WORD.finditer(text):
        word = m.group()
        hit = known.get(word) or _lookup(word)
        starts.append(m.start())
        ends.append(m.end())
        keys.append(hit[0])
        base.append(hit[1])
    return Tokens(starts, ends, keys, base)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


_Term = tuple[str, tuple[str, ...]]
_WordPlan = tuple[tuple[str, ...], dict[str, list[_Term]], bool]


class LemmaIndex:
    """Find terms (sequences of lemmas) in a text's :class:`Tokens`.

    Only terms whose every word has a :func:`term_key` are indexed (a wildcard
    or an inflected form written in a term matches on its surface only). With
    ``passes``, :meth:`find` with ``inflected`` on a text's words reads the group's
    one pass over them (:mod:`monitor.themes.wordpass`).
    """

    def __init__(self, terms: Iterable[str], passes: wordpass.Passes | None = None):
        self.first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for term in dict.fromkeys(terms):
            keys = [term_key(w) for w in words(term)]
            if not keys or any(k is None for k in keys) or "*" in term:
                continue
            seq = tuple(k for k in keys if k is not None)
            self.first.setdefault(seq[0], []).append((term, seq))
        for found in self.first.values():  # longest first at one place
            found.sort(key=lambda item: -len(item[1]))
        #: word as written -> what its lemma can begin (:meth:`_plan`) ...
        self._plans: dict[str, _WordPlan | None] = {}
        #: ... and the same for :meth:`find` with ``inflected``
        self._inflected: dict[str, _WordPlan | None] = {}
        self.passes: wordpass.Passes | None = None
        if passes is not None and self.first:
            self.passes = passes
            passes.join(self)

    def __bool__(self) -> bool:
        return bool(self.first)

    def judge(self, words: set[str]) -> list[str]:
        """The words whose lemma begins a term (:meth:`find` with ``inflected``), each
        judged into the memo once (:class:`wordpass.Member`)."""
        plans = self._inflected
        out: list[str] = []
        for word in words:
            if word in plans:
                plan = plans[word]
            else:
                plan = plans[word] = self._plan(word, True)
            if plan:
                out.append(word)
        return out

    def forget(self) -> None:
        self._inflected.clear()

    def find(self, toks: Tokens, inflected: bool = False) -> list[tuple[str, int, int]]:
        """``(term, first word, last word + 1)`` of every occurrence, longest first at a place.

        ``inflected``: only occurrences with a word not in its dictionary form (the
        others are the term as written, which a surface scan finds already).
        """
        if toks.words is not None and not toks.filled:
            return self._find_words(toks.words, inflected)
        out: list[tuple[str, int, int]] = []
        lemmas = toks.lemmas
        base = toks.base
        size = len(lemmas)
        first = self.first
        # the places whose lemma begins a term, picked out in one comprehension
        for i in [i for i, key in enumerate(lemmas) if key in first]:
            for term, seq in first[lemmas[i]]:
                n = len(seq)
                if n == 1:  # (the commonest: one word, no slices to compare)
                    if not (inflected and base[i]):
                        out.append((term, i, i + 1))
                elif i + n <= size and tuple(lemmas[i : i + n]) == seq:
                    if inflected and all(base[i : i + n]):
                        continue
                    out.append((term, i, i + n))
        return out

    def _find_words(self, words: list[str], inflected: bool) -> list[tuple[str, int, int]]:
        """:meth:`find` on the words as written: only the words whose lemma begins a
        term (known by word, once) have their lemmas looked up, and what follows them."""
        plans = self._inflected if inflected else self._plans
        if inflected and self.passes is not None:
            # (every word judged; the group's one pass, narrowed to this index's words)
            found = [i for i in self.passes.positions(words) if plans[words[i]]]
        else:
            new = set(words).difference(plans)
            if new:
                if len(plans) > _KNOWN_MAX:
                    plans.clear()
                    new = set(words)
                for word in new:
                    plans[word] = self._plan(word, inflected)
            found = [i for i, word in enumerate(words) if plans[word]]
        known = _KNOWN
        size = len(words)
        out: list[tuple[str, int, int]] = []
        for i in found:
            plan = plans[words[i]]
            assert plan is not None
            singles, by_second, is_base = plan
            if by_second and i + 1 < size:  # (longest first at a place)
                second = words[i + 1]
                key_1, base_1 = known.get(second) or _lookup(second)
                for term, seq in by_second.get(key_1, ()):
                    # (its first two words are these: the rest word by word)
                    n = len(seq)
                    if i + n > size:
                        continue
                    whole, every_base = True, is_base and base_1
                    for k in range(2, n):
                        word = words[i + k]
                        key_k, base_k = known.get(word) or _lookup(word)
                        if key_k != seq[k]:
                            whole = False
                            break
                        every_base = every_base and base_k
                    if whole and not (inflected and every_base):
                        out.append((term, i, i + n))
            for term in singles:
                out.append((term, i, i + 1))
        return out

    def _plan(self, word: str, inflected: bool) -> _WordPlan | None:
        """What :meth:`_find_words` does at ``word``: the one-word terms it is, the terms
        of several words it can begin (by their second word's key), whether it is its
        own lemma; None when its lemma begins no term."""
        key, is_base = _lookup(word)
        terms = self.first.get(key)
        if not terms:
            return None
        # (a one-word term written as the word is the surface scan's: skipped when
        # only the inflected occurrences are asked for)
        singles = tuple(t for t, seq in terms if len(seq) == 1 and not (inflected and is_base))
        by_second: dict[str, list[_Term]] = {}
        for term, seq in terms:
            if len(seq) > 1:
                by_second.setdefault(seq[1], []).append((term, seq))
        if not singles and not by_second:
            return None
        return singles, by_second, is_base
