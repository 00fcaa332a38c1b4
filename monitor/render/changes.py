"""Renderings of the ``changes`` report: a terminal text and a Markdown mail."""

from __future__ import annotations

from typing import Any

from monitor.render.style import style
from monitor.text.safetext import line, md_inline


def is_empty(report: dict[str, Any]) -> bool:
    t = report["themes"]
    return not (
        report["new_articles"]["count"]
        or report["edited_articles"]
        or t["rising"]
        or t["fading"]
        or t["new"]
    )


def _num(value: int | None) -> str:
    return "?" if value is None else str(value)


def _edit_line(e: dict[str, Any]) -> str:
    parts = [f"v{e['from_version']}→v{e['to_version']}"]
    if e["words_added"] is not None:
        parts.append(f"+{e['words_added']}/-{e['words_removed']} words")
    if e["quotes_altered"]:
        parts.append(f"{e['quotes_altered']} quote(s) altered")
    return ", ".join(parts)


def _theme_rows(items: list[dict[str, Any]]) -> list[str]:
    return [
        f"{line(i['label'])} ({line(i['story'])}): {i['count']} now, {i['previous']} before ({i['change']:+d})"
        for i in items
    ]


def render_text(report: dict[str, Any], colour: bool = False) -> str:
    def head(text: str) -> str:
        return style(text, bold=True) if colour else text

    w = report["window"]
    lines = [
        head(f"Changes {w['since']} → {w['until']}")
        + (f"  story: {line(w['story'])}" if w["story"] else "")
    ]
    lines.append(f"compared with {w['previous_since']} → {w['previous_until']}")
    if is_empty(report):
        lines += ["", "Nothing new in this window: no new or edited articles, no theme changes."]
        return "\n".join(lines)
    new = report["new_articles"]
    lines += ["", head(f"New articles: {new['count']}")]
    if new["by_source"]:
        lines.append(
            "  by source: "
            + ", ".join(f"{line(s['source'])} {s['count']}" for s in new["by_source"])
        )
    for a in new["top"]:
        lines.append(
            f"  {a['id']:>5}  {line((a['dated_at'] or '')[:10])}  "
            f"{line(a['source'] or '')}  {line(a['title'])}"
        )
    edits = report["edited_articles"]
    lines += ["", head(f"Edited articles: {len(edits)}")]
    for e in edits:
        lines.append(f"  {e['id']:>5}  {line(e['title'])}  ({_edit_line(e)})")
        if e["headline_rewritten"]:
            lines.append(f"         headline: {line(e['title_old'])} → {line(e['title_new'])}")
        lines.append(f"         see: {line(e['command'])}")
    t = report["themes"]
    for name, items in (
        ("Themes rising", t["rising"]),
        ("Themes fading", t["fading"]),
        ("New themes", t["new"]),
    ):
        if items:
            lines += ["", head(name)] + [f"  {r}" for r in _theme_rows(items)]
    if report["terms"]:
        lines += ["", head("Distinctive terms")]
        lines.append(
            "  "
            + ", ".join(
                f"{line(x['term'])} ({x['count']} vs {x['previous']})" for x in report["terms"]
            )
        )
    return "\n".join(lines)


def _md(text: Any) -> str:
    """Untrusted text as literal Markdown: no link, image, HTML, emphasis or table break."""
    return md_inline(text)


def render_markdown(report: dict[str, Any]) -> str:
    w = report["window"]
    lines = [f"# Changes {w['since']} → {w['until']}", ""]
    if w["story"]:
        lines += [f"Story: **{_md(w['story'])}**", ""]
    lines += [f"Compared with {w['previous_since']} → {w['previous_until']}.", ""]
    if is_empty(report):
        lines.append("Nothing new in this window: no new or edited articles, no theme changes.")
        return "\n".join(lines) + "\n"
    new = report["new_articles"]
    lines += [f"## New articles: {new['count']}", ""]
    if new["by_source"]:
        lines += [
            "By source: " + ", ".join(f"{_md(s['source'])} {s['count']}" for s in new["by_source"]),
            "",
        ]
    for a in new["top"]:
        lines.append(
            f"- {_md(a['title'])} ({_md(a['source'] or 'unknown')}, "
            f"{_md((a['dated_at'] or '')[:10])}, id {a['id']})"
        )
    edits = report["edited_articles"]
    lines += ["", f"## Edited articles: {len(edits)}", ""]
    for e in edits:
        lines.append(f"- **{_md(e['title'])}** ({_edit_line(e)}): `{line(e['command'])}`")
        if e["headline_rewritten"]:
            lines.append(f"  - headline: {_md(e['title_old'])} → {_md(e['title_new'])}")
    t = report["themes"]
    for name, items in (
        ("Themes rising", t["rising"]),
        ("Themes fading", t["fading"]),
        ("New themes", t["new"]),
    ):
        if items:
            lines += [
                "",
                f"## {name}",
                "",
                "| theme | story | now | before | change |",
                "| --- | --- | ---: | ---: | ---: |",
            ]
            lines += [
                f"| {_md(i['label'])} | {_md(i['story'])} | {i['count']} | {i['previous']} | {i['change']:+d} |"
                for i in items
            ]
    if report["terms"]:
        lines += [
            "",
            "## Distinctive terms",
            "",
            "| term | now | before | score |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {_md(x['term'])} | {x['count']} | {x['previous']} | {x['score']} |"
            for x in report["terms"]
        ]
    return "\n".join(lines) + "\n"
