"""Text normalisation: what counts as "the same content", hashes, word counts.

Every stored title and text goes through :func:`normalise_title` or
:func:`normalise_text`, so this is also where the store is kept clean of what
came from outside: NUL, other control characters, terminal escape sequences and
bidi embedding/override/isolate controls (U+202A-U+202E, U+2066-U+2069) are
removed, and a title is cut to :data:`MAX_TITLE_CHARS` characters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import regex

from monitor.text.safetext import clean, line

#: longest stored title, in characters; a longer one is cut at a word and ends in "…"
MAX_TITLE_CHARS = 1000

_WS = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n+")
#: a word (the regex module's \w holds combining marks: Hindi हिन्दी is one word, not four)
_WORD = regex.compile(r"\w+(?:['’]\w+)*")
#: :data:`_WORD` on ASCII text
_WORD_ASCII = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*")
#: a line longer than this is not hard-wrapped prose: in a text without blank lines,
#: such lines are paragraphs
PARAGRAPH_LINE = 100
#: whitespace controls that separate words: spaces (or a line break for NEL), not nothing
_SPACING_CONTROLS = {0x0B: " ", 0x0C: " ", 0x1C: "\n", 0x1D: "\n", 0x1E: "\n", 0x85: "\n"}


def normalise_text(text: str) -> str:
    """Canonical form of an article text.

    NFC Unicode, ``\\r\\n`` to ``\\n``, runs of spaces collapsed, lines stripped,
    paragraphs separated by exactly one blank line, no leading/trailing space.
    A text with no blank line at all whose lines are paragraphs (one longer than
    :data:`PARAGRAPH_LINE` characters: no hard wrap) keeps each line as a paragraph;
    otherwise lines within a paragraph are joined. Two texts that differ only in whitespace or Unicode composition normalise equal.
    Control characters (NUL included), escape sequences and bidi controls are removed.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = clean(text.translate(_SPACING_CONTROLS), newlines=True, tabs=True)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    paragraphs = []
    blocks = _BLANKS.split(text.strip())
    if len(blocks) == 1 and max(len(row) for row in text.split("\n")) > PARAGRAPH_LINE:
        blocks = text.split("\n")  # one paragraph a line, as word processors save text
    for block in blocks:
        lines = [_WS.sub(" ", line).strip() for line in block.split("\n")]
        joined = " ".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def normalise_title(title: str) -> str:
    """One line: NFC, spaces collapsed, controls and bidi controls removed, at most
    :data:`MAX_TITLE_CHARS` characters (cut at a word, ending in "…")."""
    text = line(unicodedata.normalize("NFC", title).translate(_SPACING_CONTROLS))
    text = _WS.sub(" ", text).strip()
    return cap_title(text)


def cap_title(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """``title`` when it fits in ``limit`` characters, else cut at a word plus "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def content_hash(title: str, text: str) -> str:
    """Hash of normalised title and text: equal hashes mean "unchanged"."""
    payload = normalise_title(title) + "\x00" + normalise_text(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """The words of ``text`` (:data:`_WORD`; an ASCII text by the faster :mod:`re`:
    there the two agree)."""
    if text.isascii():
        return len(_WORD_ASCII.findall(text))
    return len(_WORD.findall(text))


def paragraphs(text: str) -> list[str]:
    return [p for p in normalise_text(text).split("\n\n") if p]


def split_headline(text: str, max_words: int = 14) -> tuple[str, str]:
    """A title for a text that came without one, and the text left for the body.

    A short first paragraph that does not end like a sentence is a headline:
    it becomes the title and leaves the body. Otherwise the title is the first
    sentence, shortened at a word, and the body keeps everything.
    """
    paras = paragraphs(text)
    if not paras:
        return "", ""
    first = paras[0]
    if (
        len(paras) > 1
        and len(first.split()) <= 25
        and not first.endswith((".", "?", "!", ":", ";", ","))
    ):
        return first, "\n\n".join(paras[1:])
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    words = sentence.split()
    title = " ".join(words[:max_words]) + "…" if len(words) > max_words else sentence
    return title, "\n\n".join(paras)
