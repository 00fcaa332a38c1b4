"""Human renderings of one article (``monitor show``)."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlite_utils import Database

from .safetext import clean, line


def enrich_detail(db: Database, detail: dict[str, Any]) -> dict[str, Any]:
    """Add derived data other capabilities keep about a version (themes, edits)."""
    version_id = detail.get("version_id")
    if version_id is not None:
        detail["themes"] = [
            {
                "theme": row["theme"],
                "label": row["label"] or row["theme"],
                "story": row["story"],
                "score": row["score"],
                "evidence": json.loads(row["evidence"]) if row["evidence"] else None,
            }
            for row in db.query(
                """select vt.story, vt.theme, t.label, vt.score, vt.evidence
                   from version_themes vt
                   left join themes t on t.story = vt.story and t.slug = vt.theme
                   where vt.version_id = ? order by vt.score desc, vt.theme""",
                [version_id],
            )
        ]
    edits = {
        row["to_number"]: row["summary"]
        for row in db.query(
            "select to_number, summary from diffs where article_id = ? and to_number = from_number + 1",
            [detail["id"]],
        )
    }
    for version in detail.get("versions", []):
        version["edits"] = edits.get(version["number"])
    return detail


def render_detail(detail: dict[str, Any], colour: bool = False) -> str:
    """``monitor show``: every stored value is shown cleaned of escape sequences and
    control characters (:mod:`monitor.safetext`), in colour or not."""

    def bold(text: str) -> str:
        return click.style(text, bold=True) if colour else text

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
    lines += ["", clean(detail["text"], newlines=True)]
    return "\n".join(lines)
