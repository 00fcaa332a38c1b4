"""Reading figures in news text: a count or an amount, as written and as a value.

See :mod:`monitor.figures` for what counts as a figure and how changes are named.
This module finds them ("at least 40", "dozens", "$9.5bn", "Rs 12 lakh",
"kilkanaście") with the words around each, and skips numbers that belong to
names, dates, times, ordinals, levels and identifiers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import takewhile
from typing import NamedTuple

from monitor.analysis.figure_words import (
    AGE_WORDS,
    APPROX,
    APPROX_AFTER,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    DURATIONS,
    GENERIC_NOUNS,
    GLUED_ONLY_SCALES,
    ID_WORDS,
    MONTHS,
    NUMBER_WORDS,
    ONE_WORDS,
    PERCENT,
    RATE,
    SCALES,
    SENSE,
    STOP,
    VAGUE,
)

_TOKEN = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)"  # 1 200 000 (Polish thousands)
    r"|\d+(?:[.,]\d+)*"  # 1,200 / 3.5 / 6,5
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words
    r"|\S",  # one mark
    re.UNICODE,
)
_YEAR = re.compile(r"(1[89]|20)\d\d")
_CONJUNCTIONS = {"and", "or", "but", "while", "whereas", "i", "oraz", "lub", "ale", "zaś"}
_CLAUSE_END = set('.!?;,()[]—–|:"“”«»„')
_GLUED_UNITS = {
    "m", "mn", "bn", "b", "k", "tn", "km", "kg", "mph", "kph", "ft", "cm", "mm",
    "gb", "tb", "mb", "mw", "gw", "kw", "lbs", "lb", "mln", "mld", "tys", "x",
    "zł", "mi", "ha", "l", "g", "t",
}  # fmt: skip
_ORDINAL_SUFFIX = {"st", "nd", "rd", "th", "ty", "ego", "go", "ej"}


class Token(NamedTuple):
    """One token of a text: a number, a word or a mark, with its offsets (``low``,
    ``is_num`` and ``is_word`` are worked out once: they are read for every token)."""

    text: str
    start: int
    end: int
    low: str
    is_num: bool
    is_word: bool


_token = partial(tuple.__new__, Token)  # a Token from a tuple of its fields, made in C


@dataclass
class Figure:
    """One figure as written (``text``) and read (``low``..``high``, ``bound``)."""

    text: str
    low: float
    high: float
    bound: str  # "=", ">=", ">", "<", "<=", "~"
    unit: str  # "", "%", "$", "£", "zł", ... plus "/month" style rates
    near: list[str]  # sense keys of the words right next to it
    far: list[str]  # sense keys of the other words of its clause
    kind: str  # what happened to the counted: DEATH, INJURY, ARREST, MISSING or ""
    clause: list[str]
    start: int
    end: int

    @property
    def value(self) -> tuple[str, float, float, str]:
        return (self.bound, round(self.low, 6), round(self.high, 6), self.unit)


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, read line by line: no token spans a line break, so a
    line's tokens are those of the line alone, moved by its offset. Lines are
    cached: the two versions of an edited text share most of theirs."""
    out: list[Token] = []
    pos = 0
    for line in text.split("\n"):
        if line:
            words, starts, ends, lows, nums, alphas = _line_tokens(line)
            if pos:
                starts = tuple([s + pos for s in starts])
                ends = tuple([e + pos for e in ends])
            out.extend(map(_token, zip(words, starts, ends, lows, nums, alphas, strict=True)))
        pos += len(line) + 1
    return out


_Columns = tuple[
    tuple[str, ...],
    tuple[int, ...],
    tuple[int, ...],
    tuple[str, ...],
    tuple[bool, ...],
    tuple[bool, ...],
]


@lru_cache(maxsize=4096)
def _line_tokens(line: str) -> _Columns:
    """A line's tokens as columns: texts, starts, ends, lower-cased texts, numbers, words."""
    found = [(m.group(), *m.span()) for m in _TOKEN.finditer(line)]
    words = tuple([w for w, _, _ in found])
    return (
        words,
        tuple([s for _, s, _ in found]),
        tuple([e for _, _, e in found]),
        tuple([w.lower() for w in words]),
        tuple([w[0].isdigit() for w in words]),
        tuple([w[0].isalpha() for w in words]),
    )


@lru_cache(maxsize=16384)
def sense(word: str) -> str:
    """A crude language-blind stem: synonyms share a key (killed/dead/zginęło)."""
    low = word.lower()
    if low in SENSE:
        return SENSE[low]
    plain = "".join(
        c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c)
    ).replace("ł", "l")
    for prefix, key in SENSE_PREFIXES:
        if plain.startswith(prefix):
            return key
    for suffix in ("ing", "ed", "es", "s"):
        if plain.endswith(suffix) and len(plain) - len(suffix) >= (3 if suffix == "s" else 4):
            plain = plain[: -len(suffix)]
            break
    return plain[:4]


SENSE_PREFIXES = [
    (p, key)
    for key, prefixes in {
        "DEATH": (
            "kill",
            "dead",
            "die",
            "died",
            "death",
            "zgin",
            "zabit",
            "zmar",
            "ofiar",
            "smier",
        ),
        "INJURY": ("injur", "wound", "hurt", "rann", "poszkodow"),
        "ARREST": ("arrest", "detain", "detention", "zatrzym", "aresztow"),
        "MISSING": ("missing", "zagin"),
    }.items()
    for p in prefixes
]


def _number_value(text: str) -> float | None:
    raw = text.replace("\u00a0", " ").replace("\u202f", " ")
    if " " in raw:
        return float(raw.replace(" ", ""))
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", raw):  # 1.200.000
        return float(raw.replace(".", ""))
    if re.fullmatch(r"\d+,\d+", raw):  # Polish decimal comma: 6,5
        return float(raw.replace(",", "."))
    try:
        return float(raw)
    except ValueError:
        return None


def _glued(a: Token, b: Token) -> bool:
    return a.end == b.start


def _not_a_figure(toks: list[Token], i: int) -> bool:
    """Names, dates, times, years, ordinals, levels and identifiers."""
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else None
    prev2 = toks[i - 2] if i > 1 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    nxt2 = toks[i + 2] if i + 2 < len(toks) else None
    if _YEAR.fullmatch(tok.text):
        return True
    if prev and _glued(prev, tok):
        if prev.is_word and prev.low not in CURRENCY_BEFORE:  # G20, ABC7
            return True
        if prev.text in "-‑" and prev2 and _glued(prev2, prev) and _YEAR.fullmatch(prev2.text):
            return True  # the 23 of 2022-23
        if prev.text in "-‑" and prev2 and _glued(prev2, prev) and prev2.is_word:
            return True  # F-16, Covid-19
        if prev.text in "'’#№§":  # '90s, #3
            return True
        if prev.text == ":" and prev2 and prev2.is_num:  # 10:30
            return True
        if prev.text == "/" and prev2 and prev2.is_num and _glued(prev2, prev):
            return True  # 24/7, 9/11
    if nxt and _glued(tok, nxt):
        if nxt.is_word and nxt.low not in _GLUED_UNITS and nxt.low not in SCALES:
            return True  # 1990s, 5th, 8pm
        if len(nxt.text) == 1 and nxt.text.isupper() and not (prev and prev.text in "$£€¥₹"):
            return True  # 5G, 4K, 3D (but $72M)
        if nxt.text == ":" and nxt2 and nxt2.is_num and _glued(nxt, nxt2):
            return True
        if nxt.text in "-‑" and nxt2 and nxt2.is_word and nxt2.low in ("year", "years"):
            return False
        if nxt.text == "/" and nxt2 and nxt2.is_num:
            return True
        if nxt.text == "." and nxt2 and nxt2.is_word and nxt2.text[0].islower():
            return True  # Polish ordinal: 5. miejsce
    if nxt and nxt.low in ("am", "pm", "gmt", "bst", "utc", "cet", "cest", "et"):
        return True
    if nxt and nxt.low in ("a", "p") and nxt2 and nxt2.text == ".":  # 8 a.m.
        return True
    if nxt and nxt.low in _ORDINAL_SUFFIX and _glued(tok, nxt):
        return True
    if prev and (prev.low.rstrip(".") in MONTHS or prev.low in ID_WORDS):
        return True
    if prev and prev.text == "." and prev2 and prev2.low in MONTHS:  # Oct. 7
        return True
    if nxt and nxt.low.rstrip(".") in MONTHS:  # 12 March, 8 listopada
        return True
    if prev and prev.text == "," and prev2 and prev2.is_num and i > 2:
        p3 = toks[i - 3]
        if p3.low.rstrip(".") in MONTHS:  # March 12, 2023
            return True
    if (
        prev
        and prev.low in ("godz", "godzinie", "godziną", "godzina", "godzinę")
        or (prev and prev.text == "." and prev2 and prev2.low == "godz")
    ):
        return True
    return bool(  # UFC 289
        prev
        and prev.is_word
        and prev.text.isupper()
        and len(prev.text) >= 2
        and prev.low not in CURRENCY_BEFORE
        and prev.low not in STOP
    )


def _ends_clause(toks: list[Token], k: int) -> bool:
    tok = toks[k]
    if tok.text in _CLAUSE_END:
        return True
    if tok.text in "-‑":  # a spaced dash, not F-16 or half-a-dozen
        return not (k > 0 and _glued(toks[k - 1], tok)) and not (
            k + 1 < len(toks) and _glued(tok, toks[k + 1])
        )
    return False


def _clause_bounds(toks: list[Token], start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and not _ends_clause(toks, lo - 1):
        lo -= 1
    hi = end
    while hi < len(toks) and not _ends_clause(toks, hi):
        hi += 1
    return lo, hi


def _senses(words: list[Token]) -> list[str]:
    return [sense(t.text) for t in words if t.is_word and t.low not in STOP]


def figures(text: str) -> list[Figure]:
    """The figures of a text, in order."""
    return list(_figures(text))


@lru_cache(maxsize=64)
def _figures(text: str) -> tuple[Figure, ...]:
    toks = tokens(text)
    found: list[Figure] = []
    i = 0
    starts = _starts()
    while i < len(toks):
        tok = toks[i]
        if not tok.is_num and tok.low not in starts:  # no figure starts here
            i += 1
            continue
        figure, nxt = _figure_at(toks, i, text)
        if figure is not None:
            found.append(figure)
            i = nxt
        else:
            i += 1
    return tuple(found)


@lru_cache(maxsize=1)
def _starts() -> frozenset[str]:
    """The words (lower-cased) a figure can start with other than a number: the first
    word of an approximation, a vague quantity, a currency before, a number word ("one"
    only after an approximation). At any other word :func:`_figure_at` finds nothing."""
    return frozenset(
        {p[0] for p in APPROX}
        | {p[0] for p in VAGUE}
        | set(CURRENCY_BEFORE)
        | set(NUMBER_WORDS)
        | {"us"}  # US$
    )


#: per phrase table (by id): first word -> [(length, the phrases of that length)], longest first
_PHRASE_INDEX: dict[int, dict[str, list[tuple[int, set[tuple[str, ...]]]]]] = {}


def _phrase_at(toks: list[Token], i: int, phrases: Mapping[tuple[str, ...], object]) -> int:
    """Length (in tokens) of the longest phrase of ``phrases`` starting at ``i``."""
    index = _PHRASE_INDEX.get(id(phrases))
    if index is None:
        by_length: dict[str, dict[int, set[tuple[str, ...]]]] = {}
        for phrase in phrases:
            by_length.setdefault(phrase[0], {}).setdefault(len(phrase), set()).add(phrase)
        index = _PHRASE_INDEX[id(phrases)] = {
            first: sorted(groups.items(), key=lambda group: -group[0])
            for first, groups in by_length.items()
        }
    if i >= len(toks):
        return 0
    for n, group in index.get(toks[i].low, ()):
        if i + n <= len(toks) and tuple([t.low for t in toks[i : i + n]]) in group:
            return n
    return 0


def _core_at(toks: list[Token], i: int, text: str) -> tuple[float, float, int] | None:
    """A number, number word or vague quantity at ``i``: (low, high, tokens used)."""
    tok = toks[i]
    if tok.is_num:
        if _not_a_figure(toks, i):
            return None
        value = _number_value(tok.text)
        return None if value is None else (value, value, 1)
    n = _phrase_at(toks, i, VAGUE)
    if n:
        low, high = VAGUE[tuple(t.low for t in toks[i : i + n])]
        return low, high, n
    if tok.low in NUMBER_WORDS:
        value = NUMBER_WORDS[tok.low]
        # twenty-five / dwadzieścia pięć
        j = i + 1
        if j + 1 < len(toks) and toks[j].text in "-‑" and toks[j + 1].low in NUMBER_WORDS:
            j += 1
        if j < len(toks) and 0 < NUMBER_WORDS.get(toks[j].low, 0) < 10 <= value < 100:
            return value + NUMBER_WORDS[toks[j].low], value + NUMBER_WORDS[toks[j].low], j - i + 1
        return value, value, 1
    return None


def _figure_at(toks: list[Token], i: int, text: str) -> tuple[Figure | None, int]:
    start = i
    bound = "="
    n = _phrase_at(toks, i, APPROX)
    if n:
        bound = str(APPROX[tuple(t.low for t in toks[i : i + n])])
        i += n
    unit = ""
    if i < len(toks) and toks[i].low in CURRENCY_BEFORE:
        unit = CURRENCY_BEFORE[toks[i].low]
        i += 1
        if i < len(toks) and toks[i].text == "." and toks[i - 1].low == "rs":
            i += 1
    elif i + 1 < len(toks) and toks[i].low == "us" and toks[i + 1].text == "$":
        unit, i = "$", i + 2
    if i >= len(toks):
        return None, start + 1
    if toks[i].low in ONE_WORDS and bound != "=":
        core: tuple[float, float, int] | None = (1.0, 1.0, 1)
    else:
        core = _core_at(toks, i, text)
    if core is None:
        return None, start + 1
    low, high, used = core
    j = i + used
    # scales: 1.2 million, $9.5bn, 12 lakh, 3 tys., a few dozen
    while j < len(toks):
        word = toks[j].low
        if word in SCALES and (word not in GLUED_ONLY_SCALES or _glued(toks[j - 1], toks[j])):
            factor = SCALES[word]
            low, high = low * factor, high * factor
            j += 1
            if j < len(toks) and toks[j].text == "." and word in ("tys", "mln", "mld", "bln"):
                j += 1
        else:
            break
    if j < len(toks) and toks[j].low in PERCENT:
        unit, j = "%", j + 1
    elif j + 1 < len(toks) and toks[j].low == "per" and toks[j + 1].low == "cent":
        unit, j = "%", j + 2
    elif j < len(toks) and toks[j].low in CURRENCY_AFTER:
        unit, j = CURRENCY_AFTER[toks[j].low], j + 1
    if not unit and j + 1 < len(toks) and toks[j].text in "-‑" and _glued(toks[j - 1], toks[j]):
        follow = toks[j + 1].low
        if follow.startswith("letni") or (
            follow in ("year", "years") and j + 3 < len(toks) and toks[j + 3].low == "old"
        ):
            unit = "age"  # 63-year-old, 58-letnia
    if not unit and j < len(toks) and toks[j].low in DURATIONS:
        unit = "time:" + DURATIONS[toks[j].low]
    n = _phrase_at(toks, j, APPROX_AFTER)
    if n and bound == "=":
        bound = str(APPROX_AFTER[tuple(t.low for t in toks[j : j + n])])
        j += n
    n = _phrase_at(toks, j, RATE)
    if n and unit:
        unit += str(RATE[tuple(t.low for t in toks[j : j + n])])
        j += n
    if toks[i].is_word and toks[start].is_word and not unit and bound == "=" and used == 1:
        # a lone number word is a figure only before a noun ("two dams"), not in
        # "one of", "two-thirds", or as a pronoun
        before_word = toks[start - 1] if start > 0 else None
        if (j >= len(toks) or not toks[j].is_word) and (
            before_word is None or not before_word.is_word or before_word.low in STOP
        ):
            return None, start + 1
    lo, hi = _clause_bounds(toks, start, j)
    before = [t for t in toks[lo:start] if t.is_word and t.low not in STOP]
    after = [t for t in toks[j:hi] if t.is_word and t.low not in STOP]
    near = _senses(before[-1:]) + _senses(after[:1])
    far = _senses(before[-4:-1]) + _senses(after[1:4])
    # what happened to the counted: the nearest such word, after it on a tie
    # ... within its own conjunct: "killed 20 people and injured 96"
    right_toks = list(takewhile(lambda t: t.low not in _CONJUNCTIONS, toks[j:hi]))
    left_toks = list(takewhile(lambda t: t.low not in _CONJUNCTIONS, reversed(toks[lo:start])))
    right = [k for k in _senses(right_toks) if k not in GENERIC_NOUNS][:3]
    left = [k for k in _senses(left_toks) if k not in GENERIC_NOUNS][:3]
    kinds = [(d, 0, k) for d, k in enumerate(right) if k in CLASSES]
    kinds += [(d, 1, k) for d, k in enumerate(left) if k in CLASSES]
    kind = min(kinds)[2] if kinds else ""
    if not unit and before and before[-1].low in AGE_WORDS:
        unit = "age"  # aged 63, w wieku 58
    figure = Figure(
        text=text[toks[start].start : toks[j - 1].end],
        low=low,
        high=high,
        bound=bound,
        unit=unit,
        near=near,
        far=far,
        kind=kind,
        clause=_senses(toks[lo:hi]),
        start=toks[start].start,
        end=toks[j - 1].end,
    )
    return figure, j


CLASSES = {"DEATH", "INJURY", "ARREST", "MISSING"}
