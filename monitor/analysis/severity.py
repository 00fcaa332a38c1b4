"""How much a version pair changed: cosmetic, minor, substantive or major.

The rule, from the named edits (the strongest one decides):

* **major** -- the central claim changed: the headline now reports a
  different event (headline and text rewritten with little left in common),
  a headline figure changed by a factor of two or more, or quotes or figures
  changed under a correction notice; an outcome replacing a process the old
  headline told of (a search → arrested, a visit → agreed), one kind of outcome
  replacing another (crashed → missing), or an outcome the old headline
  reported gone from the new version;
* **substantive** -- facts changed while the central claim stands: a figure
  changed, a quotation added, removed or altered, a correction notice added,
  or new facts (names or figures the old version did not have, a kind of
  outcome new to the headline);
* **minor** -- wording changed but not the facts: a headline or text
  rewritten with the same names and figures, details dropped (a text
  rewritten much shorter with nothing new), a byline
  changed, an update notice added;
* **cosmetic** -- only case, punctuation, spelling, abbreviations or the
  update time changed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from monitor.analysis import figures, literals, paragraphs, quotes, wording
from monitor.analysis.figure_words import MONTHS, STOP

if TYPE_CHECKING:
    from monitor.analysis.edits import Edits

LEVELS = ("cosmetic", "minor", "substantive", "major")

_NAME = re.compile(r"(?<![\w.])[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'’-]+")
_NAME_RUN = re.compile(
    r"(?<![\w.])[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'’-]+(?:\s+(?:of\s+|the\s+)?[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'’-]+)*"
)
_WORD = re.compile(r"\w+")
_WORDISH = re.compile(r"[\w'’-]+")
_POSSESSIVE = re.compile(r"['’]s$")
_INNER = re.compile(r"['’-]")
_QUESTION = re.compile(
    r"\?|^(?:what|why|how|when|who|where|here's|here’s|explainer|co|jak|dlaczego|kiedy|kto)\b",
    re.IGNORECASE,
)
#: pages that are rewritten for each new event under one address
_ROLLING = re.compile(
    r"\b(?:live|briefing|alert|results|latest|updates|na żywo|relacja|wyniki|alert rcb)\b",
    re.IGNORECASE,
)
#: a headline announcing something pending, expected or under way
_PENDING = re.compile(
    r"\b(?:watch live|live:|braces? for|attempts? to|will|expected to|set to|plans?|"
    r"ahead of|could|(?<!\bin )(?<!\bof )may(?!\s+\d)|might|threatens? to|to face|"
    r"what to expect|preview|zmierza|może|mogą|ma zostać|mają zostać|planuje|trwa|trwają)\b",
    re.IGNORECASE,
)

#: a headline about a process still going on: a search, a visit, a hearing, a wait
_PROCESS = re.compile(
    r"\b(?:search(?:es|ing)? for|hunt(?:s|ing)? for|manhunt|seeks?|seeking|visits?|visiting|"
    r"arriv(?:e|es|ing) (?:at|in)|maintains?|braces?|bracing|talks|hearing|on trial|awaits?|"
    r"awaiting|vote on|heads? to|heading to|under ?way|in progress|continues|"
    r"szuka\w*|poszukiw\w*|czeka\w*|rozmawia\w*|przesłuchan\w*)\b",
    re.IGNORECASE,
)
#: outcomes a headline reports, by kind: the same kind worded otherwise is no new outcome
_OUTCOME_KINDS = {
    "result": r"wins?|won|loses?|lost|beats?|defeat(?:s|ed)?|sinks?|sank|thrash(?:es|ed)?|"
    r"routs?|routed|crush(?:es|ed)?|wygra\w*|przegra\w*",
    "arrest": r"arrested|detained|zatrzyman\w*|aresztowan\w*",
    "verdict": r"charged|convicted|sentenced|jailed|acquitted|ruled|verdict|overturned|upheld|"
    r"skazan\w*|uniewinnion\w*",
    "death": r"found dead|dies|died|killed|nie żyje|zginęł\w*|zginął|zmarł\w*",
    "accord": r"agrees?|agreed|approve[sd]?|signs?|signed|podpisał\w*|przyjął|przyjęł\w*",
    "refusal": r"rejects?|rejected|odrzucił\w*",
    "exit": r"resigns?|resigned|rezygn\w*|dymisj\w*",
    "event": r"erupts?|erupted|lands|landed|collapsed|crashe[sd]|rozbił\w*",
    "missing": r"missing|zaginął|zaginęł\w*|zaginion\w*",
    "off": r"washed out|cancell?ed|called off|postponed|abandoned|odwołan\w*",
}
_OUTCOME = [
    (kind, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE))
    for kind, pattern in _OUTCOME_KINDS.items()
]


def _outcomes(text: str) -> set[str]:
    """The kinds of outcome ``text`` reports (quotations left out)."""
    text = _unquoted(text)
    return {kind for kind, pattern in _OUTCOME if pattern.search(text)}


def _superseded(title_old: str, title_new: str) -> bool:
    """The old headline told of a process (pending, searching, visiting, on trial)
    and the new one reports an outcome the old did not: the result replaced it."""
    old = _unquoted(title_old)
    if not (_PROCESS.search(old) or _PENDING.search(old)):
        return False
    return bool(_outcomes(title_new) - _outcomes(title_old))


#: words that hedge a claim or attribute it: adding or dropping one changes what is claimed
_HEDGE = re.compile(
    r"\b(?:said to|reportedly|allegedly|alleged|claims?|claimed|court hears|according to|"
    r"possibly|probably|suspected|feared|officially|confirm(?:s|ed)?|denies|denied|"
    r"accused|accuses|sources say|podobno|rzekomo|prawdopodobnie|według|nieoficjalnie|"
    r"oficjalnie|potwierdz\w*|zaprzecz\w*|oskarż\w*|domniemany)\b",
    re.IGNORECASE,
)


#: literals one of which every match of _HEDGE contains (see :mod:`literals`)
_HEDGE_LITERALS = (
    "said to",
    "reportedly",
    "alleged",
    "claim",
    "court hears",
    "according to",
    "possibly",
    "probably",
    "suspected",
    "feared",
    "officially",
    "confirm",
    "denies",
    "denied",
    "accuse",
    "sources say",
    "podobno",
    "rzekomo",
    "prawdopodobnie",
    "według",
    "oficjalnie",
    "potwierdz",
    "zaprzecz",
    "oskarż",
    "domniemany",
)


def _hedges(text: str) -> set[str]:
    if not literals.may_match(text, _HEDGE_LITERALS):
        return set()
    return {m.group().casefold() for m in _HEDGE.finditer(text)}


def rank(level: str | None) -> int:
    """0 for cosmetic … 3 for major; -1 for none."""
    return LEVELS.index(level) if level in LEVELS else -1


@lru_cache(maxsize=8)  # grade() reads the old text's stems twice
def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in _WORD.findall(text.casefold()) if w not in STOP and len(w) > 2)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _names(text: str, old_words: list[str]) -> set[str]:
    """Capitalised words not opening a sentence (people, places, organisations)
    that the old version did not have. A run of capitalised words that already
    names something old ("President Donald Trump" for "Trump", "United States"
    for "U.S.") is not new. A text in Title Case names nothing this way."""
    found: set[str] = set()
    if wording.title_case(text):
        return found
    old = set(old_words)
    for run in _NAME_RUN.finditer(text):
        k = run.start() - 1  # the last character before the run that is not a space
        while k >= 0 and text[k].isspace():
            k -= 1
        words = [_POSSESSIVE.sub("", w.casefold()) for w in _NAME.findall(run.group())]
        if k < 0 or text[k] in ".!?:\"“„'‘«—–-|\n":
            words = words[1:]  # opens a sentence: capitalised anyway
        initials = "".join(w[0] for w in words)
        if not words or any(w in old for w in words) or (len(words) > 1 and initials in old):
            continue
        found.update(w for w in words if len(w) > 2 and w not in _NOT_NAMES)
    return found


def _split(words: str) -> list[str]:
    return words.split()


_NOT_NAMES = {
    *MONTHS,
    *_split("monday tuesday wednesday thursday friday saturday sunday"),
    *_split("poniedziałek wtorek środa czwartek piątek sobota niedziela"),
    *_split("i ii iii iv v vi jr sr i've i'm i'd i'll i’ve i’m i’d i’ll"),
    *STOP,
}


def _prefixes(words: list[str]) -> tuple[set[str], dict[int, set[str]]]:
    """Prefixes of old words (3 to 5 letters), to tell Nov → November."""
    unique = set(words)
    own = {w[:k] for w in unique for k in (3, 4, 5) if len(w) >= k}
    by_length: dict[int, set[str]] = {3: set(), 4: set(), 5: set()}
    for w in unique:
        if len(w) >= 3:
            by_length[min(len(w), 5)].add(w[:5])
    return own, by_length


def _is_new(word: str, prefixes: tuple[set[str], dict[int, set[str]]]) -> bool:
    """Not in the old version, even abbreviated or inflected (Nov → November)."""
    own, by_length = prefixes
    if len(word) >= 3 and word[: min(len(word), 5)] in own:
        return False  # an old word starts like it
    if len(word) >= 6 and word[:4] in own:
        return False  # inflected: Polska → Polsce
    return not any(word[:k] in by_length[k] for k in (3, 4, 5))  # it starts like an old word


def _values(text: str) -> set[tuple[float, float]]:
    return {(round(f.low, 6), round(f.high, 6)) for f in figures.figures(text)}


def _factor(change: figures.FigureChange) -> float:
    old, new = figures.figures(change.old), figures.figures(change.new)
    if not old or not new:
        return 1.0
    a = (old[0].low + old[0].high) / 2
    b = (new[0].low + new[0].high) / 2
    if a <= 0 or b <= 0:
        return 1.0
    return max(a / b, b / a)


def new_facts(e: Edits, old_text: str, new_text: str) -> list[str]:
    """Names the new version did not have before -- in its text, or in its
    headline (read on its own: a name new to the headline is news even when the
    text had it) -- and figures new to its text. (A figure new to the headline
    only is left out: often a count moved into it from the text.)"""
    old_all = e.title_old + "\n" + old_text
    old_words = _words_of(old_all)
    candidates = _names(new_text, old_words)
    prefixes = _prefixes(old_words)
    names = {n for n in candidates if _is_new(n, prefixes)}
    # the headline is read on its own: a name new to it is news even if the text had it
    title_words = _words_of(e.title_old)
    names |= {n for n in _names(e.title_new, title_words) if _is_new(n, _prefixes(title_words))}
    values = _values(new_text) - _values(old_all)
    return sorted(names) + [f"{lo:g}" for lo, _ in sorted(values)]


def _words_of(text: str) -> list[str]:
    """Words, also without a possessive and split at apostrophes and hyphens."""
    out: list[str] = []
    for token in _WORDISH.findall(text.casefold()):
        if not _INNER.search(token):  # a plain word is its only part
            out.append(token)
            continue
        out.extend(part for part in {_POSSESSIVE.sub("", token), *_INNER.split(token)} if part)
    return out


def _moved_quote(quote: quotes.QuoteEdit, old_text: str, new_text: str) -> bool:
    """A quote moved into or out of the headline from the text it is still in."""
    if quote.field != "title" or quote.kind == "altered":
        return False
    words = [w[:4] for w in _WORD.findall(quote.text.casefold())]
    if not words:
        return False
    for text in (old_text, new_text):
        there = {w[:4] for w in _WORD.findall(text.casefold())}
        if sum(w in there for w in words) >= max(1, 0.75 * len(words)):
            return (
                True  # still there, perhaps inflected or cut: "na dzikiej plaży" → "dzikiej plaży"
            )
    return False


def _new_sentence(old_text: str, new_text: str) -> str | None:
    """A sentence of the new text saying something the old text did not: most of
    its words (at least three) new to the old text."""
    old_stems = _stems(old_text)
    for sentence in paragraphs.sentences(new_text):
        stems = [w[:5] for w in _WORD.findall(sentence.casefold()) if w not in STOP and len(w) > 2]
        fresh = [w for w in stems if w not in old_stems]
        if len(fresh) >= 3 and len(fresh) >= 0.6 * len(stems):
            return sentence.strip()
    return None


def _unquoted(text: str) -> str:
    """The text without its quotations: "will" said by someone announces nothing."""
    for quote in quotes.find(text, headline=True):
        text = text.replace(quote.text, " ")
    return text


def grade(e: Edits, old_text: str = "", new_text: str = "") -> tuple[str, str]:
    """(level, reason) for a pair; ("", "") when nothing changed."""
    if not e.any:
        return "", ""
    title_overlap = _dice(_stems(e.title_old), _stems(e.title_new))
    text_overlap = _dice(_stems(old_text), _stems(new_text)) if old_text and new_text else None
    headline_figures = [c for c in e.numbers_changed if c.field == "title"]
    doubled = [c for c in (headline_figures or e.numbers_changed[:1]) if _factor(c) >= 2]
    if doubled:
        return (
            "major",
            f"central figure changed by a factor of 2 or more ({doubled[0].old} → {doubled[0].new})",
        )
    if e.correction_notice and (e.quote_edits or e.numbers_changed):
        return "major", "quotes or figures changed under a correction notice"
    if (
        e.headline.kind == wording.REWRITTEN
        and _PENDING.search(_unquoted(e.title_old))
        and not _PENDING.search(_unquoted(e.title_new))
        and not _QUESTION.search(e.title_new)  # "What to know about …" reports nothing new
    ):
        return "major", "the headline now reports what it announced as pending"
    if e.headline.kind == wording.REWRITTEN and _superseded(e.title_old, e.title_new):
        return "major", "the headline now reports the outcome of what was under way"
    if e.headline.kind == wording.REWRITTEN:
        was, now = _outcomes(e.title_old), _outcomes(e.title_new)
        if was - now and now - was:
            return (
                "major",
                f"the headline reports another outcome ({min(was - now)} → {min(now - was)})",
            )
        gone = was - _outcomes(e.title_new + "\n" + new_text) if was else was
        if gone:
            return "major", f"the outcome the headline reported is gone ({min(gone)})"
    if (
        e.headline.kind == wording.REWRITTEN
        and _ROLLING.search(e.title_old)
        and _ROLLING.search(e.title_new)
        and (not old_text or not new_text or (e.paragraphs_removed and not e.paragraphs_changed))
    ):
        return (
            "major",
            "a rolling page (live, briefing, alert, results) now leads on something else",
        )
    if (
        e.headline.kind == wording.REWRITTEN
        and title_overlap < 0.2
        and (text_overlap is None or text_overlap < 0.2)
        and not e.numbers_changed  # a figure still counting the same thing: same story
    ):
        return "major", "headline and text now report something else"
    if e.numbers_changed:
        return "substantive", "figure changed"
    quoted = [q for q in e.quote_edits if not _moved_quote(q, old_text, new_text)]
    if quoted:
        return "substantive", f"quote {quoted[0].kind}"
    if e.correction_notice:
        return "substantive", "correction notice added"
    if e.headline.kind == wording.REWRITTEN:
        fresh = _outcomes(e.title_new)
        if fresh:  # the whole old text is read only when the new headline reports one
            fresh -= _outcomes(e.title_old + "\n" + old_text)
        if fresh:
            return "substantive", f"the headline reports a new development ({min(fresh)})"
    facts = new_facts(e, old_text, new_text)
    if facts:
        return "substantive", "new facts: " + ", ".join(facts[:3])
    hedges_old, hedges_new = (
        _hedges(e.title_old + "\n" + old_text),
        _hedges(e.title_new + "\n" + new_text),
    )
    if hedges_old != hedges_new:
        changed = sorted(hedges_old ^ hedges_new)
        return "substantive", "certainty or attribution changed: " + ", ".join(changed[:3])
    added = _new_sentence(old_text, new_text) if e.paragraphs_changed else None
    if added:
        return "substantive", f"new sentence: {added[:60]}"
    if e.paragraphs_added and e.paragraphs_removed and (text_overlap or 0) < 0.5:
        if e.words_added <= 0.6 * e.words_removed:  # no new fact, and much shorter
            return "minor", "text shortened: rewritten with less detail"
        return "substantive", "text replaced by a newly written one"
    if e.headline.kind == wording.REWRITTEN or e.text.kind == wording.REWRITTEN:
        return "minor", "reworded with the same facts"
    if e.byline_changed or e.update_notice:
        return "minor", "byline changed" if e.byline_changed else "update notice added"
    return "cosmetic", "only " + ", ".join(
        dict.fromkeys([*e.headline.details, *e.text.details]) or ["the update time"]
    ) + " changed"
