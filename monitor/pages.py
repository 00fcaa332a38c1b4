"""One article page fetched over HTTP, as a :class:`~monitor.sources.RawSource`
that ``monitor add URL`` reads like a local file."""

from __future__ import annotations

from monitor.errors import InputError
from monitor.http import PAGE_ACCEPT, HttpClient, HttpOptions
from monitor.sources import RawSource, _looks_binary, _looks_html


def read_url(
    url: str, client: HttpClient | None = None, *, allow_private: bool = True
) -> tuple[RawSource, str]:
    """Fetch ``url``; return the page and the URL it ended at (after redirects).

    ``allow_private=False`` (for pages a feed links to, not a URL the user typed)
    refuses loopback, private and other non-public addresses on every hop; it
    applies when no ``client`` is given (a given client keeps its own options).
    """
    own = client is None
    http = client or HttpClient(HttpOptions(allow_private=allow_private))
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
