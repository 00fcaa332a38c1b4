"""ANSI styling for terminal renderings (the renderers know no Click)."""

from __future__ import annotations

_COLOURS = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}


def style(
    text: str,
    *,
    fg: str | None = None,
    bold: bool = False,
    underline: bool = False,
    strikethrough: bool = False,
) -> str:
    """``text`` wrapped in SGR codes, reset at the end (as ``click.style`` does)."""
    codes = []
    if fg:
        codes.append(str(_COLOURS[fg]))
    if bold:
        codes.append("1")
    if underline:
        codes.append("4")
    if strikethrough:
        codes.append("9")
    if not codes:
        return text
    return "".join(f"\x1b[{code}m" for code in codes) + text + "\x1b[0m"
