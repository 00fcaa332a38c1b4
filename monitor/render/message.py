"""Alert messages (``monitor notify``): plain text, compact, self-contained.

Each change says what a reader needs without opening anything: the headline, the
outlet, the link, the named edits with their severity, and the changed text itself
(old → new, a few words of context either side). Outside text is cleaned of control
and bidi characters, one line each.
"""

from __future__ import annotations

from typing import Any

from monitor.text.safetext import line

RULE = "—" * 24


def _meta(item: dict[str, Any]) -> str:
    parts = [line(item.get("source") or "unknown outlet")]
    parts.append(f"published {(item.get('published_at') or '?')[:10]}")
    if item.get("url"):
        parts.append(line(item["url"]))
    return " · ".join(parts)


def item_title(item: dict[str, Any]) -> str:
    source = f" ({line(item['source'])})" if item.get("source") else ""
    if item["kind"] == "new":
        return f"New: {line(item['title'])}{source}"
    return f"[{item['severity']}] {line(item['title'])}{source}"


def item_body(item: dict[str, Any]) -> str:
    lines = [line(item["title"]), _meta(item)]
    if item["kind"] == "new":
        lines.append("New article.")
    else:
        lines.append(
            f"Edit v{item['from_version']} → v{item['version']} [{item['severity']}]: "
            f"{line(item['summary'] or 'no named edit')}"
        )
        if item.get("title_old") is not None and item["title_old"] != item["title"]:
            lines.append(f"Headline: {line(item['title_old'])} → {line(item['title'])}")
        passages = item.get("passages") or []
        if passages:
            lines.append("Changed text:")
            for p in passages:
                old = f"[{line(p.old)}]" if p.old else "[]"
                new = f"[{line(p.new)}]" if p.new else "[]"
                context = " ".join(
                    x for x in (line(p.before), f"{old} → {new}", line(p.after)) if x
                )
                lines.append(f"  {context}")
    lines.append(f"See: {item['command']}")
    return "\n".join(lines)


def digest_title(items: list[dict[str, Any]], story: str | None = None) -> str:
    new = sum(1 for i in items if i["kind"] == "new")
    edits = len(items) - new
    parts = []
    if new:
        parts.append(f"{new} new article{'s' * (new != 1)}")
    if edits:
        parts.append(f"{edits} edit{'s' * (edits != 1)}")
    about = f" ({line(story)})" if story else ""
    return f"monitor{about}: " + ", ".join(parts)


def digest_body(items: list[dict[str, Any]]) -> str:
    edits = [i for i in items if i["kind"] == "edit"]
    new = [i for i in items if i["kind"] == "new"]
    sections = [item_body(i) for i in edits] + [item_body(i) for i in new]
    return f"\n{RULE}\n".join(sections) + "\n"
