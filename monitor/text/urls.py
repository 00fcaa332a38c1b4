"""URL normalisation: one article, one URL, whatever tracking was glued onto it."""

from __future__ import annotations

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


@lru_cache(maxsize=8192)  # one store() asks for the same URL three times
def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters.

    The path keeps its case (servers treat it as case-sensitive); remaining
    query parameters keep their order.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
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
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def is_local(url: str) -> bool:
    return not url.lower().startswith(("http://", "https://"))


def local_path(url: str) -> Path:
    return Path(url[len("file://") :] if url.lower().startswith("file://") else url)
