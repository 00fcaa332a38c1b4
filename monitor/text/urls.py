"""URL normalisation: one article, one URL, whatever tracking was glued onto it.

URLs come from feeds and pages, so nothing here raises: :func:`normalise_url`
gives back the stripped input when it cannot be parsed, and :func:`url_problem`
(or :func:`acceptable_url`) says at the boundary whether a URL can be fetched:
http or https, a host, a port from 1 to 65535, no control characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: query parameters that identify a campaign or a click, never the article
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_ga",
    "_gl",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "smid",
    "smtyp",
    "ito",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "rss",
    "feed",
    "spm",
    "share",
    "s_cid",
    "xtor",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "icid",
    "intcmp",
    "cid",
    "via",
}


def _is_tracking(key: str) -> bool:
    lower = key.lower()
    return lower.startswith(("utm_", "at_", "pk_", "mtm_", "hsa_")) or lower in TRACKING_PARAMS


FETCH_SCHEMES = frozenset({"http", "https"})
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, in a few words; ``None`` when it can."""
    text = url.strip()
    if _UNSAFE_CHARS.search(text):
        return "has control characters"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:  # "Port out of range 0-65535", bad IPv6 literal ...
        return f"is not a valid URL ({exc})"
    if parts.scheme.lower() not in FETCH_SCHEMES:
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    if port == 0:
        return "has port 0"
    return None


def acceptable_url(url: str) -> bool:
    """Whether ``url`` is an http(s) URL with a host and a valid port (see :func:`url_problem`)."""
    return url_problem(url) is None


@lru_cache(maxsize=8192)  # one store() asks for the same URL three times
def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters.

    The path keeps its case (servers treat it as case-sensitive); remaining
    query parameters keep their order; an IPv6 host keeps its brackets. Never
    raises: a URL that cannot be parsed (a port over 65535, a broken IPv6 literal)
    comes back stripped but otherwise unchanged; :func:`url_problem` says why.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal: without brackets its colons read as a port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, host, path, query, ""))


def looks_like_url(value: str) -> bool:
    """An http(s) URL with a host and a valid port (never raises)."""
    return acceptable_url(value)


def is_local(url: str) -> bool:
    return not url.lower().startswith(("http://", "https://"))


def local_path(url: str) -> Path:
    return Path(url[len("file://") :] if url.lower().startswith("file://") else url)
