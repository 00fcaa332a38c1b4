"""Which language a text is in, where its letters tell: for the ``lang`` attribute of
HTML and Atom output, so Urdu and Pashto are shaped and read right to left.

Only what the alphabet settles is answered: Arabic-script text with letters that only
Pashto uses is ``ps``, with letters that only Urdu uses is ``ur``; other Arabic-script
text is right-to-left of unknown language (:func:`is_rtl`), and Latin text gets no
answer (it could be any of many languages). Direction itself is left to
``dir="auto"``.
"""

from __future__ import annotations

import re

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_HEBREW = re.compile("[\u0590-\u05ff]")
#: ټ ځ څ ډ ړ ږ ښ ګ ڼ ۍ ې: letters of the Pashto alphabet not used in Urdu
_PASHTO = re.compile("[\u067c\u0681\u0685\u0689\u0693\u0696\u069a\u06ab\u06bc\u06cd\u06d0]")
#: ٹ ڈ ڑ ں ھ ے: letters of the Urdu alphabet not used in Pashto
_URDU = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06d2]")


def language(text: str | None) -> str | None:
    """``ps``, ``ur`` or None (not known from the letters)."""
    if not text or not _ARABIC_SCRIPT.search(text):
        return None
    pashto, urdu = len(_PASHTO.findall(text)), len(_URDU.findall(text))
    if pashto > urdu:
        return "ps"
    if urdu > pashto:
        return "ur"
    return None


def is_rtl(text: str | None) -> bool:
    """Whether the text is written mostly in a right-to-left script."""
    if not text:
        return False
    rtl = len(_ARABIC_SCRIPT.findall(text)) + len(_HEBREW.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    return bool(letters) and rtl * 2 > letters
