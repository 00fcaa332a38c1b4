"""The edit analysis made fast gives the answers of the old path.

Issue 15: storing an edited version cost ~20 ms of CPU (250 ms under the profiler),
most of it reading figures and quotations over whole texts. The faster paths
(a regex jump to the next quotation mark, a figure scan that skips tokens no
figure starts with, tokens read line by line and cached, one set lookup per phrase
length, word lists without re-slicing the text, regexes skipped when a text lacks
the words they need) are compared here with the old ones, kept below as
references, on the real revisions and dev set in ``../shared/dev`` and on
generated texts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import figure_reading as fr
from monitor.analysis import figure_words, literals, quotes, severity, wording
from monitor.text.normalise import normalise_text, normalise_title

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "dev"
needs_dev = pytest.mark.skipif(
    not (DEV / "devset.csv").exists(), reason="../shared/dev is not present"
)


def _dev_texts() -> list[str]:
    found: set[str] = set()
    for path in sorted((DEV / "revisions" / "items").glob("*/*/v*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        title, text = normalise_title(lines[0]), normalise_text("\n".join(lines[2:]))
        found |= {title, text, title + "\n" + text}
    for name in ("devset.csv", "negatives.csv"):
        with (DEV / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                found |= {row["title"], row["summary"]}
    return sorted(found)


#: pieces generated texts are made of: figures, number words, quotation marks,
#: names, notice and hedge words, line breaks
_PIECES = [
    *"0123456789 ,.-:'\"“”„«»‘’$£%\n",
    "\n\n",
    "\u00a0",
    " 1 200 000",
    "3,5",
    "1,200",
    " at least ",
    " more than ",
    " a few ",
    " dozens of ",
    " twenty-five ",
    " one ",
    " two ",
    " million",
    " per cent",
    " killed",
    " people",
    " March ",
    " said",
    " UFC",
    " Rs",
    " and ",
    " Pakistan's",
    " Taliban",
    " Correction:",
    " UPDATE",
    " reportedly",
    " według",
    " OSKARŻONY",
    "İ",
    "ı",
    "ſ",
    " this story has been updated",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


# --- references: the old paths --------------------------------------------


def reference_tokens(text: str) -> list[tuple[str, int, int, str, bool, bool]]:
    return [
        (
            m.group(),
            m.start(),
            m.end(),
            m.group().lower(),
            m.group()[0].isdigit(),
            m.group()[0].isalpha(),
        )
        for m in fr._TOKEN.finditer(text)
    ]


def reference_figures(text: str) -> list[fr.Figure]:
    """Every token tried as the start of a figure."""
    toks = [fr.Token(*t) for t in reference_tokens(text)]
    found, i = [], 0
    while i < len(toks):
        figure, nxt = fr._figure_at(toks, i, text)
        if figure is not None:
            found.append(figure)
            i = nxt
        else:
            i += 1
    return found


_FIRST_WORDS: dict[int, dict[str, list[tuple[str, ...]]]] = {}


def reference_phrase_at(
    toks: list[fr.Token], i: int, phrases: Mapping[tuple[str, ...], object]
) -> int:
    """Every phrase with the token's word first tried, the longest kept."""
    index = _FIRST_WORDS.get(id(phrases))
    if index is None:
        index = _FIRST_WORDS[id(phrases)] = {}
        for phrase in phrases:
            index.setdefault(phrase[0], []).append(phrase)
    best = 0
    for phrase in index.get(toks[i].low, ()) if i < len(toks) else ():
        n = len(phrase)
        if n > best and i + n <= len(toks) and tuple(t.low for t in toks[i : i + n]) == phrase:
            best = n
    return best


def reference_quotes(text: str, headline: bool = False) -> list[quotes.Quote]:
    """Every character looked at as a possible quotation mark."""
    found: list[quotes.Quote] = []
    title_case = quotes._title_case(text)
    i = 0
    while i < len(text):
        ch = text[i]
        closers = next((c for o, c in quotes._PAIRS if o == ch), None)
        if closers is None or not quotes._opens(text, i, ch):
            i += 1
            continue
        end = None
        limit = text.find("\n\n", i)
        limit = len(text) if limit < 0 else limit
        for k in range(i + 1, limit):
            if text[k] in closers and quotes._closes(text, k, text[k]):
                end = k
                break
        if end is None:
            tail = text[i + 1 : limit].rstrip()
            if (
                ch not in quotes._SINGLE
                and tail.endswith(quotes._TRUNCATED)
                and len(tail.split()) >= 3
            ):
                end = i + 1 + len(tail)
            else:
                i += 1
                continue
        quote = text[i + 1 : end].strip()
        inner_single = ch in quotes._SINGLE and any(q.start <= i < q.end for q in found)
        if quote and re.search(r"\w", quote) and not inner_single:
            if quotes._spoken(text, i, end + 1) or not quotes._is_name(quote, title_case, headline):
                found.append(quotes.Quote(quote, i, end + 1))
            i = end + 1
        else:
            i += 1
    return found + quotes._block_quotes(text)


def reference_words_of(text: str) -> list[str]:
    return [
        part
        for token in re.findall(r"[\w'’-]+", text.casefold())
        for part in {re.sub(r"['’]s$", "", token), *re.split(r"['’-]", token)}
        if part
    ]


def reference_names(text: str, old_words: list[str]) -> set[str]:
    found: set[str] = set()
    if wording.title_case(text):
        return found
    old = set(old_words)
    for run in severity._NAME_RUN.finditer(text):
        before = text[: run.start()].rstrip()
        words = [re.sub(r"['’]s$", "", w.casefold()) for w in severity._NAME.findall(run.group())]
        if not before or before[-1] in ".!?:\"“„'‘«—–-|\n":
            words = words[1:]
        initials = "".join(w[0] for w in words)
        if not words or any(w in old for w in words) or (len(words) > 1 and initials in old):
            continue
        found.update(w for w in words if len(w) > 2 and w not in severity._NOT_NAMES)
    return found


def reference_prefixes(words: list[str]) -> tuple[set[str], dict[int, set[str]]]:
    own = {w[:k] for w in words for k in (3, 4, 5) if len(w) >= k}
    by_length: dict[int, set[str]] = {3: set(), 4: set(), 5: set()}
    for w in words:
        if len(w) >= 3:
            by_length[min(len(w), 5)].add(w[:5])
    return own, by_length


_PHRASES = (figure_words.APPROX, figure_words.VAGUE, figure_words.APPROX_AFTER, figure_words.RATE)
_SEARCHED = (
    (wording._CORRECTION, wording._LITERALS[wording._CORRECTION]),
    (wording._UPDATE, wording._LITERALS[wording._UPDATE]),
    (severity._HEDGE, severity._HEDGE_LITERALS),
)


def _same_as_before(text: str) -> None:
    assert [tuple(t) for t in fr.tokens(text)] == reference_tokens(text)
    assert fr.figures(text) == reference_figures(text)
    toks = fr.tokens(text)
    for phrases in _PHRASES:
        for i in range(len(toks) + 1):
            assert fr._phrase_at(toks, i, phrases) == reference_phrase_at(toks, i, phrases)
    for headline in (False, True):
        assert quotes.find(text, headline) == reference_quotes(text, headline)
    words = severity._words_of(text)
    assert sorted(words) == sorted(reference_words_of(text))
    assert severity._names(text, words[:40]) == reference_names(text, words[:40])
    assert severity._prefixes(words) == reference_prefixes(words)
    for pattern, needed in _SEARCHED:
        if pattern.search(text):
            assert literals.may_match(text, needed)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_generated_texts_read_as_before(text: str):
    _same_as_before(text)


@needs_dev
@pytest.mark.parametrize("shard", range(4))
def test_dev_texts_read_as_before(shard: int):
    for text in _dev_texts()[shard::4]:
        _same_as_before(text)


def test_a_line_of_tokens_is_read_once_and_moved():
    text = "About 40 people.\nAt least 1 200 000 left.\n\nAbout 40 people."
    fr._line_tokens.cache_clear()
    assert [tuple(t) for t in fr.tokens(text)] == reference_tokens(text)
    assert fr._line_tokens.cache_info().misses == 2  # the repeated line is read once
    fr.tokens("About 40 people.\nSomething else.")
    assert fr._line_tokens.cache_info().misses == 3  # only the new line


def test_the_literal_shortcut_holds_for_every_character():
    """``may_match`` is exact when re.IGNORECASE matches a literal's letter only with
    characters whose ``lower()`` is that letter, or with the ones it always searches."""
    letters = sorted({ch for _, needed in _SEARCHED for literal in needed for ch in literal})
    any_letter = re.compile("[" + re.escape("".join(letters)) + "]", re.IGNORECASE)
    for code in range(0x110000):
        ch = chr(code)
        if not any_letter.fullmatch(ch) or ch in literals.CASE_ODD:
            continue
        for letter in letters:
            if re.fullmatch(re.escape(letter), ch, re.IGNORECASE):
                assert ch.lower() == letter, (hex(code), letter)


def test_notices_and_hedges_are_still_found():
    assert wording.notices("Old text.", "Old text.\n\nCorrection: the figure was wrong.") == (
        True,
        False,
    )
    assert wording.notices("Old text.", "Old text. This story has been updated.") == (False, True)
    assert wording.notices("Old.", "Tekst zosta\u0142 zaktualizowany.") == (False, True)
    assert severity._hedges("He REPORTEDLY left; wed\u0142ug policji") == {
        "reportedly",
        "wed\u0142ug",
    }
    assert severity._hedges("Nothing hedged here.") == set()
    # a dotless ı is read as i by the regex, never skipped by the shortcut
    assert wording.notices("Old.", "Clarıfıcatıon: she said it.") == (True, False)
