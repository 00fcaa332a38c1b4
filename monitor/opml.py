"""OPML feed lists: read the feeds of an OPML file, write followed feeds as OPML 2.0.

lxml (already installed: trafilatura depends on it) parses with entity expansion
and network access off; an OPML list is a small XML document, so a dedicated
library would add a dependency for a dozen lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.errors import InputError


@dataclass
class OpmlFeed:
    url: str
    name: str | None = None
    #: ``monitor:story`` attribute (written by ``feeds export --opml``), else None
    story: str | None = None
    #: ``monitor:paused="1"`` (written by ``feeds export --opml``)
    paused: bool = False


MONITOR_NS = "https://github.com/monitor/opml"


def read_opml(content: bytes, name: str = "OPML file") -> list[OpmlFeed]:
    """The feeds (outlines with an ``xmlUrl``) of an OPML document, nested folders too."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not an OPML file ({exc})") from exc
    if etree.QName(root).localname.lower() != "opml":
        raise InputError(f"{name}: not an OPML file (its root is <{etree.QName(root).localname}>)")
    feeds: list[OpmlFeed] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        story = outline.get(f"{{{MONITOR_NS}}}story") or None
        paused = outline.get(f"{{{MONITOR_NS}}}paused") == "1"
        feeds.append(OpmlFeed(url, title, story, paused))
    return feeds


def write_opml(feeds: list[dict[str, Any]], title: str = "monitor feeds") -> bytes:
    """Followed feeds (rows of the ``feeds`` table) as an OPML 2.0 document; each
    outline keeps its story and paused state in ``monitor:`` attributes, which other
    readers ignore."""
    from lxml import etree

    root = etree.Element("opml", version="2.0", nsmap={"monitor": MONITOR_NS})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    for feed in feeds:
        name = feed.get("name") or feed.get("title") or feed["url"]
        outline = etree.SubElement(body, "outline", type="rss", text=name, title=name)
        outline.set("xmlUrl", feed["url"])
        if feed.get("story"):
            outline.set(f"{{{MONITOR_NS}}}story", feed["story"])
        if feed.get("paused"):
            outline.set(f"{{{MONITOR_NS}}}paused", "1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
