"""One article page fetched over HTTP, as a :class:`~monitor.sources.RawSource`
that ``monitor add URL`` reads like a local file."""

from __future__ import annotations

from monitor.errors import InputError
from monitor.http import PAGE_ACCEPT, HttpClient
from monitor.sources import RawSource, _looks_binary, _looks_html


def read_url(url: str, client: HttpClient | None = None) -> tuple[RawSource, str]:
    """Fetch ``url``; return the page and the URL it ended at (after redirects)."""
    own = client is None
    http = client or HttpClient()
    try:
        response = http.get(url, accept=PAGE_ACCEPT)
    finally:
        if own:
            http.close()
    if response.error:
        raise InputError(
            f"{url}: {response.error}; check the address or save the page and add the file"
        )
    data = response.content
    if not data.strip():
        raise InputError(f"{url}: the server sent an empty page; nothing to add")
    content_type = response.headers.get("content-type", "").lower()
    if _looks_binary(data) or content_type.startswith(
        ("image/", "video/", "audio/", "application/pdf")
    ):
        raise InputError(
            f"{url}: is not a web page ({content_type or 'binary'}); give an article URL"
        )
    is_html = "html" in content_type or _looks_html(url, data)
    return RawSource(name=url, data=data, is_html=is_html), response.final_url
