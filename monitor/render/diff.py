"""Renderers for a :class:`monitor.edits.Comparison`: terminal text (colour or
``[-removed-]{+added+}`` markers, as ``git diff --word-diff`` prints), one
self-contained HTML page, a diff-match-patch patch, JSON, and ``--stat`` lines.
"""

from __future__ import annotations

from typing import Any

from diff_match_patch import diff_match_patch

from monitor.analysis.diffing import DELETE, EQUAL, INSERT, Op, old_text
from monitor.analysis.edits import Comparison
from monitor.render.style import style
from monitor.text.safetext import clean, html_text, line
from monitor.text.script import language

PARAGRAPH = "\n\n"

Segment = tuple[int, str]


def display_paragraphs(ops: list[Op]) -> list[list[Segment]]:
    """Split ops at paragraph breaks so each paragraph is rendered on its own.

    A break inside an insertion or deletion still starts a new paragraph on
    screen (the JSON and patch formats keep the exact texts).
    """
    paragraphs: list[list[Segment]] = [[]]
    for op, text in ops:
        pieces = text.split(PARAGRAPH)
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append((op, piece))
    return [p for p in paragraphs if p]


def _changed(paragraph: list[Segment]) -> bool:
    return any(op != EQUAL for op, _ in paragraph)


def fold(paragraphs: list[list[Segment]], context: int | None) -> list[list[Segment] | int]:
    """Keep changed paragraphs and ``context`` around them; an int stands for a
    run of that many unchanged paragraphs left out."""
    if context is None:
        return list(paragraphs)
    changed = [i for i, p in enumerate(paragraphs) if _changed(p)]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    out: list[list[Segment] | int] = []
    for i, paragraph in enumerate(paragraphs):
        if i in keep:
            out.append(paragraph)
        elif out and isinstance(out[-1], int):
            out[-1] += 1
        else:
            out.append(1)
    return out


def _mark(op: int, text: str, colour: bool) -> str:
    text = clean(text, newlines=True)
    if op == EQUAL:
        return text
    if colour:
        if op == DELETE:
            return style(text, fg="red", strikethrough=True)
        return style(text, fg="green", underline=True)
    return f"[-{text}-]" if op == DELETE else f"{{+{text}+}}"


def _label(version: dict[str, Any]) -> str:
    return f"version {version['number']} ({version['observed_at']})"


def heading(cmp: Comparison) -> str:
    return f"article {cmp.article_id}: {_label(cmp.old)} → {_label(cmp.new)}"


def render_text(cmp: Comparison, colour: bool = False, context: int | None = None) -> str:
    bold = (lambda s: style(s, bold=True)) if colour else (lambda s: s)
    lines = [bold(line(heading(cmp))), line(cmp.edits.summary()), ""]
    if cmp.edits.title_changed:
        lines.append("Headline: " + "".join(_mark(op, line(t), colour) for op, t in cmp.title_ops))
    else:
        lines.append("Headline (unchanged): " + line(cmp.edits.title_new))
    for item in fold(display_paragraphs(cmp.ops), context):
        lines.append("")
        if isinstance(item, int):
            lines.append(f"  ⋯ {item} unchanged paragraph{'s' * (item != 1)} ⋯")
        else:
            lines.append("".join(_mark(op, t, colour) for op, t in item))
    return "\n".join(lines) + "\n"


def stat_line(cmp: Comparison) -> str:
    s = cmp.edits.stats()
    parts = [
        f"v{cmp.old['number']}→v{cmp.new['number']}",
        cmp.new["observed_at"],
        f"+{s['words_added']} -{s['words_removed']} words",
        f"paragraphs +{s['paragraphs_added']} -{s['paragraphs_removed']} "
        f"~{s['paragraphs_changed']}",
        "title changed" if s["title_changed"] else "title same",
    ]
    if s.get("severity"):
        parts.append(s["severity"])
    return line("  ".join(parts))


def command(cmp: Comparison) -> str:
    return f"monitor diff {cmp.article_id} {cmp.old['number']} {cmp.new['number']}"


def about(article: dict[str, Any] | None, cmp: Comparison) -> dict[str, Any]:
    """The article a comparison belongs to: URL, outlet, published date, command."""
    article = article or {}
    return {
        "url": article.get("url"),
        "source": article.get("source"),
        "published_at": article.get("published_at"),
        "command": command(cmp),
    }


def to_json(cmp: Comparison, article: dict[str, Any] | None = None) -> dict[str, Any]:
    def version(v: dict[str, Any]) -> dict[str, Any]:
        return {"number": v["number"], "observed_at": v["observed_at"], "title": v["title"]}

    return {
        "article": cmp.article_id,
        **about(article, cmp),
        "from": version(cmp.old),
        "to": version(cmp.new),
        "title": {"old": cmp.edits.title_old, "new": cmp.edits.title_new},
        "title_ops": [[op, text] for op, text in cmp.title_ops],
        "ops": [[op, text] for op, text in cmp.ops],
        "stats": cmp.edits.stats(),
        "edits": cmp.edits.named(),
        "summary": cmp.edits.summary(),
    }


def patch_document(title: str, text: str) -> str:
    """What ``--format patch`` patches: the headline, a blank line, then the text."""
    return f"{title}{PARAGRAPH}{text}"


def to_patch(cmp: Comparison) -> str:
    """A diff-match-patch patch of the text: ``patch_apply`` turns the old text into the new."""
    dmp = diff_match_patch()
    return str(dmp.patch_toText(dmp.patch_make(old_text(cmp.ops), list(cmp.ops))))


def to_document_patch(cmp: Comparison) -> str:
    """What ``--format patch`` prints: a diff-match-patch patch of :func:`patch_document`,
    so ``patch_apply`` turns the old headline and text into the new ones."""
    dmp = diff_match_patch()
    ops = [*cmp.title_ops, (EQUAL, PARAGRAPH), *cmp.ops]
    old = patch_document(old_text(list(cmp.title_ops)), old_text(cmp.ops))
    return str(dmp.patch_toText(dmp.patch_make(old, ops)))


_CSS = """
body{font:16px/1.55 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.15em;font-family:system-ui,sans-serif}
.meta{font:13px system-ui,sans-serif;color:#555}
del{background:#ffe0e0;color:#8a1010;text-decoration:line-through}
ins{background:#ddf6dd;color:#0b5a0b;text-decoration:none}
.fold{color:#888;font:13px system-ui,sans-serif;text-align:center}
.headline{font-size:1.3em;font-weight:bold}
[lang=ur],[lang=ps]{font-family:"Noto Nastaliq Urdu","Noto Naskh Arabic",serif;line-height:2}
"""


def _attrs(text: str) -> str:
    """``dir="auto"`` and ``lang`` where the letters tell (Urdu, Pashto)."""
    lang = language(text)
    return ' dir="auto"' + (f' lang="{lang}"' if lang else "")


def _about_html(article: dict[str, Any] | None, cmp: Comparison) -> str:
    info = about(article, cmp)
    parts = [
        f'<span dir="auto">{html_text(line(info["source"] or "unknown outlet"))}</span>',
        f"published {html_text((info['published_at'] or '?')[:10])}",
    ]
    url = line(info["url"] or "")
    if url.lower().startswith(("http://", "https://")):
        parts.append(f'<a href="{html_text(url)}">{html_text(url)}</a>')
    elif url:
        parts.append(html_text(url))
    parts.append(f"<code>{html_text(info['command'])}</code>")
    return "<p class=meta>" + " · ".join(parts) + "</p>"


def _html_segments(segments: list[Segment] | list[Op]) -> str:
    out = []
    for op, text in segments:
        escaped = html_text(text)
        if op == DELETE:
            out.append(f"<del>{escaped}</del>")
        elif op == INSERT:
            out.append(f"<ins>{escaped}</ins>")
        else:
            out.append(escaped)
    return "".join(out)


def diff_html(cmp: Comparison, context: int | None = None) -> str:
    """The headline and paragraphs of one comparison as HTML (no page around it)."""
    body = [f"<p class=headline{_attrs(cmp.edits.title_new)}>{_html_segments(cmp.title_ops)}</p>"]
    for item in fold(display_paragraphs(cmp.ops), context):
        if isinstance(item, int):
            body.append(f"<p class=fold>⋯ {item} unchanged paragraph{'s' * (item != 1)} ⋯</p>")
        else:
            text = "".join(t for op, t in item if op != DELETE) or "".join(t for _, t in item)
            body.append(f"<p{_attrs(text)}>{_html_segments(item)}</p>")
    return "\n".join(body)


def render_html(
    cmps: list[Comparison], context: int | None = None, article: dict[str, Any] | None = None
) -> str:
    """One self-contained page (inline CSS): the article's link, outlet, published date
    and command, then each diff; every piece of article text escaped, each text element
    with its own direction (``dir="auto"``) and ``lang`` where known."""
    title = html_text(heading(cmps[0]) if len(cmps) == 1 else f"article {cmps[0].article_id}")
    body = []
    for cmp in cmps:
        body.append(f"<section><h1>{html_text(heading(cmp))}</h1>")
        body.append(_about_html(article, cmp))
        body.append(f"<p class=meta>{html_text(cmp.edits.summary())}</p>")
        body.append(diff_html(cmp, context))
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
