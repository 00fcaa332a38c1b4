"""Human renderings of one article (``monitor show``)."""

from __future__ import annotations

from typing import Any

from monitor.render.style import style
from monitor.text.localtime import shown, zone_name
from monitor.text.safetext import clean, line


def render_detail(detail: dict[str, Any], colour: bool = False, utc: bool | None = None) -> str:
    """``monitor show``: every stored value is shown cleaned of escape sequences and
    control characters (:mod:`monitor.safetext`), in colour or not. Times are shown as
    stored (UTC ISO) by default; ``utc=False`` in local time, ``utc=True`` in UTC, the
    zone named."""

    def bold(text: str) -> str:
        return style(text, bold=True) if colour else text

    def when(value: str | None) -> str | None:
        if utc is None or not value:
            return value
        text = shown(value, utc)
        return text if len(text) == 10 else f"{text} {zone_name(utc)}"

    lines = [bold(line(detail["title"])), ""]
    meta = [
        ("id", detail["id"]),
        ("url", detail["url"]),
        ("source", detail["source"]),
        ("story", detail["story"]),
        ("byline", detail["byline"]),
        ("published", when(detail["published_at"])),
        ("first seen", when(detail["first_seen_at"])),
        (
            "version",
            f"{detail['version']} of {detail['version_count']} "
            f"(observed {when(detail['observed_at'])}, {detail['origin']})",
        ),
        ("words", detail["words"]),
    ]
    for key, value in meta:
        if value not in (None, ""):
            lines.append(f"{key:>10}: {line(value)}")
    if detail.get("themes"):
        lines.append(f"{'themes':>10}: " + ", ".join(line(t["label"]) for t in detail["themes"]))
    if len(detail["versions"]) > 1:
        lines += ["", bold("versions")]
        for v in detail["versions"]:
            marker = "*" if v["number"] == detail["version"] else " "
            lines.append(f" {marker}{v['number']:>3}  {when(v['observed_at'])}  {line(v['title'])}")
            if v.get("edits"):
                lines.append(f"{'':6}{line(v['edits'])}")
        lines.append(f"{'':6}(monitor diff {detail['id']} --all shows each edit)")
    if detail.get("suspects"):
        lines += ["", bold("suspect pages (not stored as versions)")]
        for s in detail["suspects"]:
            lines.append(
                f"  {s['observed_at']}  after v{s['version']}  {s['state']:<9}  {line(s['reason'])}"
            )
    lines += ["", clean(detail["text"], newlines=True)]
    return "\n".join(lines)


def render_why(explained: list[dict[str, Any]]) -> str:
    """``show --why``: per story, each tag with its score against the threshold, terms and
    snippet, then the near-misses with what they fell short by and why."""
    if not explained:
        return "no story has themes: nothing to explain"
    lines: list[str] = []
    for story in explained:
        relevant = story.get("relevant")
        rule = (
            ""
            if relevant is None
            else (" (its rule matches)" if relevant else " (its rule does not match)")
        )
        lines.append(f"story {line(story['story'])}{rule}")
        if not story["tags"]:
            lines.append("  no theme")
        for tag in story["tags"]:
            lines.append(f"  {line(tag['theme'])}: {tag['score']:g} (needs {tag['threshold']:g})")
            lines.append(f"    terms: {_terms(tag['terms'])}")
            lines.append(f"    \u201c{line(tag['snippet'])}\u201d")
        if story["near_misses"]:
            lines.append("  near-misses:")
        for miss in story["near_misses"]:
            lines.append(
                f"  {line(miss['theme'])}: {miss['score']:g} of {miss['threshold']:g}, "
                f"short by {miss['short_by']:g} ({line(miss['reason'])}); "
                f"terms: {_terms(miss['terms'])}"
            )
    return "\n".join(lines)


def _terms(terms: dict[str, int]) -> str:
    return ", ".join(f"{line(t)}×{n}" if n > 1 else line(t) for t, n in terms.items()) or "-"
