"""Feed bytes -> plain :class:`Entry` objects, with feedparser.

feedparser gets the raw **bytes** and the response headers (``content-type``
for the encoding, ``content-location`` to resolve relative links); it never
fetches anything itself.

Bozo policy (after lemon24/reader, but lenient where entries survive):

* an empty body is an error: ``empty response: no feed``;
* a document that yields **entries** is accepted even when feedparser flags it
  as bozo (malformed XML, wrong encoding declaration): the problem is kept as a
  one-line ``warning``;
* no entries and an HTML document: error ``not a feed: looks like an HTML page``
  (a login wall, a CDN error page, a site's home page);
* no entries and a real parse error: error ``not a feed: <the parser's message>``;
* no entries, a recognised RSS/Atom/RDF document: a valid, empty feed (no error).
  ``CharacterEncodingOverride`` and ``NonXMLContentType`` never count as errors.

GUID rules: the entry's ``id``, else its link, else a hash of title and
summary; whitespace stripped. Within one document an id repeated on entries
with *different* links is not an identity (publishers do this): those entries
are identified by their links. An id repeated on the same link is one entry
(the first is kept).

Entry text: the longest of ``content`` and ``summary``, HTML turned into plain
paragraphs. Published date: ``published``, else ``updated``, as UTC ISO-8601.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
import time
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from monitor import fastfeed
from monitor.text.timeutil import published_iso
from monitor.types import Entry, FeedBody, FeedResult, FetchOutcome, ParsedFeed

#: bozo exceptions that say nothing about whether the document is a feed
BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


#: elements that end a paragraph of plain text
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
#: elements whose content is no text (``applet`` too: feedparser's sanitiser dropped it)
_DROP = frozenset(("script", "style", "template", "noscript", "head", "title", "applet"))
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b|head\b|body\b)", re.I | re.S
)


def html_to_text(value: str) -> str:
    """Feed summary HTML -> plain text, one blank line between blocks.

    Parsed by lxml's HTML parser (as a browser would): a ``<`` or ``>`` that starts no
    tag is text (``5 < 6 and 7 > 3`` survives), entities are decoded, scripts and
    styles dropped.
    """
    if "<" not in value and "&" not in value:
        return value.strip()
    parts: list[str] = []
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing parseable: the text as it is
        parts.append(html.unescape(value))
    else:
        _flatten(root, parts)
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", "".join(parts))]
    return "\n\n".join(b for b in blocks if b)


def _flatten(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # comments, PIs: no text
    if tag.lower() not in _DROP:
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n\n")
        if tag and element.text:
            parts.append(element.text)
        for child in element:
            _flatten(child, parts)
        if block:
            parts.append("\n\n")
    if element.tail:
        parts.append(element.tail)


def looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head))


_SAX_POSITION = re.compile(r"^<unknown>:(\d+):(\d+):\s*")
#: a gzip stream saved or served without Content-Encoding is still a feed
GZIP_MAGIC = b"\x1f\x8b"
MAX_GUNZIP = 50_000_000


def _one_line(exc: Any) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    match = _SAX_POSITION.match(text)
    if match:
        text = f"malformed XML at line {match[1]}, column {match[2]}: {text[match.end() :]}"
    return text[:200]


def _gunzip(content: bytes) -> bytes | None:
    import zlib

    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(content, MAX_GUNZIP)
    except zlib.error:
        return None
    return data if not inflater.unconsumed_tail else None


def _published(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return iso_from_struct(value)
            except (OverflowError, ValueError):
                continue
    return None


def iso_from_struct(value: time.struct_time) -> str | None:
    """A feed date as stored UTC ISO, or ``None`` when its year is implausible."""
    from datetime import datetime, timezone

    stamp = datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    return published_iso(stamp, what="feed date")


def _text(entry: Any) -> str:
    candidates = [entry.get("summary") or ""]
    for content in entry.get("content") or []:
        candidates.append(content.get("value") or "")
    texts = [html_to_text(c) for c in candidates if c]
    return max(texts, key=len, default="")


def _guid(entry: Any, title: str, text: str, link: str | None) -> str:
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid
    if link:
        return link
    digest = hashlib.sha256((title + "\x00" + text).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def make_entries(raw_entries: list[Any]) -> list[Entry]:
    entries: list[Entry] = []
    for raw in raw_entries:
        title = html_to_text(raw.get("title") or "")
        text = _text(raw)
        link = (raw.get("link") or "").strip() or None
        if not title and not text:
            continue  # nothing to store
        entries.append(
            Entry(
                guid=_guid(raw, title, text, link),
                title=title,
                text=text,
                link=link,
                published_at=_published(raw),
                author=(raw.get("author") or "").strip() or None,
            )
        )
    return dedupe(entries)


def dedupe(entries: list[Entry]) -> list[Entry]:
    """Apply the within-document GUID rules (see the module docstring)."""
    links_by_guid: dict[str, set[str | None]] = {}
    for entry in entries:
        links_by_guid.setdefault(entry.guid, set()).add(entry.link)
    seen: set[tuple[str, str | None]] = set()
    kept: list[Entry] = []
    for entry in entries:
        if len(links_by_guid[entry.guid]) > 1 and entry.link:
            entry.guid = entry.link  # a shared id is no identity: the link is
        key = (entry.guid, entry.link)
        if key in seen:
            continue
        seen.add(key)
        kept.append(entry)
    return kept


def parse_feed(
    content: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """Parse feed bytes; never raises for bad input (``error`` says what is wrong)."""
    if content.startswith(GZIP_MAGIC):
        unzipped = _gunzip(content)
        if unzipped is None:
            return ParsedFeed(error="not a feed: a broken or oversized gzip stream")
        content = unzipped
    if not content.strip():
        return ParsedFeed(error="empty response: no feed")
    if content.lstrip()[:1] in (b"{", b"["):
        return ParsedFeed(error="not a feed: looks like JSON (JSON Feed is not supported)")
    fast = fastfeed.parse_rss20(content, url=url, content_type=content_type)
    if fast is not None:  # plain UTF-8 RSS 2.0: the same raw entries, 20 times faster
        raw, title = fast
        return ParsedFeed(make_entries(raw), html_to_text(title or "") or None, "rss20")
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    try:
        # entries become plain text (html_to_text drops scripts and styles), so
        # feedparser's own HTML sanitiser and relative-URI rewriting, two more passes
        # over every summary (a third of its time), would change nothing we keep
        result = feedparser.parse(
            content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser should not raise; a bad document must not crash a run
        return ParsedFeed(error=f"not a feed: the parser failed ({_one_line(exc)})")
    version = result.get("version") or ""
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    problem = None
    if bozo is not None and type(bozo).__name__ not in BENIGN_BOZO:
        problem = _one_line(bozo)
    title = html_to_text((result.get("feed") or {}).get("title") or "") or None
    entries = make_entries(result.get("entries") or [])
    if entries:
        return ParsedFeed(entries, title, version, warning=problem)
    if looks_like_html(content) or (not version and b"<html" in content[:4096].lower()):
        return ParsedFeed(title=title, version=version, error="not a feed: looks like an HTML page")
    if problem:
        return ParsedFeed(title=title, version=version, error=f"not a feed: {problem}")
    if not version:
        return ParsedFeed(
            title=title, version=version, error="not a feed: no RSS, Atom or RDF document found"
        )
    return ParsedFeed([], title, version)


def parse_feed_job(body: FeedBody) -> FeedResult:
    """Parse a downloaded feed (the CPU-heavy half, for a worker process). Never raises."""
    try:
        return _parse_feed(body)
    except Exception as exc:
        return FeedResult(body.feed_id, FetchOutcome(error=f"internal error: {exc!r}"[:300]))


def _parse_feed(body: FeedBody) -> FeedResult:
    parsed = parse_feed(body.content, url=body.location, content_type=body.content_type)
    outcome = body.outcome
    outcome.error = parsed.error
    outcome.warning = parsed.warning
    outcome.title = parsed.title
    outcome.entries = len(parsed.entries)
    return FeedResult(body.feed_id, outcome, parsed.entries)
