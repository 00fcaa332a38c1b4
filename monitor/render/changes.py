"""Renderings of the ``changes`` report: a terminal text, a Markdown mail and an HTML
page (:mod:`monitor.render.changes_html`). Each listed article carries its URL,
outlet, published date and the command to see it, so a digest read in a mail
stands on its own; untrusted text is escaped for each format."""

from __future__ import annotations

from typing import Any

from monitor.render.style import style
from monitor.text.safetext import line, md_inline


def _date(value: str | None) -> str:
    return (value or "")[:10] or "?"


def _meta_parts(a: dict[str, Any]) -> list[str]:
    """Outlet, published date, first seen, for one article of the report (raw text)."""
    parts = [a.get("source") or "unknown outlet", f"published {_date(a.get('published_at'))}"]
    if a.get("first_seen_at"):
        parts.append(f"first seen {a['first_seen_at'][:16].replace('T', ' ')}")
    return parts


def _command(a: dict[str, Any]) -> str:
    return str(a.get("command") or f"monitor show {a['id']}")


def _edits_of(e: dict[str, Any]) -> str:
    """The named edits of the pairs in the window, with their severity."""
    return "; ".join(
        f"v{x['from']}→v{x['to']} [{x['severity']}] {x['summary'] or 'no named edit'}"
        for x in e.get("edits") or []
    )


def has_news(report: dict[str, Any]) -> bool:
    """Whether the window holds a new or an edited article (what ``--quiet`` waits for;
    themes fading with nothing new is not news)."""
    return bool(report["new_articles"]["count"] or report["edited_articles"])


def to_json(report: dict[str, Any]) -> dict[str, Any]:
    """The report as JSON data (the Atom entries, which hold diffs, left out)."""
    return {k: v for k, v in report.items() if k != "entries"}


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
        lines.append(f"  {a['id']:>5}  {line(a['title'])}")
        lines.append(f"         {line(' · '.join(_meta_parts(a)))}")
        if a.get("url"):
            lines.append(f"         {line(a['url'])}")
        lines.append(f"         see: {line(_command(a))}")
    edits = report["edited_articles"]
    lines += ["", head(f"Edited articles: {len(edits)}")]
    for e in edits:
        lines.append(f"  {e['id']:>5}  {line(e['title'])}  ({_edit_line(e)})")
        lines.append(f"         {line(' · '.join(_meta_parts(e)))}")
        if e.get("url"):
            lines.append(f"         {line(e['url'])}")
        if e["headline_rewritten"]:
            lines.append(f"         headline: {line(e['title_old'])} → {line(e['title_new'])}")
        if e.get("edits"):
            lines.append(f"         edits: {line(_edits_of(e))}")
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


def _md_url(url: Any) -> str | None:
    """A URL safe inside ``<...>`` of a Markdown link: http(s) only, no space or angle
    bracket (percent-encoded), else None (the title is then shown without a link)."""
    text = line(url)
    if not text.lower().startswith(("http://", "https://")):
        return None
    return "".join(f"%{ord(c):02X}" if c in "<> \\`()" else c for c in text)


def _md_title(a: dict[str, Any]) -> str:
    title = _md(a.get("title")) or "(untitled)"
    url = _md_url(a.get("url"))
    return f"[{title}](<{url}>)" if url else title


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
        lines.append(f"- {_md_title(a)} ({_md(', '.join(_meta_parts(a)))}): `{line(_command(a))}`")
    edits = report["edited_articles"]
    lines += ["", f"## Edited articles: {len(edits)}", ""]
    for e in edits:
        lines.append(
            f"- **{_md_title(e)}** ({_md(', '.join(_meta_parts(e)))}; {_edit_line(e)}): "
            f"`{line(e['command'])}`"
        )
        if e["headline_rewritten"]:
            lines.append(f"  - headline: {_md(e['title_old'])} → {_md(e['title_new'])}")
        if e.get("edits"):
            lines.append(f"  - edits: {_md(_edits_of(e))}")
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
