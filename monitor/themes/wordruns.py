"""A text's runs of word characters (``\\w+``) with their offsets: what every term
finder reads (:mod:`monitor.themes.tokenmatch`, :mod:`monitor.themes.lemmas`, the gate
of :mod:`monitor.themes.matching`), cut once a text."""

from __future__ import annotations

import re
from itertools import accumulate, compress
from itertools import count as naturals
from operator import add

_SPLIT = re.compile(r"(\w+)")

#: the last texts split into runs (a rule and a taxonomy read the same text in turn)
_LAST_RUNS: dict[str, tuple[list[str], list[int], list[int]]] = {}


def runs(text: str) -> tuple[list[str], list[int], list[int]]:
    """The runs of word characters (``\\w+``) of ``text`` with their starts and ends."""
    found = _LAST_RUNS.get(text)
    if found is None:
        if text.isascii() or _narrow(text):
            found = _narrow_runs(text)
        else:
            # the pieces alternate between what separates runs and runs: their lengths
            # add up to the offsets
            pieces = _SPLIT.split(text)
            words = pieces[1::2]
            offsets = list(accumulate(map(len, pieces), initial=0))
            found = (words, offsets[1::2][: len(words)], offsets[2::2][: len(words)])
        if len(_LAST_RUNS) >= 2:
            _LAST_RUNS.clear()
        _LAST_RUNS[text] = found
    return found


#: each byte of an ASCII text: itself where ``\\w`` matches it, else a space
_WORD_BYTES = bytes(c if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)) + (b" " * 128)
#: a character outside ASCII that ``\\w`` matches (a letter, digit or mark of a script)
_WIDE_WORD = re.compile(r"[^\W\x00-\x7f]")
_ASCII_BYTES = bytes(range(128))


def outside_ascii(text: str) -> str:
    """The characters of ``text`` outside ASCII, in order (its UTF-8 with the ASCII bytes
    deleted: a few curly quotes and dashes in English news; a regex scan of the whole
    text for them costs ten times more)."""
    return (
        text.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_BYTES)
        .decode("utf-8", "surrogatepass")
    )


def _narrow(text: str) -> bool:
    """Whether every word character of ``text`` is ASCII."""
    return _WIDE_WORD.search(outside_ascii(text)) is None


def _narrow_runs(text: str) -> tuple[list[str], list[int], list[int]]:
    """:func:`runs` of a text whose word characters are all ASCII (news in English: its
    curly quotes, dashes and no-break spaces separate words). Each character becomes
    one byte (``?`` outside ASCII, then a space where it is no word character), so
    the offsets are the text's; the words are what a split on single spaces leaves
    between the empty pieces, and a piece begins where the ones before it end, plus
    one space each."""
    blank = text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii")
    pieces = blank.split(" ")
    words = list(filter(None, pieces))
    starts = list(compress(map(add, accumulate(map(len, pieces), initial=0), naturals()), pieces))
    return words, starts, list(map(add, starts, map(len, words)))
