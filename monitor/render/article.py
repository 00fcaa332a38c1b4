"""Human renderings of one article (``monitor show``)."""

from __future__ import annotations

from typing import Any

from monitor.render.style import style
from monitor.text.safetext import clean, line


def render_detail(detail: dict[str, Any], colour: bool = False) -> str:
    """``monitor show``: every stored value is shown cleaned of escape sequences and
    control characters (:mod:`monitor.safetext`), in colour or not."""

    def bold(text: str) -> str:
        return style(text, bold=True) if colour else text

    lines = [bold(line(detail["title"])), ""]
    meta = [
        ("id", detail["id"]),
        ("url", detail["url"]),
        ("source", detail["source"]),
        ("story", detail["story"]),
        ("byline", detail["byline"]),
        ("published", detail["published_at"]),
        ("first seen", detail["first_seen_at"]),
        (
            "version",
            f"{detail['version']} of {detail['version_count']} (observed {detail['observed_at']}, {detail['origin']})",
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
            lines.append(f" {marker}{v['number']:>3}  {v['observed_at']}  {line(v['title'])}")
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
