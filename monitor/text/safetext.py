"""Making untrusted text safe to show: one place, used by every renderer.

Titles, sources, story names, feed titles, snippets and HTTP reason phrases come
from outside. A terminal would obey the escape sequences in them (clear the screen,
set the window title, OSC 8 hyperlinks), bidi overrides would reorder what is
shown, rich would read ``[bold]`` or ``[link=...]`` as markup, and a Markdown or
HTML reader would render ``![img](...)``, ``[x](javascript:...)`` or raw HTML.

- :func:`clean` removes whole ESC/CSI/OSC/DCS sequences (7-bit and 8-bit forms),
  every other C0/C1 control character, DEL, NUL and the bidi embedding, override
  and isolate controls (U+202A-U+202E, U+2066-U+2069); ``\\n`` and ``\\t`` stay
  only when asked for.
- :func:`line` is :func:`clean` for one line of a table or a listing: newlines
  and tabs become spaces.
- :func:`rich_text` escapes rich markup (for anything printed through rich).
- :func:`md_inline` and :func:`html_text` escape for Markdown and HTML.
- :func:`json_safe` makes JSON text (already valid) terminal-safe without losing
  data: the C1, DEL and bidi characters json leaves raw become ``\\uXXXX``.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: whole escape sequences; each alternative consumes every character once (no
#: backtracking over long inputs): an unterminated OSC runs to the next ESC.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ params intermediates final
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC ... ST/BEL
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit string sequences
    r"|\x1b[ -/]*[0-~]"  # any other ESC sequence (charset, keypad, RIS ...)
)
_BIDI = "\u202a-\u202e\u2066-\u2069"
#: every control character, bidi control, DEL; \t and \n handled by the callers
_CONTROLS_KEEP_NL_TAB = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CONTROLS_KEEP_NL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]|\t")
_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_LINE_BREAKS = re.compile(r"[\n\t\u2028\u2029]+")
#: what Markdown (CommonMark + GFM) could read as syntax anywhere inside a line
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&#(){}])")
#: for JSON text: characters json.dumps(ensure_ascii=False) leaves raw that a
#: terminal or a bidi renderer would obey
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}]")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def clean(value: Any, *, newlines: bool = False, tabs: bool = False) -> str:
    """``value`` as text with escape sequences and control characters removed.

    ``\\n`` survives when ``newlines`` is true, ``\\t`` when ``tabs`` is true
    (``\\r\\n`` and a lone ``\\r`` become ``\\n``); otherwise they are removed too.
    """
    text = _SEQUENCES.sub("", _text(value))
    if newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return (_CONTROLS_KEEP_NL_TAB if tabs else _CONTROLS_KEEP_NL).sub("", text)
    if tabs:
        return re.sub(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}]", "", text)
    return _CONTROLS.sub("", text)


def line(value: Any) -> str:
    """One line for a table cell or a listing: cleaned, line breaks and tabs as spaces."""
    text = _SEQUENCES.sub("", _text(value))
    text = _LINE_BREAKS.sub(" ", text.replace("\r", "\n"))
    return _CONTROLS.sub("", text)


def rich_text(value: Any, *, newlines: bool = False) -> str:
    """Cleaned text with rich markup escaped, for ``console.print`` and table cells."""
    from rich.markup import escape

    return escape(clean(value, newlines=newlines) if newlines else line(value))


def md_inline(value: Any) -> str:
    """One line of Markdown text that renders as the literal characters it holds.

    Every character Markdown could read as syntax (links, images, emphasis, code,
    raw HTML, table pipes, entities) is backslash-escaped.
    """
    return _MD_SPECIAL.sub(r"\\\1", line(value))


def html_text(value: Any, *, newlines: bool = True) -> str:
    """Cleaned text escaped for HTML element content and attribute values."""
    return html.escape(clean(value, newlines=newlines), quote=True)


def json_safe(text: str) -> str:
    """JSON text with C1 controls, DEL and bidi controls written as ``\\uXXXX``.

    Those characters can only occur inside JSON strings, where the escape means
    the same character: the data is unchanged, the terminal shows it inert.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character a terminal or bidi renderer would obey
    (``\n`` and ``\t`` do not count)."""
    return bool(_CONTROLS_KEEP_NL_TAB.search(text))
