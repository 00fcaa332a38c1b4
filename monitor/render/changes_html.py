"""The ``changes`` report as one self-contained HTML page (inline CSS), to open or mail.

Every piece of outside text is escaped; each title, outlet and text element has
``dir="auto"`` (its own direction, from its first strong letter) and ``lang`` where
its letters tell (Urdu, Pashto), so right-to-left headlines read right to left
inside a left-to-right page.
"""

from __future__ import annotations

from typing import Any

from monitor.render.changes import has_news
from monitor.text.safetext import html_text, line
from monitor.text.script import language

CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ddd}
ul{padding-left:1.2em}li{margin:.6em 0}.meta{color:#555;font-size:.9em}
code{background:#f3f3f3;padding:0 .25em}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:start}
del{background:#ffe0e0;color:#8a1010}ins{background:#ddf6dd;color:#0b5a0b;text-decoration:none}
.sev-substantive,.sev-major{color:#8a1010;font-weight:bold}
[lang=ur],[lang=ps]{font-family:"Noto Nastaliq Urdu","Noto Naskh Arabic",serif;line-height:1.9}
"""


def text_attrs(text: Any) -> str:
    """``dir="auto"`` and, where the letters tell, ``lang``: for any element of outside text."""
    lang = language(str(text or ""))
    return ' dir="auto"' + (f' lang="{lang}"' if lang else "")


def span(text: Any, tag: str = "span", cls: str = "") -> str:
    """An element holding one piece of outside text, escaped, with its own direction."""
    klass = f' class="{cls}"' if cls else ""
    return f"<{tag}{klass}{text_attrs(text)}>{html_text(line(text))}</{tag}>"


def link(url: Any, text: Any) -> str:
    """A link to an http(s) URL (other schemes are shown, not linked)."""
    target = line(url)
    if target.lower().startswith(("http://", "https://")):
        return f'<a href="{html_text(target)}"{text_attrs(text)}>{html_text(line(text))}</a>'
    return span(text)


def meta_html(a: dict[str, Any]) -> str:
    """Outlet, published date, URL and the command, for one article."""
    parts = [span(a.get("source") or "unknown outlet")]
    parts.append(f"published {html_text((a.get('published_at') or '?')[:10])}")
    if a.get("first_seen_at"):
        parts.append(f"first seen {html_text(a['first_seen_at'][:16].replace('T', ' '))}")
    if a.get("url"):
        parts.append(link(a["url"], a["url"]))
    command = a.get("command") or f"monitor show {a['id']}"
    parts.append(f"<code>{html_text(command)}</code>")
    return '<div class="meta">' + " · ".join(parts) + "</div>"


def _window(report: dict[str, Any]) -> str:
    w = report["window"]
    story = f" — story {span(w['story'])}" if w.get("story") else ""
    return f"{html_text(w['since'])} → {html_text(w['until'])}{story}"


def render_html(report: dict[str, Any]) -> str:
    w = report["window"]
    body = [f"<h1>Changes {_window(report)}</h1>"]
    body.append(
        f'<p class="meta">compared with {html_text(w["previous_since"])} → '
        f"{html_text(w['previous_until'])}</p>"
    )
    if not has_news(report) and not any(report["themes"].values()):
        body.append(
            "<p>Nothing new in this window: no new or edited articles, no theme changes.</p>"
        )
    new = report["new_articles"]
    body.append(f"<h2>New articles: {int(new['count'])}</h2>")
    if new["by_source"]:
        body.append(
            "<p>By source: "
            + ", ".join(f"{span(s['source'])} {int(s['count'])}" for s in new["by_source"])
            + "</p>"
        )
    body.append("<ul>")
    for a in new["top"]:
        body.append(f"<li>{link(a.get('url'), a.get('title') or '(untitled)')}{meta_html(a)}</li>")
    body.append("</ul>")
    edits = report["edited_articles"]
    body.append(f"<h2>Edited articles: {len(edits)}</h2><ul>")
    for e in edits:
        item = [f"<li><strong>{link(e.get('url'), e.get('title') or '(untitled)')}</strong>"]
        if e.get("headline_rewritten"):
            item.append(
                f"<div>headline: <del{text_attrs(e['title_old'])}>{html_text(line(e['title_old']))}"
                f"</del> → <ins{text_attrs(e['title_new'])}>{html_text(line(e['title_new']))}</ins></div>"
            )
        for x in e.get("edits") or []:
            sev = html_text(x["severity"])
            item.append(
                f'<div>v{int(x["from"])}→v{int(x["to"])} <span class="sev-{sev}">[{sev}]</span> '
                f"{span(x['summary'] or 'no named edit')}</div>"
            )
        item.append(meta_html(e) + "</li>")
        body.append("".join(item))
    body.append("</ul>")
    for name, key in (
        ("Themes rising", "rising"),
        ("Themes fading", "fading"),
        ("New themes", "new"),
    ):
        items = report["themes"][key]
        if items:
            body.append(
                f"<h2>{name}</h2><table><tr><th>theme</th><th>story</th><th>now</th>"
                "<th>before</th><th>change</th></tr>"
            )
            for i in items:
                body.append(
                    f"<tr><td>{span(i['label'])}</td><td>{span(i['story'])}</td>"
                    f"<td>{int(i['count'])}</td><td>{int(i['previous'])}</td>"
                    f"<td>{int(i['change']):+d}</td></tr>"
                )
            body.append("</table>")
    if report["terms"]:
        body.append("<h2>Distinctive terms</h2><p>")
        body.append(
            ", ".join(
                f"{span(x['term'])} ({int(x['count'])} vs {int(x['previous'])})"
                for x in report["terms"]
            )
        )
        body.append("</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Changes {html_text(w['since'])} → {html_text(w['until'])}</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
