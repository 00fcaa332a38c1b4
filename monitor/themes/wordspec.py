"""A term's words as the runs of word characters they match (for :mod:`monitor.themes.
tokenmatch`): which forms of a word its pattern takes (:func:`word_spec`), the letters
every match of a term begins with, and the order the alternation tries terms in."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache

from monitor.themes import matching
from monitor.themes.matching import _literal_prefix, term_body

try:  # the letters case-insensitive matching treats as equal beyond lower()/upper()
    _EXTRA_CASES: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
except (ImportError, AttributeError):  # pragma: no cover - CPython before 3.11
    _EXTRA_CASES = {}

#: how a form of a word takes a possessive after it: not at all, as soon as it can
#: (``(?:'s)?`` after the word), or only when nothing else fits (``y|y's``)
NONE, GREEDY, LAZY = 0, 1, 2
#: a word's kind: any run beginning with letters, a case-sensitive run, a run in any case
WILD, EXACT, FOLD = 0, 1, 2


WordSpec = tuple[int, "str | dict[str, int]"]


def _plain_word(word: str) -> bool:
    """Every character a word character whose case-insensitive matching is lower()."""
    if word.isascii():  # (every ASCII character is plain: letters, digits and "_" only)
        return not word or word.replace("_", "a").isalnum()
    return _plain_word_reference(word)


def _plain_word_reference(word: str) -> bool:
    """:func:`_plain_word` character by character (the reference)."""
    return all(matching._is_word_char(c) and matching._plain(c) for c in word)


@lru_cache(maxsize=20_000)
def word_spec(word: str) -> WordSpec | None:
    """The runs a term's word matches, as :func:`matching._word_regex` does, or None
    when the word is not a plain run of word characters. (Cached: a taxonomy's words
    recur in its scan and in each theme's; the forms' dict is shared, read only.)"""
    wild = word.endswith("*")
    core = word[:-1] if wild else word
    if not core or not _plain_word(core):
        return None
    if wild:
        return WILD, core.lower()
    if matching._acronym(word):
        return EXACT, {word: GREEDY}
    if not word.isalpha() or len(word) <= 3 or word.isupper():
        return FOLD, {word.lower(): GREEDY}
    stem = matching._stem(word).lower()
    if stem.endswith("y") and len(stem) > 3:
        return FOLD, {stem[:-1] + "y": LAZY, stem[:-1] + "ies": NONE}
    if stem.endswith("e"):
        base = stem[:-1]
        return FOLD, {base + "e": LAZY, base + "es": NONE, base + "ed": NONE, base + "ing": NONE}
    forms = {stem + ending: NONE for ending in ("s", "es", "ed", "d", "ing")}
    forms[stem] = GREEDY
    return FOLD, forms


@lru_cache(maxsize=4096)
def _fold_class(char: str) -> frozenset[str]:
    """The lower-case letters case-insensitive matching takes ``char`` for."""
    low = char.lower()
    found = {low, char.upper().lower()}
    found.update(chr(c) for c in _EXTRA_CASES.get(ord(low), ()))
    return frozenset(found)


@lru_cache(maxsize=4096)
def _matches_letter(letter: str, char: str) -> bool:
    return re.fullmatch(re.escape(letter), char, re.IGNORECASE | re.UNICODE) is not None


@lru_cache(maxsize=20_000)
def literal_prefix(term: str) -> str:
    """The letters every match of ``term`` begins with (lower-cased; "" if none, or no words)."""
    try:
        return _literal_prefix(term_body(term))[0]
    except ValueError:
        return ""


def _slow(term: str) -> bool:
    """:func:`matching._empty_or_invalid` without compiling a pattern for ordinary terms."""
    return not literal_prefix(term) and matching._empty_or_invalid(term)


def ordered_terms(terms: list[str]) -> list[str]:
    """The terms in :func:`matching.alternation`'s group order."""
    return sorted(dict.fromkeys(terms), key=lambda t: (-len(t.split()), -len(t)))
