"""How two wordings of one headline (or text) differ: not at all, cosmetically,
or rewritten; and the notices an edit can add (correction, update).

Cosmetic means the same words in the same order, except for:

* letter case ("case only") and punctuation, including quote style, dashes,
  ellipses and hyphenation ("punctuation only");
* spelling: a typo fixed in a word or a name (Trian → Train, goverment → government),
  an inflection repaired (w Krakow → w Krakowie);
* an abbreviation and its full form (Jan. → January, govt → government,
  U.K. → United Kingdom), the same value in another format (3 tysiące → 3 tys.);
* a function word restored (jechać Gdańska → jechać do Gdańska)
  or a regnal number added to a name (Queen Margrethe → Queen Margrethe II).

Anything else is a rewrite: a word added, removed or replaced (synonyms too),
an English ending changed (debates → debate, kills → killed), a changed
figure, reordering.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from monitor.analysis import diffing, literals

_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = set(
    [
        "to",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "for",
        "by",
        "and",
        "or",
        "as",
        "is",
        "its",
        "do",
        "w",
        "we",
        "z",
        "ze",
        "na",
        "o",
        "od",
        "po",
        "za",
        "i",
        "a",
    ]
)
_NAME_SUFFIXES = {"ii", "iii", "iv", "v", "vi", "jr", "sr"}
_ENGLISH_ENDINGS = ("s", "es", "ed", "d", "ing", "ies", "ied", "y", "er", "ers")
_ABBREVIATIONS = {
    "tys": "tysiące tysięcy tysiąc",
    "mln": "milion miliony milionów",
    "mld": "miliard miliardy miliardów",
    "us": "american",
    "uk": "british",
}

UNCHANGED, COSMETIC, REWRITTEN = "unchanged", "cosmetic", "rewritten"


@dataclass
class Wording:
    kind: str  # unchanged / cosmetic / rewritten
    details: list[str] = field(default_factory=list)  # case, punctuation, spelling, ...

    def describe(self) -> str:
        """ "punctuation only", "case only", "cosmetic (spelling, abbreviation)", ..."""
        if self.kind != COSMETIC:
            return self.kind
        if self.details in (["punctuation"], ["case"]):
            return f"{self.details[0]} only"
        return "cosmetic (" + ", ".join(self.details) + ")"


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _abbreviates(short: str, full: str) -> bool:
    """govt → government, oct → october, us → united states (initials)."""
    if short == full or not short or not full:
        return False
    if full.startswith(short) and full[len(short) :] in _ENGLISH_ENDINGS:
        return False  # debate → debates, kill → killed
    if len(short) + 2 <= len(full) and full.startswith(short) and len(short) >= 3:
        return True
    if short[0] != full[0] or len(short) >= len(full):
        return False
    letters = iter(full)
    return all(c in letters for c in short) and len(short) >= 3


def _spelling(a: str, b: str) -> str | None:
    """ "spelling" for a typo or inflection fix of one word, else None."""
    if a == b:
        return None
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and long[len(short) :] in _ENGLISH_ENDINGS:
        return None  # debates → debate, kill → kills: grammar, not a typo
    if _english_stem(a) == _english_stem(b):
        return None  # raises → raised, says → said: tense or number, not a typo
    if len(a) >= 3 and len(b) >= 3 and sorted(a) == sorted(b):
        return "spelling"  # transposed letters
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if len(short) >= 4 and ratio >= 0.8 and abs(len(a) - len(b)) <= 1:
        return "spelling"
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    if common >= 5 and common >= 0.7 * len(short) and not _english_ending_change(a, b, common):
        return "spelling"  # an inflection repaired: w Krakow → w Krakowie
    return None


def _english_stem(word: str) -> str:
    for ending in ("ies", "ied", "ing", "es", "ed", "er", "s", "d", "y"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _english_ending_change(a: str, b: str, common: int) -> bool:
    return a[common:] in _ENGLISH_ENDINGS or b[common:] in _ENGLISH_ENDINGS


def _cosmetic_region(old: list[str], new: list[str]) -> str | None:
    """Why replacing words ``old`` with ``new`` is cosmetic, or None."""
    a, b = [_plain(w) for w in old], [_plain(w) for w in new]
    if not a or not b:
        added = a or b
        if all(w in _NAME_SUFFIXES for w in added):
            return "name form"
        if len(added) == 1 and added[0] in _FUNCTION_WORDS:
            return "grammar"
        return None
    if "".join(old) == "".join(new):
        return "punctuation"
    if "".join(a) == "".join(b):
        return "case"
    if any(w.isdigit() for w in a + b):
        digits_a = [w for w in a if w.isdigit()]
        digits_b = [w for w in b if w.isdigit()]
        if digits_a != digits_b:
            return None
        rest_a = [w for w in a if not w.isdigit()]
        rest_b = [w for w in b if not w.isdigit()]
        return _cosmetic_region(rest_a, rest_b) if rest_a and rest_b else None
    initials = "".join(w[0] for w in b)
    if len(a) == 1 and len(b) > 1 and a[0] == initials or "".join(a) == initials and len(b) > 1:
        return "abbreviation"
    initials = "".join(w[0] for w in a)
    if len(b) == 1 and len(a) > 1 and b[0] == initials or "".join(b) == initials and len(a) > 1:
        return "abbreviation"
    if len(a) == len(b) and all(  # every word the same or respelled (stops at the first not)
        x == y or _spelling(x, y) is not None for x, y in zip(a, b, strict=True)
    ):
        return "spelling"
    if len(a) == 1 and len(b) == 1:
        x, y = a[0], b[0]
        if y in _ABBREVIATIONS.get(x, "").split() or x in _ABBREVIATIONS.get(y, "").split():
            return None if {x, y} & {"us", "uk"} else "abbreviation"
        if _abbreviates(x, y) or _abbreviates(y, x):
            return "abbreviation"
    # a function word restored next to a fixed ending: a Bid Reviving → a Bid to Revive
    extra_a = [w for w in a if w not in _FUNCTION_WORDS]
    extra_b = [w for w in b if w not in _FUNCTION_WORDS]
    if (extra_a, extra_b) != (a, b) and len(extra_a) == len(extra_b) == 1:
        x, y = extra_a[0], extra_b[0]
        if x == y or (min(len(x), len(y)) >= 5 and x[:5] == y[:5]):
            return "grammar"
    return None


def _regions(
    wa: list[str], wb: list[str], old: str, new: str, ops: list[diffing.Op] | None
) -> list[tuple[bool, list[str], list[str]]]:
    """(unchanged?, old words, new words) stretches; long texts through the
    paragraph-aligned word diff, which stays fast on whole articles."""
    if len(wa) + len(wb) <= 400:
        plain_a, plain_b = [_plain(w) for w in wa], [_plain(w) for w in wb]
        matcher = SequenceMatcher(None, plain_a, plain_b, autojunk=False)
        return [
            (tag == "equal", wa[i1:i2], wb[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    out: list[tuple[bool, list[str], list[str]]] = []
    gone: list[str] = []
    came: list[str] = []
    for op, text in ops if ops is not None else diffing.diff_text(old, new):
        if op == diffing.EQUAL:
            if gone or came:
                out.append((False, _words("".join(gone)), _words("".join(came))))
                gone, came = [], []
        elif op == diffing.DELETE:
            gone.append(text)
        else:
            came.append(text)
    if gone or came:
        out.append((False, _words("".join(gone)), _words("".join(came))))
    return out


def compare(old: str, new: str, ops: list[diffing.Op] | None = None) -> Wording:
    """How ``new`` differs from ``old``; ``ops``: their word diff, if at hand."""
    if old == new:
        return Wording(UNCHANGED)
    wa, wb = _words(old), _words(new)
    if wa == wb:
        return Wording(COSMETIC, ["punctuation"])
    fa, fb = [w.casefold() for w in wa], [w.casefold() for w in wb]
    if fa == fb:
        punctuation = _WORD.sub("", old) != _WORD.sub("", new)
        return Wording(COSMETIC, ["case", "punctuation"] if punctuation else ["case"])
    details: list[str] = []
    for same, region_a, region_b in _regions(wa, wb, old, new, ops):
        if same:
            if region_a != region_b and "case" not in details:
                details.insert(0, "case")
            continue
        reason = _cosmetic_region(region_a, region_b)
        if reason is None:
            return Wording(REWRITTEN)
        if reason not in details:
            details.append(reason)
    return Wording(COSMETIC, details)


def title_case(text: str) -> bool:
    """Most words capitalised, as in "Supreme Court Limits EPA's Authority"."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.casefold() not in _FUNCTION_WORDS]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


_CORRECTION = re.compile(  # a label opening a line, or a sentence about an earlier version
    r"(?:^|\n|\[|\(|\*)\s*(?:correction|clarification|editor['’]s note|note to readers|"
    r"sprostowanie|korekta)\s*[:：.–—\]-]"
    r"|\ban earlier version of this\b|\bthis (?:article|story|report|post) (?:has been|was) "
    r"(?:corrected|amended|clarified)|\bwe (?:have )?corrected\b|\bin an earlier version\b"
    r"|\bw (?:poprzedniej|pierwotnej|pierwszej) wersji\b",
    re.IGNORECASE,
)
_UPDATE = re.compile(
    r"(?:^|\n|\[)\s*(?:update[d]?|aktualizacja|aktualizacja\s+\d[^\]\n]*)\s*[\]:–—-]"
    r"|\bthis (?:article|story|report|post) (?:has been|was|will be) updated\b"
    r"|\bthis is a developing story\b|\btekst (?:został )?zaktualizowany\b",
    re.IGNORECASE,
)


def notices(old: str, new: str) -> tuple[bool, bool]:
    """(correction notice added, update notice added) from ``old`` to ``new``.

    "Editor's note: … updated to reflect correct comments" is a correction;
    "[UPDATE]" or "This story has been updated" alone is an update notice.
    """
    correction = bool(_search(_CORRECTION, new)) and not _search(_CORRECTION, old)
    update = bool(_search(_UPDATE, new)) and not _search(_UPDATE, old) and not correction
    return correction, update


#: per notice pattern, literals one of which every match contains (see :mod:`literals`)
_LITERALS = {
    _CORRECTION: (
        "correction",
        "clarification",
        "editor",
        "note to readers",
        "sprostowanie",
        "korekta",
        "earlier version",
        "corrected",
        "amended",
        "clarified",
        "wersji",
    ),
    _UPDATE: ("update", "aktualizacja", "developing story", "zaktualizowany"),
}


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)``, skipped when the text lacks the words it needs."""
    return pattern.search(text) if literals.may_match(text, _LITERALS[pattern]) else None
