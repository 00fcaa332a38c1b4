"""Term matching shared by story relevance rules and theme tagging.

Case-insensitive, Unicode-aware, on word boundaries; a term matches its common
inflections ("negotiation" matches "negotiations", "strike" matches "strikes",
"strikes" matches "strike"); ``*`` at the end of a word matches any ending
("negotiat*"); a phrase of several words allows any run of whitespace or a
hyphen between them, and a hyphen in a term is a word break ("cross-border"
matches "cross border" and "cross-border"). An acronym of two to five capital
letters matches in capitals only ("US" not "us", "WHO" not "who").
"""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.themes.wordruns import (  # noqa: F401 - the runs' names, re-exported
    _LAST_RUNS,
    outside_ascii,
    runs,
)

# Endings a plain word may take and still be "the same term" (English inflection,
# possessive). Kept conservative: "attack" matches "attacks/attacked/attacking",
# not "attacker".
_SUFFIX = r"(?:s|es|'s|’s|ed|d|ing)?"


def _stem(word: str) -> str:
    """Strip one plural/inflection ending so both forms share a root."""
    lower = word.lower()
    for ending in ("ies", "es", "s"):
        if len(lower) > 4 and lower.endswith(ending) and not lower.endswith("ss"):
            if ending == "ies":
                return word[:-3] + "y"
            if ending == "es" and lower[-3] in "sxz" or lower.endswith(("ches", "shes")):
                return word[:-2]
            if ending == "s":
                return word[:-1]
    return word


def _acronym(word: str) -> bool:
    """Two to five capital letters (Latin): matched case-sensitively."""
    return 2 <= len(word) <= 5 and word.isascii() and word.isalpha() and word.isupper()


def _word_regex(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    if _acronym(word):
        # acronyms (US, WHO, RAW, TTP) match in capitals only: not "us", "who", "raw"
        # (the letters first, checked for case behind: the pattern's trie can use them)
        return re.escape(word) + "(?<=(?-i:" + re.escape(word) + r"))(?:'s|’s)?"
    if not word.isalpha() or len(word) <= 3 or word.isupper():
        # short words and numbers: exact, possessive allowed
        return re.escape(word) + r"(?:'s|’s)?"
    stem = _stem(word)
    if stem.lower().endswith("y") and len(stem) > 3:
        return re.escape(stem[:-1]) + r"(?:y|ies|y's|y’s)"
    if stem.lower().endswith("e"):
        return re.escape(stem[:-1]) + r"(?:e|es|ed|ing|e's|e’s)"
    return re.escape(stem) + _SUFFIX


_FLAGS = re.IGNORECASE | re.UNICODE
_BREAK = re.compile(r"\s+|(?<=\w)[-‐–](?=\w)")
_JOIN = r"(?:\s+|\s*[-‐–]\s*)"


def term_body(term: str) -> str:
    """The pattern for ``term`` without the word boundaries around it."""
    # a hyphen in a term is a word break too: "cross-border" matches "cross border"
    words = [w for w in _BREAK.split(term) if w]
    if not words:
        raise ValueError("empty term")
    return _JOIN.join(_word_regex(w) for w in words)


@lru_cache(maxsize=4096)
def term_regex(term: str) -> re.Pattern[str]:
    """Compile one term or phrase to a case-insensitive word-bounded pattern."""
    return re.compile(rf"(?<!\w){term_body(term)}(?!\w)", _FLAGS)


def alternation(terms: list[str]) -> tuple[re.Pattern[str], list[str]]:
    """One pattern matching any of ``terms``: group ``t<i>`` is ``ordered[i]``.

    Scanning a text once with one pattern is much faster than once per term,
    and the pattern is a trie over the terms' literal beginnings (``t(?:alks|
    ruce)``), so at each position the regex engine tries one branch per letter
    instead of every term. Longer terms come first, so "peace talks" wins over
    "peace" at the same place. Returns the pattern and the terms in group order.
    """
    ordered = sorted(dict.fromkeys(terms), key=lambda t: (-len(t.split()), -len(t)))
    if not ordered:
        raise ValueError("no terms")
    items = [(*_literal_prefix(term_body(t)), i) for i, t in enumerate(ordered)]
    return re.compile(rf"(?<!\w){_trie(items)}(?!\w)", _FLAGS), ordered


def _literal_prefix(body: str) -> tuple[str, str]:
    """Split a term pattern into its leading literal letters (lower-cased) and the rest."""
    n = 0
    while n < len(body) and body[n].isalnum() and len(body[n].lower()) == 1:
        n += 1
    return body[:n].lower(), body[n:]


def _trie(items: list[tuple[str, str, int]]) -> str:
    """Alternation of ``(literal prefix, rest, index)`` items factored on shared letters."""
    by_char: dict[str, list[tuple[str, str, int]]] = {}
    ends: list[str] = []
    for prefix, rest, index in items:
        if prefix:
            by_char.setdefault(prefix[0], []).append((prefix[1:], rest, index))
        else:
            ends.append(f"(?P<t{index}>{rest})")
    branches = [re.escape(char) + _trie(group) for char, group in by_char.items()] + ends
    if len(branches) == 1 and not ends:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def count_terms(pattern: re.Pattern[str], ordered: list[str], text: str) -> dict[str, int]:
    """How often each term of an :func:`alternation` pattern occurs in ``text``."""
    counts: dict[str, int] = {}
    for match in pattern.finditer(text):
        term = ordered[int(match.lastgroup[1:])] if match.lastgroup else match.group(0)
        counts[term] = counts.get(term, 0) + 1
    return counts


def find_all(term: str, text: str) -> list[re.Match[str]]:
    return list(term_regex(term).finditer(text))


def contains(term: str, text: str) -> bool:
    return term_regex(term).search(text) is not None


_START = re.compile(r"(?<!\w)")


class TermScanner:
    """Which of a fixed set of terms occur in a text, from one scan of one pattern.

    Exactly :func:`contains` for each term, but a text is scanned once by the
    :func:`alternation` of all the terms instead of once per term. The
    alternation's matches do not overlap, so one term can hide another that
    starts inside its match (or at the same place, where the other won); but
    every occurrence of any term starts inside some match of the alternation
    (where nothing of it matched, the scan tried every position). So only the
    places inside the matches where a term can begin (after a non-word
    character) are looked at again, each with one pattern that tries every
    term there (:attr:`at`: one optional lookahead group a term). A text where
    the scan finds nothing contains none of the terms, at the cost of the scan.

    Terms that can match the empty string (``*`` alone) break that reasoning and
    are checked one by one, as :func:`contains` does.
    """

    def __init__(self, terms: list[str], fast: bool = True):
        self.terms = list(dict.fromkeys(terms))
        self.slow = {t for t in self.terms if _empty_or_invalid(t)}
        plain = [t for t in self.terms if t not in self.slow]
        self.scanned = frozenset(plain)
        self.pattern: re.Pattern[str] | None
        self.pattern, self.ordered = alternation(plain) if plain else (None, [])
        # group i + 1 captures when ordered[i] matches right here
        # (compiled on first use: a taxonomy has a scanner a theme, most letters never
        # come up, and compiling them all cost most of a taxonomy's compile time)
        self._at_compiled: dict[str | None, tuple[re.Pattern[str], list[str]]] = {}
        # the same for the terms that can start with one letter (lower-cased), plus the
        # terms that start with no literal letter: a place is tried against a few terms,
        # not all of them
        by_letter: dict[str, list[str]] = {}
        anywhere: list[str] = []
        for t in self.ordered:
            prefix = _literal_prefix(term_body(t))[0]
            if prefix:
                by_letter.setdefault(prefix[0], []).append(t)
            else:
                anywhere.append(t)
        self.at_letter = {c: ts + anywhere for c, ts in by_letter.items()}
        self.at_other = anywhere
        #: finds the pattern's matches looking only where a term can start (None: the
        #: plain scan, kept as the reference the tests compare with)
        self.gate = Gate(self.pattern, self.ordered) if fast and self.pattern else None
        self._at_memo: dict[str, tuple[str, ...]] = {}

    def scan(self, text: str) -> TermPresence:
        places = self.places(text)
        return TermPresence(self, text, set(places), places)

    def found(self, text: str) -> set[str]:
        """The scanned terms (not :attr:`slow`) that occur in ``text``."""
        return set(self.places(text))

    def places(self, text: str) -> dict[str, list[int]]:
        """Where each scanned term that occurs in ``text`` starts (offsets, in order)."""
        found: dict[str, list[int]] = {}
        if self.pattern is None:
            return found
        if self.gate is not None and self.gate.on:
            return self._places_gated(text)
        for span in self.pattern.finditer(text):
            for start in _START.finditer(text, span.start(), span.end()):
                place = start.start()
                for term in self._at_place(text, place):
                    found.setdefault(term, []).append(place)
        return found

    def _at_place(self, text: str, place: int) -> list[str]:
        """The terms that match at ``place`` (one anchored pattern of a few terms)."""
        letter = text[place : place + 1].lower()
        key: str | None
        if len(letter) == 1 and letter in self.at_letter:
            key = letter
        elif len(letter) == 1 and letter.isascii():
            if not self.at_other:
                return []  # no term starts with this letter, nor without one
            key = ""
        else:  # a letter whose case folding is not one letter: try every term
            key = None
        found = self._at_compiled.get(key)
        if found is None:
            terms = self.ordered if key is None else self.at_letter.get(key, self.at_other)
            found = self._at_compiled[key] = (_at_pattern(terms), terms)
        at, ordered = found
        here = at.match(text, place)
        if here is None:
            return []
        return [ordered[i] for i, g in enumerate(here.groups()) if g is not None]

    def _places_gated(self, text: str) -> dict[str, list[int]]:
        """:meth:`places` from the :class:`Gate`'s matches, each place's answer remembered
        by the window of text its terms can read (every term begins with a letter or
        digit, so only the starts of runs of word characters inside a match can hold
        one, and only those whose run can begin a term)."""
        assert self.gate is not None
        gate = self.gate
        memo = self._at_memo
        if len(memo) > _GATE_MEMO_MAX:
            memo.clear()
        found: dict[str, list[int]] = {}
        for span_start, span_end, _ in gate.finditer(text):
            for start in _START.finditer(text, span_start, span_end):
                place = start.start()
                run = _RUN.match(text, place)
                if run is None:
                    continue
                reach = gate.reach(run.group())
                if reach is None:
                    continue
                window = gate.window(text, place, reach)
                terms = memo.get(window)
                if terms is None:
                    terms = memo[window] = tuple(self._at_place(text, place))
                for term in terms:
                    found.setdefault(term, []).append(place)
        return found


def _at_pattern(terms: list[str]) -> re.Pattern[str]:
    """Group i + 1 captures when ``terms[i]`` matches right at the place tried."""
    return re.compile(
        r"(?<!\w)" + "".join(rf"(?:(?=({term_body(t)})(?!\w))|)" for t in terms), _FLAGS
    )


def _empty_or_invalid(term: str) -> bool:
    try:
        return re.fullmatch(term_body(term), "", _FLAGS) is not None
    except ValueError:  # no words: contains() raises it, at the same moment as before
        return True


class TermPresence:
    """The answer of :meth:`TermScanner.scan` for one text: ``has(term)``."""

    def __init__(
        self,
        scanner: TermScanner,
        text: str,
        found: set[str],
        places: dict[str, list[int]] | None = None,
    ):
        self.scanner = scanner
        self.text = text
        self.found = found
        self._places = places

    def starts(self, term: str) -> list[int]:
        """Where ``term`` starts in the text (offsets)."""
        if term in self.scanner.scanned and self._places is not None:
            return self._places.get(term, [])
        return [m.start() for m in find_all(term, self.text)]

    def has(self, term: str) -> bool:
        if term in self.scanner.scanned:
            return term in self.found
        return contains(term, self.text)  # not scanned: the plain way


# --- an alternation's matches without trying every place of the text ---

_RUN = re.compile(r"\w+")
_GATE_MEMO_MAX = 200_000
_NEVER = re.compile(r"(?!)")


@lru_cache(maxsize=64)
def _runs(n: int) -> re.Pattern[str]:
    """n runs of word characters and what separates them (fewer at the end of the text)."""
    return re.compile(rf"\w+(?:\W+\w+){{0,{n - 1}}}")


#: a match found by :class:`Gate`: ``(start, end, name of the term's group)``
Found = tuple[int, int, str | None]


@lru_cache(maxsize=20_000)
def _first_word(body: str) -> re.Pattern[str]:
    """A term's first word pattern, compiled on first use (most are never needed)."""
    return re.compile(body, _FLAGS)


def _is_word_char(char: str) -> bool:
    """``\\w`` of :mod:`re` on ``str`` (letters and digits of every script, underscore)."""
    return char.isalnum() or char == "_"


def _plain(char: str) -> bool:
    """A character case-insensitive matching treats simply: ASCII, or without case."""
    return char.isascii() or char.lower() == char == char.upper()


def _extent(term: str) -> tuple[int, int]:
    """How far a match of ``term`` can read: ``(runs of word characters, characters after)``.

    Each word of the term is its runs of word characters, plus one run for a
    possessive ("'s") before the next word; after the last run come the word's
    trailing non-word characters, a possessive and the look at one more character.
    """
    words = [w for w in _BREAK.split(term) if w]
    runs = [len(_RUN.findall(w.removesuffix("*"))) for w in words]
    last = words[-1].removesuffix("*")
    trailing = len(last) - len(re.sub(r"\W+$", "", last))
    return sum(runs) + len(words) - 1, trailing + 3


class Gate:
    """The matches of an :func:`alternation`, exactly as ``pattern.finditer`` finds them,
    trying the pattern only where a word can begin a term, and once per distinct
    stretch of text.

    Every term begins with a letter or digit after a non-word character, and the
    pattern of its first word is followed in the term by a space, a hyphen or the
    end of the term (never a word character); so a match starts where a run of
    word characters (``\\w+``) starts, and when the first word is written in
    word characters only, its pattern matches that whole run (a possessive "'s"
    after it is optional). Each distinct run is judged once (memo): the terms it
    can begin, and how far those can read (:func:`_extent`: a number of runs
    and a few characters after them). The anchored pattern at such a place reads
    nothing outside that window (the terms that cannot begin there fail inside the
    run), so its answer is a function of the window's text and is remembered by
    it: a text repeats its words and a story's versions repeat their sentences.
    ``finditer`` from a position returns the match at the first place after it
    where the anchored pattern matches, and every such place is tried, so the
    matches are the same. A term whose first word has other characters ("U.S.")
    is judged by its leading letters (ASCII or caseless; a word with other cased
    letters, such as "ſ" or "K", is always tried). Where none of this holds (a term
    that starts with a non-word character or can match nothing) the gate is off
    and the plain scan runs.
    """

    def __init__(self, pattern: re.Pattern[str], ordered: list[str]):
        self.pattern = pattern
        self.on = True
        # first word pattern -> (runs, chars after) of the terms it begins, by the
        # first letter of the pattern (None: a letter not plain)
        self._firsts: dict[str | None, dict[str, tuple[int, int]]] = {}
        # terms judged by leading letters: (letters, runs, chars after)
        self._prefixed: list[tuple[str, int, int]] = []
        for term in ordered:
            # (a term whose pattern begins with a letter cannot match nothing)
            literal = _literal_prefix(term_body(term))[0]
            if not literal:
                self.on = False
                return
            runs, after = _extent(term)
            first = next(w for w in _BREAK.split(term) if w)
            if all(_is_word_char(c) for c in first.removesuffix("*")):
                body = _word_regex(first)
                key = literal[0] if _plain(literal[0]) else None
                group = self._firsts.setdefault(key, {})
                old = group.get(body, (0, 0))
                group[body] = (max(runs, old[0]), max(after, old[1]))
                continue
            safe = ""
            for char in literal:
                if not _plain(char):
                    break
                safe += char
            self._prefixed.append((safe, runs, after))
        self._items = [(*_literal_prefix(term_body(t)), i) for i, t in enumerate(ordered)]
        self._letters_plain = all(_plain(prefix[0]) for prefix, _, _ in self._items)
        self._letter_patterns: dict[str, re.Pattern[str]] = {}
        self._runs: dict[str, tuple[int, int] | None] = {}
        self._windows: dict[str, tuple[int, str | None] | None] = {}
        # one pattern of every first word: most words of a text begin no term, and one
        # fullmatch tells so
        bodies = [body for group in self._firsts.values() for body in group]
        items = [(*_literal_prefix(body), i) for i, body in enumerate(dict.fromkeys(bodies))]
        self._any_first = re.compile(_trie(items), _FLAGS) if items else None

    def _reach(self, word: str) -> tuple[int, int] | None:
        """How far the terms ``word`` can begin can read, or None when it begins none."""
        runs = after = 0
        plain = word.isascii() or all(_plain(c) for c in word)
        groups: list[dict[str, tuple[int, int]]] = []
        if self._any_first is not None and self._any_first.fullmatch(word) is not None:
            # (otherwise no first word matches it: only the terms judged by letters may)
            letter = word[0].lower() if plain else None
            groups = [self._firsts.get(letter, {}), self._firsts.get(None, {})]
            if letter is None:
                groups = list(self._firsts.values())
        for group in groups:
            for body, (r, a) in group.items():
                if _first_word(body).fullmatch(word) is not None:
                    runs, after = max(runs, r), max(after, a)
        key = word.lower()
        for safe, r, a in self._prefixed:
            if not plain or key.startswith(safe):
                runs, after = max(runs, r), max(after, a)
        return (runs, after) if runs else None

    def _by_letter(self, char: str) -> re.Pattern[str]:
        """The alternation of just the terms that begin with ``char``'s letter.

        The alternation is a trie whose first branches are the terms' first letters
        (lower-cased); when they are all ASCII or caseless, a text letter that is
        ASCII or caseless can enter only the branch of its own lower case, so the
        branch alone (the same trie of the same terms, the same group names) gives
        the same match. Compiled on first use. Any other letter: the whole pattern.
        """
        if not self._letters_plain or not _plain(char):
            return self.pattern
        letter = char.lower()
        found = self._letter_patterns.get(letter)
        if found is None:
            items = [item for item in self._items if item[0][:1] == letter]
            found = self._letter_patterns[letter] = (
                re.compile(rf"(?<!\w){_trie(items)}(?!\w)", _FLAGS) if items else _NEVER
            )
        return found

    def reach(self, word: str) -> tuple[int, int] | None:
        """:meth:`_reach` of a run of word characters, remembered."""
        memo = self._runs
        if word in memo:
            return memo[word]
        if len(memo) > _GATE_MEMO_MAX:
            memo.clear()
        found = memo[word] = self._reach(word)
        return found

    @staticmethod
    def window(text: str, place: int, reach: tuple[int, int]) -> str:
        """The text a term beginning at ``place`` can read (see :func:`_extent`)."""
        runs = _runs(reach[0]).match(text, place)
        assert runs is not None  # a run starts here
        return text[place : runs.end() + reach[1]]

    def finditer(self, text: str) -> list[Found]:
        """``(start, end, lastgroup)`` of each match of ``pattern.finditer(text)``."""
        if not self.on:
            return [(m.start(), m.end(), m.lastgroup) for m in self.pattern.finditer(text)]
        memo = self._runs
        if len(memo) > _GATE_MEMO_MAX:
            memo.clear()
        words, starts, _ = runs(text)
        reaches: dict[str, tuple[int, int]] = {}
        for word in set(words):
            if word in memo:
                reach = memo[word]
            else:
                reach = memo[word] = self._reach(word)
            if reach is not None:
                reaches[word] = reach
        if not reaches:
            return []
        tries = [(starts[i], *reaches[w]) for i, w in enumerate(words) if w in reaches]
        windows = self._windows
        if len(windows) > _GATE_MEMO_MAX:
            windows.clear()
        found: list[Found] = []
        end = 0
        for place, count, after in tries:
            if place < end:
                continue
            window = self.window(text, place, (count, after))
            if window in windows:
                answer = windows[window]
            else:
                here = self._by_letter(text[place]).match(text, place)
                answer = windows[window] = (
                    (here.end() - place, here.lastgroup) if here is not None else None
                )
            if answer is not None:
                found.append((place, place + answer[0], answer[1]))
                end = place + answer[0]
        return found
