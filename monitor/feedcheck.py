"""Check a feed before following it: fetch it once; an HTML page is searched for the
feeds it announces (``<link rel="alternate" type="application/rss+xml">``, Atom too)
and the first one is followed; a sitemap or an OPML list is refused with the command
that takes it. No database: plain data in, plain data out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from monitor.errors import InputError
from monitor.http import HttpClient, HttpOptions
from monitor.parse import looks_like_html, parse_feed
from monitor.sources import read_local_file
from monitor.text.urls import is_local, local_path

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml"}
)
#: one quick attempt: a user is waiting at the prompt
CHECK_HTTP = HttpOptions(retries=0, connect_timeout=10.0, read_timeout=20.0, total_timeout=30.0)
_ROOT = re.compile(rb"<\s*([A-Za-z][\w:.-]*)")


@dataclass
class CheckedFeed:
    #: what to follow: the location given, or the feed an HTML page announced
    url: str
    title: str | None
    entries: int
    #: the HTML page the feed was found on (None when the location was a feed)
    found_on: str | None = None
    #: the other feeds that page announced (not followed)
    others: tuple[str, ...] = ()


def root_element(content: bytes) -> str:
    """The name of an XML document's first element (no namespace prefix), lower-case."""
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", content[:4096], flags=re.S)
    found = _ROOT.search(head)
    return found.group(1).decode("ascii", "replace").split(":")[-1].lower() if found else ""


def announced_feeds(html: bytes, base: str) -> list[str]:
    """The feeds an HTML page announces in ``<link rel="alternate">``, absolute, in order."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises ParserError on empty or binary input
        return []
    base_href = doc.xpath("//base/@href")
    base = urljoin(base, str(base_href[0]).strip()) if base_href else base
    found: list[str] = []
    for link in doc.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            url = urljoin(base, (link.get("href") or "").strip())
            if url not in found:
                found.append(url)
    return found


def _refuse_other_kinds(content: bytes, location: str) -> None:
    root = root_element(content)
    if root == "opml":
        raise InputError(
            f"{location}: an OPML list of feeds, not a feed; "
            f"import it with 'monitor feeds import FILE.opml'"
        )
    if root in ("urlset", "sitemapindex"):
        raise InputError(
            f"{location}: a sitemap, not a feed; add its pages with 'monitor add URL' "
            f"(or follow the site's RSS/Atom feed)"
        )


class FeedChecker:
    """Fetches locations once each (one HTTP client for many)."""

    def __init__(self, options: HttpOptions = CHECK_HTTP) -> None:
        self.client = HttpClient(options)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> FeedChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, location: str) -> tuple[bytes, str | None, str]:
        """Body, content type and final URL of a location (a URL or a local file)."""
        if is_local(location):
            return read_local_file(local_path(location)), None, location
        response = self.client.get(location)
        if not response.ok:
            raise InputError(f"feed {location}: {response.error}")
        return response.content, response.headers.get("content-type"), response.final_url

    def check(self, location: str) -> CheckedFeed:
        """What following ``location`` means, or an :class:`InputError` saying why not."""
        content, kind, final = self._get(location)
        _refuse_other_kinds(content, location)
        parsed = parse_feed(content, url=final, content_type=kind)
        if parsed.error is None:
            return CheckedFeed(location, parsed.title, len(parsed.entries))
        if not (looks_like_html(content) or (kind or "").startswith("text/html")):
            raise InputError(f"feed {location}: {parsed.error}")
        if is_local(location):
            raise InputError(f"feed {location}: an HTML file, not a feed")
        feeds = announced_feeds(content, final)
        if not feeds:
            raise InputError(
                f"feed {location}: an HTML page that announces no RSS or Atom feed "
                f'(no <link rel="alternate" type="application/rss+xml">); '
                f"give the feed's own URL, or add the page with 'monitor add URL'"
            )
        first = feeds[0]
        content, kind, final = self._get(first)
        _refuse_other_kinds(content, first)
        parsed = parse_feed(content, url=final, content_type=kind)
        if parsed.error is not None:
            raise InputError(f"feed {first} (announced by {location}): {parsed.error}")
        return CheckedFeed(first, parsed.title, len(parsed.entries), location, tuple(feeds[1:]))
