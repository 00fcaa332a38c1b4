"""Small RSS documents for the fetch tests."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from monitor.http import HttpOptions
from monitor.update import FetchOptions, run_fetch


@dataclass
class Item:
    guid: str | None
    title: str
    summary: str = (
        "Pakistan and the Afghan Taliban traded accusations over TTP attacks near Torkham."
    )
    link: str | None = None
    published: str = "Mon, 20 Oct 2025 07:15:00 GMT"


def rss(items: list[Item], title: str = "Test feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://news.example/</link>",
        "<description>test</description>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        parts.append(f"<pubDate>{item.published}</pubDate>")
        parts.append(f"<description>{escape(item.summary)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def items(n: int, prefix: str = "a") -> list[Item]:
    return [
        Item(
            guid=f"{prefix}-{i}",
            title=f"Pakistan and Taliban story number {i}",
            link=f"https://news.example/{prefix}/{i}",
        )
        for i in range(n)
    ]


def serve_sequence(httpserver, path: str, bodies: list[bytes], content_type: str) -> list[int]:
    """Serve ``bodies`` one per request at ``path`` (the last one repeats); returns a hit counter."""
    from werkzeug import Response

    hits = [0]

    def handler(request):
        body = bodies[min(hits[0], len(bodies) - 1)]
        hits[0] += 1
        return Response(body, content_type=content_type)

    httpserver.expect_request(path).respond_with_handler(handler)
    return hits


#: no retries, short timeouts: a test sees each failure at once
NO_RETRY = HttpOptions(retries=0, backoff=0.0, connect_timeout=2, read_timeout=5)


def fetch(db, **kwargs):
    """Run one fetch with test HTTP options unless given. The test server is on
    loopback, so pages are allowed there unless a test says otherwise."""
    kwargs.setdefault("http", NO_RETRY)
    kwargs.setdefault("allow_private", True)
    return run_fetch(db, FetchOptions(**kwargs))
