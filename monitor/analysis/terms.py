"""Distinctive terms of one body of text against another.

Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
and Quinn 2008, "Fightin' Words", section 3.5.1). The prior comes from a
background corpus (all stored text), so a word seen once is pulled towards its
background rate and rare noise does not dominate; the z-score divides by the
estimate's standard deviation, so frequent and rare words are comparable.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import regex

# a token: letters and digits with their combining marks, in every script (the regex
# module's \w holds marks: Hindi, Bengali, Arabic-script vowel signs stay in the word)
_TOKEN = regex.compile(r"[^\W_]+")
# the same tokens; kept for the fast path below (the regex module's \w holds the marks)
_PLAIN_TOKEN = _TOKEN
_HAS_MARK = regex.compile(r"\p{M}")

_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could did didn do does doesn doing don
    down during each few for from further had hadn has hasn have haven having he her here hers
    herself him himself his how i if in into is isn it its itself just let me more most much
    must my myself no nor not now of off on once only or other ought our ours ourselves out over
    own same said says say she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up upon us very was wasn we
    were weren what when where which while who whom why will with won would wouldn you your
    yours yourself yourselves s t ll re ve d m one two also mr ms mrs per via would could may
    might new told according year years since will like including however
    کے کی کا میں سے اور کو نے ہے ہیں پر یہ وہ تھا تھی تھے ہو گیا گئی گئے کہ بھی ایک کر کیا
    جو اس ان لیے لئے ساتھ تک جس جن ہوا ہوئے ہوئی رہا رہی رہے دیا دی گا گی والے والی نہیں
    کہا اپنے اپنی بعد کیلئے کے لیے
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@functools.lru_cache(maxsize=200_000)
def _fold(token: str) -> str:
    """Lower-case and drop Latin diacritics (as the FTS index does: remove_diacritics 2)."""
    if token.isascii():
        return token.lower()
    out: list[str] = []
    base_latin = False
    for ch in unicodedata.normalize("NFD", token.lower()):
        if unicodedata.combining(ch):
            if base_latin:
                continue
        else:
            base_latin = ord(ch) < 0x250
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def tokens(text: str) -> Iterable[str]:
    """Content words of ``text``: folded, stopwords and pure numbers and 1-letter tokens out."""
    for match in _TOKEN.finditer(text):
        word = _fold(match.group(0))
        if len(word) < 2 or word.isdigit() or word in STOPWORDS:
            continue
        yield word


def _keep(word: str) -> bool:
    return not (len(word) < 2 or word.isdigit() or word in STOPWORDS)


def count(texts: Iterable[str]) -> Counter[str]:
    """Occurrences of the content words of ``texts`` (as :func:`tokens` gives them).

    The raw tokens are counted in C first; each distinct one is folded and filtered
    once (a window of 20,000 articles has millions of tokens, ~100,000 distinct).
    A text that is ASCII once its common typographic punctuation (curly quotes,
    dashes, ellipsis, no-break space: separators either way) is blanked is split by
    ``bytes.translate`` + ``split``, lower-cased on the way: about half the cost of a
    pattern's ``findall``."""
    raw: Counter[str] = Counter()
    fast: Counter[bytes] = Counter()
    for text in texts:
        data = _ascii_bytes(text)
        if data is not None:
            fast.update(data.translate(_BYTE_TOKENS).split())
        else:
            raw.update((_TOKEN if _HAS_MARK.search(text) else _PLAIN_TOKEN).findall(text))
    byte_words = _BYTE_WORDS
    if len(byte_words) > _WORDS_MAX:
        byte_words.clear()
    for data in set(fast).difference(byte_words):
        decoded = data.decode("ascii")  # (already lower-case: ASCII folds so)
        byte_words[data] = decoded if _keep(decoded) else None
    # (one lower-case ASCII token is one word: no two add up)
    known = byte_words.__getitem__
    counts: Counter[str] = Counter(
        {word: n for data, n in fast.items() if (word := known(data)) is not None}
    )
    words = _WORDS
    if len(words) > _WORDS_MAX:
        words.clear()
    for token, n in raw.items():
        word = words.get(token, "")
        if word == "":
            folded = _fold(token)
            word = words[token] = folded if _keep(folded) else None
        if word is not None:
            counts[word] += n
    return counts


#: ASCII letters lower-cased, digits kept, every other byte a space: on ASCII text
#: the tokens of :data:`_TOKEN` (``[A-Za-z0-9]+`` there), folded, are the ``split()``
#: of the text translated so
_BYTE_TOKENS = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256)
)
#: typographic punctuation and spaces common in news text: none is a word character,
#: so blanking them keeps the tokens (and leaves many texts all ASCII)
_TYPOGRAPHIC = tuple(
    ch.encode("utf-8")
    for ch in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0\u2022\u00ab\u00bb"
)


def _ascii_bytes(text: str) -> bytes | None:
    """``text`` as ASCII bytes with :data:`_TYPOGRAPHIC` blanked, or None if it has
    other non-ASCII characters (the pattern then reads it)."""
    if text.isascii():
        return text.encode("ascii")
    data = text.encode("utf-8")
    for mark in _TYPOGRAPHIC:
        if mark in data:
            data = data.replace(mark, b" ")
    return data if data.isascii() else None


#: raw token -> its content word (None: a stopword, a number, one letter), for
#: :func:`count`: the days of a window share most of their tokens
_WORDS: dict[str, str | None] = {}
#: the same for the lower-cased ASCII tokens of the bytes path
_BYTE_WORDS: dict[bytes, str | None] = {}
_WORDS_MAX = 500_000


@dataclass
class Term:
    term: str
    count: int  # occurrences in the focus text
    previous: int  # occurrences in the comparison text
    score: float  # z-score of the log-odds ratio; > 0: more in the focus text


def log_odds(
    focus: Mapping[str, int],
    other: Mapping[str, int],
    background: Mapping[str, int],
    prior_strength: float | None = None,
    background_total: int | None = None,
) -> list[Term]:
    """Every word of ``focus`` or ``other`` scored, most distinctive of ``focus`` first.

    ``background`` counts give the prior's shape; ``prior_strength`` (alpha_0) its
    weight, by default as many tokens as the two texts together. A word missing from
    the background gets its count in the two texts as background. ``background_total``
    is the size of the whole background when ``background`` holds only some words.
    """
    n_focus, n_other = sum(focus.values()), sum(other.values())
    vocab = set(focus) | set(other)
    if not vocab:
        return []
    bg = {w: max(background.get(w, 0), focus.get(w, 0) + other.get(w, 0)) for w in vocab}
    total = background_total if background_total is not None else sum(background.values())
    bg_total = max(total, sum(bg.values()))
    alpha0 = prior_strength if prior_strength is not None else float(n_focus + n_other)
    scored: list[Term] = []
    for w in vocab:
        alpha = alpha0 * bg[w] / bg_total
        if alpha <= 0:
            continue
        y1, y2 = focus.get(w, 0), other.get(w, 0)
        d1 = n_focus + alpha0 - y1 - alpha
        d2 = n_other + alpha0 - y2 - alpha
        if d1 <= 0 or d2 <= 0:
            continue
        delta = math.log((y1 + alpha) / d1) - math.log((y2 + alpha) / d2)
        variance = 1.0 / (y1 + alpha) + 1.0 / (y2 + alpha)
        scored.append(Term(w, y1, y2, delta / math.sqrt(variance)))
    scored.sort(key=lambda t: (-t.score, t.term))
    return scored
