"""A fast path for the commonest feed: plain RSS 2.0 in UTF-8, read with lxml.

feedparser spends about 0.2 ms of Python an entry calling a handler for every
element, character run and attribute of the document; lxml parses the same bytes
in C in a hundredth of that. This module takes only documents whose meaning is
unambiguous -- well-formed UTF-8 RSS 2.0 whose items use the core elements
(title, link, description, guid, pubDate, category, comments, enclosure, author,
``content:encoded``, ``dc:creator``, ``dc:date``) once each, as text -- and gives
for them the same raw entries feedparser gives (the same relative-URI, permalink,
date and mis-decoded-UTF-8 rules, using feedparser's own helpers), which
:func:`monitor.parse.make_entries` turns into entries as before. Anything else --
another format or encoding, a DOCTYPE, ``xml:base``, an extension element, markup
left unescaped inside a description, a malformed document -- returns ``None``:
feedparser parses it, bozo rules and all. ``tests/test_fastfeed.py`` checks the two
paths agree.
"""

from __future__ import annotations

import re
import time
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.urls import _urljoin
from lxml import etree

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"

#: item elements read here, each at most once, text only
_TEXT = ("title", "link", "description", "guid", "pubDate", "author", _CONTENT)
_DATES = (_DC + "date",)
_AUTHORS = ("author", _DC + "creator")
#: item elements that change nothing read here
_IGNORED = frozenset(("category", "comments", "enclosure"))
_ITEM = frozenset(_TEXT) | frozenset(_DATES) | frozenset(_AUTHORS) | _IGNORED
#: channel elements that change no entry nor the feed's title
_CHANNEL = frozenset(
    (
        "title",
        "link",
        "description",
        "language",
        "copyright",
        "managingEditor",
        "webMaster",
        "pubDate",
        "lastBuildDate",
        "category",
        "generator",
        "docs",
        "cloud",
        "ttl",
        "image",
        "rating",
        "skipHours",
        "skipDays",
        "item",
        _ATOM_LINK,
        _SY + "updatePeriod",
        _SY + "updateFrequency",
        _SY + "updateBase",
    )
)
#: media types feedparser decodes as the document says (text/xml without a charset
#: is US-ASCII to it, RFC 3023)
_XML_TYPES = frozenset(
    ("application/xml", "application/rss+xml", "application/rdf+xml", "application/atom+xml")
)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
    recover=False,
)


def _utf8(content_type: str | None, content: bytes) -> bool:
    """Whether feedparser would decode ``content`` as UTF-8, and it is."""
    media, _, params = (content_type or "application/xml").partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if charset is not None and charset not in ("utf-8", "utf8"):
        return False
    if media not in _XML_TYPES and not (media == "text/xml" and charset is not None):
        return False
    declared = _DECLARED.match(content.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared and declared[1].lower() not in (b"utf-8", b"utf8"):
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _out(value: str) -> str:
    """What feedparser makes of an element's text last: its repair of UTF-8 that was
    decoded as Latin-1 and encoded again, then Windows-1252's C1 characters."""
    try:
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.translate(_cp1252)


#: feedparser "fixes" query strings that look like character references in links
_LINK_REFERENCE = re.compile("&([A-Za-z0-9_]+);")


class _NotPlain(Exception):
    """Not a document this module reads: feedparser's turn."""


def _text(element: Any) -> str:
    if len(element) or (element.attrib and element.tag != "guid"):
        raise _NotPlain  # markup left unescaped, or attributes feedparser would read
    return (element.text or "").strip()


def _item(item: Any, base: str) -> dict[str, Any]:
    """One ``<item>`` as the dictionary feedparser makes of it (the keys read by
    :func:`monitor.parse.make_entries`)."""
    seen: dict[str, Any] = {}
    for child in item:
        tag = child.tag
        if tag not in _ITEM:
            raise _NotPlain
        if tag in _IGNORED:
            continue
        if tag in seen:
            raise _NotPlain  # feedparser's which-one-wins rules: not ours to copy
        seen[tag] = child
    if len([t for t in _AUTHORS if t in seen]) > 1:
        raise _NotPlain
    raw: dict[str, Any] = {}
    if "title" in seen:
        raw["title"] = _out(_text(seen["title"]))
    if "description" in seen:
        raw["summary"] = _out(_text(seen["description"]))
    if _CONTENT in seen:
        value = _out(_text(seen[_CONTENT]))
        raw["content"] = [{"value": value}]
        raw.setdefault("summary", value)
    for tag in _AUTHORS:
        if tag in seen:
            raw["author"] = _out(_text(seen[tag]))
    if "link" in seen:
        link = _text(seen["link"])
        link = _out(_urljoin(base, link) if link else link)
        raw["link"] = _LINK_REFERENCE.sub(r"&\g<1>", link.replace("&amp;", "&"))
    if "guid" in seen:
        guid = seen["guid"]
        if set(guid.attrib) - {"isPermaLink"}:
            raise _NotPlain
        is_link = guid.get("isPermaLink", "true") == "true"
        value = _text(guid)
        if value and is_link:
            value = _urljoin(base, value)  # a permalink is a URI: resolved as one
        raw["id"] = value = _out(value)
        if is_link:
            raw.setdefault("link", value)
    if "pubDate" in seen:
        raw["published_parsed"] = _date(_out(_text(seen["pubDate"])))
    for tag in _DATES:
        if tag in seen:
            raw["updated_parsed"] = _date(_out(_text(seen[tag])))
    return raw


def _date(value: str) -> time.struct_time | None:
    parsed: time.struct_time | None = _parse_date(value)
    return parsed


def parse_rss20(
    content: bytes, *, url: str | None = None, content_type: str | None = None
) -> tuple[list[dict[str, Any]], str | None] | None:
    """A plain UTF-8 RSS 2.0 document's raw entries (as feedparser would give them)
    and channel title; ``None`` for anything else."""
    head = content[:4096]
    if b"<!DOCTYPE" in head.upper() or b"xml:base" in content or not _utf8(content_type, content):
        return None
    try:
        root = etree.fromstring(content, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != "rss" or root.get("version") != "2.0" or set(root.attrib) != {"version"}:
        return None
    channels = list(root)
    if len(channels) != 1 or channels[0].tag != "channel" or channels[0].attrib:
        return None
    base = url or ""  # feedparser's base: the content-location we give it
    title: str | None = None
    items: list[dict[str, Any]] = []
    try:
        for child in channels[0]:
            tag = child.tag
            if tag not in _CHANNEL:
                return None
            if tag == "item":
                if child.attrib:
                    return None
                items.append(_item(child, base))
            elif tag == "title":
                if title is not None:
                    return None
                title = _out(_text(child))
    except _NotPlain:
        return None
    return items, title
