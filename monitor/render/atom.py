"""A feed of edits: the ``changes`` window as an Atom 1.0 document (RFC 4287).

One entry per new article and per edited version. Entry ids are ``tag:`` URIs
(RFC 4151) made of the article id and version number, and ``updated`` is when the
version was observed, so rewriting the file every half hour changes nothing a feed
reader has already seen. Each entry's content is HTML: the named edits with their
severity, the article's outlet, published date, link and ``monitor diff`` command,
and the diff itself. Written with ElementTree, which escapes all text; control
characters XML cannot hold are removed first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from monitor.render.diff import diff_html
from monitor.text.safetext import clean, html_text, line
from monitor.text.script import language

ATOM = "http://www.w3.org/2005/Atom"
#: the tagging entity and date of every id (RFC 4151: tag:authority,date:specific)
TAG = "tag:monitor.invalid,2026:"
GENERATOR = "monitor"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entry_id(article_id: int, version: int) -> str:
    return f"{TAG}article-{int(article_id)}-v{int(version)}"


def feed_id(story: str | None) -> str:
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in line(story or "all"))
    return f"{TAG}edits-{slug}"


def _el(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        node.text = clean(text, newlines=True)
    return node


def _attrs(text: Any) -> str:
    lang = language(str(text or ""))
    return ' dir="auto"' + (f' lang="{lang}"' if lang else "")


def _p(label: str, text: Any) -> str:
    return f"<p><b>{html_text(label)}</b> <span{_attrs(text)}>{html_text(line(text))}</span></p>"


def content_html(item: dict[str, Any]) -> str:
    """The HTML an entry shows: named edits, severity, the article's details, the diff."""
    title = item["title"] or "(untitled)"
    parts = [f"<h2{_attrs(title)}>{html_text(line(title))}</h2>"]
    if item["kind"] == "new":
        parts.append("<p><b>New article</b></p>")
    else:
        parts.append(
            f"<p><b>Edit v{int(item['from_version'])} → v{int(item['version'])}</b> "
            f"[{html_text(item['severity'] or '?')}]: "
            f"<span>{html_text(line(item['summary'] or 'no named edit'))}</span></p>"
        )
        if item.get("title_old") is not None and item["title_old"] != item["title"]:
            parts.append(
                f"<p>Headline: <del{_attrs(item['title_old'])}>{html_text(line(item['title_old']))}"
                f"</del> → <ins{_attrs(item['title'])}>{html_text(line(item['title']))}</ins></p>"
            )
    parts.append(_p("Outlet:", item.get("source") or "unknown"))
    parts.append(_p("Published:", (item.get("published_at") or "?")[:10]))
    url = line(item.get("url") or "")
    if url.lower().startswith(("http://", "https://")):
        parts.append(f'<p><b>Link:</b> <a href="{html_text(url)}">{html_text(url)}</a></p>')
    parts.append(f"<p><b>See:</b> <code>{html_text(item['command'])}</code></p>")
    cmp = item.get("comparison")
    if cmp is not None:
        parts.append("<hr/>" + diff_html(cmp, context=1))
    return "\n".join(parts)


def render_atom(report: dict[str, Any]) -> str:
    """The report's ``entries`` as an Atom feed, newest first."""
    ET.register_namespace("", ATOM)
    w = report["window"]
    items = sorted(
        report.get("entries") or [], key=lambda i: (i["observed_at"], i["key"]), reverse=True
    )
    feed = ET.Element(f"{{{ATOM}}}feed")
    story = w.get("story")
    _el(feed, "id", feed_id(story))
    _el(feed, "title", "monitor: new and edited articles" + (f" ({line(story)})" if story else ""))
    _el(feed, "subtitle", f"{w['since']} → {w['until']}")
    _el(feed, "updated", items[0]["observed_at"] if items else w["until"])
    author = _el(feed, "author")
    _el(author, "name", GENERATOR)
    _el(feed, "generator", GENERATOR)
    for item in items:
        entry = _el(feed, "entry")
        lang = language(item["title"])
        if lang:  # the entry's language, where the headline's letters tell (Urdu, Pashto)
            entry.set(XML_LANG, lang)
        _el(entry, "id", entry_id(item["article_id"], item["version"]))
        prefix = "" if item["kind"] == "new" else f"[{item['severity'] or 'edit'}] "
        _el(entry, "title", prefix + line(item["title"] or "(untitled)"))
        _el(entry, "updated", item["observed_at"])
        published = item.get("published_at") or item.get("first_seen_at")
        if published:
            _el(entry, "published", published)
        url = line(item.get("url") or "")
        if url.lower().startswith(("http://", "https://")):
            _el(entry, "link", rel="alternate", type="text/html", href=url)
        if item.get("source"):
            entry_author = _el(entry, "author")
            _el(entry_author, "name", line(item["source"]))
        _el(entry, "category", term=item["kind"])
        if item.get("severity"):
            _el(entry, "category", term=f"severity-{item['severity']}")
        _el(entry, "summary", line(item["summary"] or ""))
        _el(entry, "content", content_html(item), type="html")
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
