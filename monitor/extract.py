"""HTML -> article text and metadata, with trafilatura (the field's benchmark leader)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .timeutil import parse_published

# trafilatura logs every page it finds hard to parse; the caller reports instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


#: fewer words than this is a menu or a banner, not an article
MIN_WORDS = 8


@dataclass
class Extracted:
    text: str
    title: str | None = None
    byline: str | None = None
    published_at: str | None = None
    url: str | None = None
    source: str | None = None


def extract_html(html: str | bytes, url: str | None = None) -> Extracted | None:
    """Extract the main article from an HTML page; ``None`` when there is no article text."""
    import trafilatura  # imported lazily: it costs ~0.5 s to import

    document = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    if document is None:
        return None
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    title = (data.get("title") or "").strip() or None
    # trafilatura puts one paragraph a line; the store separates paragraphs by a blank line
    lines = [line.strip() for line in (data.get("text") or "").splitlines() if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the headline repeated as the first line of the body
    text = "\n\n".join(lines)
    if len(text.split()) < MIN_WORDS:
        return None  # navigation or a cookie banner, not an article
    published = parse_published(str(data["date"]), what="page date") if data.get("date") else None
    return Extracted(
        text=text,
        title=title,
        byline=(data.get("author") or None),
        published_at=published,
        url=(data.get("url") or None),
        source=(data.get("sitename") or data.get("hostname") or None),
    )
