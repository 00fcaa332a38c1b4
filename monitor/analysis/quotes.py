"""Quotations in a headline or a text, and the ones added, removed or altered.

Every quotation style counts: “curly” and "straight" double quotes, ‘curly’
and 'straight' single quotes (told apart from apostrophes: it's, Pakistan's,
players', the '90s), «guillemets», »reversed«, and Polish/German „low-high“.
Quotation marks around names of works, products or publications ("Weekend
Mix", "Daily Planet") are not quotes, as far as that can be seen: a
short span whose words are all capitalised, in a text that is not itself in
Title Case. A quotation cut off by the feed ("… the whole of...) runs to the
end of its paragraph.

Quotes are compared per field (headline, text). A quote whose words are the
same up to punctuation, case or inflection is unchanged; a removed quote and
an added one that share half their words are one altered quote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from monitor.analysis import diffing

_LETTER = r"[^\W\d_]"
_PAIRS = [  # opening mark, the marks that may close it (feeds mix styles)
    ("“", '”"'),
    ("„", '”“"'),
    ('"', '"”'),
    ("«", "»"),
    ("»", "«"),
    ("‘", "’"),
    ("'", "'"),
]
_SINGLE = {"‘", "'"}
#: any opening mark, and per opening mark the marks that may close it
_OPENING = re.compile("[" + re.escape("".join(o for o, _ in _PAIRS)) + "]")
_CLOSING = {o: re.compile("[" + re.escape(c) + "]") for o, c in _PAIRS}
_SMALL_WORDS = {
    "of",
    "the",
    "and",
    "a",
    "an",
    "in",
    "on",
    "for",
    "to",
    "at",
    "by",
    "de",
    "i",
    "w",
    "z",
}
_TRUNCATED = ("...", "…")


@dataclass
class Quote:
    text: str
    start: int
    end: int


@dataclass
class QuoteEdit:
    kind: str  # "added", "removed", "altered"
    field: str  # "title" or "text"
    text: str  # the quote as it reads now (as it read, when removed)
    old: str | None = None  # an altered quote's old words

    def as_dict(self) -> dict[str, str]:
        out = {"kind": self.kind, "field": self.field, "text": self.text}
        if self.old is not None:
            out["old"] = self.old
        return out


def _opens(text: str, i: int, mark: str) -> bool:
    """A mark at ``i`` can open a quote: not inside a word, followed by text."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    if mark in _SINGLE or mark == '"':
        if re.match(_LETTER, before) or before.isdigit():
            return False  # Pakistan's, 5'10"
        if mark in _SINGLE and re.match(r"\d\ds\b", text[i + 1 : i + 4]):
            return False  # the '90s
    return True


def _closes(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace():
        return False
    return not (mark in "'’\"" and (re.match(_LETTER, after) or after.isdigit()))


def _is_name(quote: str, title_case_text: bool, headline: bool) -> bool:
    """Quote marks around a name or a title of a work, not around words said."""
    words = re.findall(r"\w+", quote)
    if not words or title_case_text or len(words) > 5:
        return False
    ends_like_speech = quote.rstrip().endswith((".", ",", "!", "?", "…"))
    if not headline and len(words) <= 3 and words[0][0].isupper() and not ends_like_speech:
        return True  # a capitalised short name inside running text: "Home screen"
    if any(w[0].islower() and w.lower() not in _SMALL_WORDS for w in words):
        return len(words) == 1 and bool(re.search(r"[a-z][A-Z]", words[0]))  # iPlayer
    return not quote.rstrip().endswith((".", ",", "!", "?"))


_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|wrote|writes|asked|insisted|warned|claimed|"
    r"tweeted|posted|replied|according|mówi|mówił|mówiła|powiedział|powiedziała|dodał|"
    r"dodała|napisał|napisała|przekazał|przekazała|stwierdził|stwierdziła|podkreślił|"
    r"podkreśliła|ocenił|oceniła|zaznaczył|zaznaczyła)\b",
    re.IGNORECASE,
)


def _spoken(text: str, start: int, end: int) -> bool:
    """Words someone said: a speech verb right after the quote, or a colon or
    a speech verb right before it ("Enough is enough", she said)."""
    after = " ".join(text[end : end + 40].split()[:3])
    before = text[max(0, start - 30) : start].rstrip()
    last = before.split()[-1:] if before else []
    return (
        bool(_SPEECH.search(after))
        or before.endswith(":")
        or bool(last and _SPEECH.fullmatch(last[0].strip(",.")))
    )


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def quotations(text: str, headline: bool = False) -> list[str]:
    """Quoted passages in order of appearance, without their quote marks."""
    return [q.text for q in find(text, headline)]


def find(text: str, headline: bool = False) -> list[Quote]:
    found: list[Quote] = []
    title_case = _title_case(text)
    i = 0
    while True:
        mark = _OPENING.search(text, i)  # the next quotation mark; the rest is skipped
        if mark is None:
            break
        i = mark.start()
        ch = text[i]
        if not _opens(text, i, ch):
            i += 1
            continue
        end = None
        limit = text.find("\n\n", i)
        limit = len(text) if limit < 0 else limit
        closing = _CLOSING[ch]
        k = i + 1
        while (close := closing.search(text, k, limit)) is not None:
            k = close.start()
            if _closes(text, k, text[k]):
                end = k
                break
            k += 1
        if end is None:
            tail = text[i + 1 : limit].rstrip()
            if ch not in _SINGLE and tail.endswith(_TRUNCATED) and len(tail.split()) >= 3:
                end = i + 1 + len(tail)  # cut off by the feed
            else:
                i += 1
                continue
        quote = text[i + 1 : end].strip()
        inner_single = ch in _SINGLE and any(q.start <= i < q.end for q in found)
        if quote and re.search(r"\w", quote) and not inner_single:
            if _spoken(text, i, end + 1) or not _is_name(quote, title_case, headline):
                found.append(Quote(quote, i, end + 1))
            i = end + 1
        else:
            i += 1
    return found + _block_quotes(text)


_ATTRIBUTION = re.compile(r"^[—–-]\s*\S.*\(@\w+\)")
_LINK_TAIL = re.compile(r"\s*(?:https?://\S+|pic\.twitter\.com/\S+)\s*$")


def _block_quotes(text: str) -> list[Quote]:
    """Embedded posts: the paragraph above an attribution line and the short
    paragraphs (up to four in all, under 160 characters each) above it, for a line such as "— Name (@handle) December 7, 2022".
    A feed's text does not mark where the post starts, so a short article
    paragraph right above it is taken in too."""
    found = []
    paragraphs = list(re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text))
    for k, para in enumerate(paragraphs):
        if not _ATTRIBUTION.match(para.group()):
            continue
        if k == 0:
            continue
        first = k - 1  # the post itself, then short paragraphs above it
        while first > 0 and k - first < 4 and len(paragraphs[first - 1].group()) < 160:
            if _ATTRIBUTION.match(paragraphs[first - 1].group()):
                break
            first -= 1
        body = " ".join(p.group() for p in paragraphs[first:k])
        body = _LINK_TAIL.sub("", body).strip()
        if body:
            found.append(Quote(body, paragraphs[first].start(), paragraphs[k - 1].end()))
    return found


def _key(quote: str) -> str:
    """Words only, case-folded, without diacritics."""
    plain = unicodedata.normalize("NFD", quote.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def _same(a: str, b: str) -> bool:
    """The same quotation up to punctuation, case and inflection."""
    ka, kb = _key(a).split(), _key(b).split()
    if ka == kb:
        return True
    if len(ka) != len(kb) or not ka:
        return False
    return all(x[:4] == y[:4] for x, y in zip(ka, kb, strict=True))


def _present(quote: str, others: list[str]) -> bool:
    return any(_same(quote, o) for o in others)


def _frame(text: str, quote: Quote) -> tuple[str, str]:
    """The three words before and after a quote."""
    before = re.split(r"[.!?…]\s", text[: quote.start].split("\n\n")[-1])[-1]
    after = re.split(r"[.!?…]\s", text[quote.end :].split("\n\n")[0])[0]
    return (
        " ".join(re.findall(r"\w+", before)[-3:]).casefold(),
        " ".join(re.findall(r"\w+", after)[:3]).casefold(),
    )


def changes(old: str, new: str, field: str = "text") -> list[QuoteEdit]:
    headline = field == "title"
    before, after = find(old, headline), find(new, headline)
    before_texts, after_texts = [q.text for q in before], [q.text for q in after]
    removed = [q for q in before if not _present(q.text, after_texts)]
    added = [q for q in after if not _present(q.text, before_texts)]
    edits: list[QuoteEdit] = []
    for quote in list(removed):
        words = diffing.word_units(quote.text)
        frame = _frame(old, quote)
        best, best_score = None, 0.0
        for candidate in added:
            score = diffing.overlap(words, diffing.word_units(candidate.text))
            other = _frame(new, candidate)
            same_slot = any(
                len(a.split()) >= 2 and a == b for a, b in zip(frame, other, strict=True)
            )
            if same_slot:  # in the same words: the same quotation, reworded
                score = max(score, 0.5)
            if score > best_score:
                best, best_score = candidate, score
        if best is not None and best_score >= 0.5:
            edits.append(QuoteEdit("altered", field, best.text, old=quote.text))
            removed.remove(quote)
            added.remove(best)
    edits += [QuoteEdit("added", field, q.text) for q in added]
    edits += [QuoteEdit("removed", field, q.text) for q in removed]
    return edits


def changes_in_article(title_old: str, title_new: str, old: str, new: str) -> list[QuoteEdit]:
    """Headline and text compared each on its own."""
    return changes(title_old, title_new, "title") + changes(old, new, "text")
