"""HTTP client (MINIMAL STAND-IN: replaced on merge by the full client of the http branch).

Only the interface the fetch code relies on: ``HttpClient.get`` never raises for
network or HTTP problems, returns a :class:`Response` with ``error`` set instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from . import __version__

USER_AGENT = f"monitor/{__version__} (+https://github.com/monitor-news/monitor)"
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class HttpOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0


@dataclass
class Response:
    url: str
    final_url: str
    status: int  # 0 = no response
    content: bytes
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    moved_to: str | None
    retry_after: float | None
    error: str | None
    elapsed: float
    attempts: int

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpClient:
    def __init__(
        self, options: HttpOptions | None = None, *, sleep: Callable[[float], None] = time.sleep
    ):
        self.options = options or HttpOptions()
        self._sleep = sleep
        timeout = httpx.Timeout(self.options.read_timeout, connect=self.options.connect_timeout)
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Response:
        started = time.monotonic()
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        permanent = True
        try:
            for _ in range(self.options.max_redirects + 1):
                resp = self._client.get(current, headers=headers)
                if resp.status_code in (301, 302, 303, 307, 308) and "location" in resp.headers:
                    permanent = permanent and resp.status_code in (301, 308)
                    current = str(resp.url.join(resp.headers["location"]))
                    continue
                break
            else:
                return self._fail(url, current, 0, "too many redirects", started)
        except httpx.HTTPError as exc:
            return self._fail(url, current, 0, f"{type(exc).__name__}: {exc}", started)
        status = resp.status_code
        error = None
        if not (200 <= status < 300 or status == 304):
            error = f"HTTP {status} {resp.reason_phrase}".strip()
        return Response(
            url=url,
            final_url=current,
            status=status,
            content=resp.content,
            headers={k.lower(): v for k, v in resp.headers.items()},
            etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
            moved_to=current if current != url and permanent else None,
            retry_after=None,
            error=error,
            elapsed=time.monotonic() - started,
            attempts=1,
        )

    def _fail(self, url: str, final: str, status: int, error: str, started: float) -> Response:
        return Response(
            url, final, status, b"", {}, None, None, None, None, error,
            time.monotonic() - started, 1,
        )  # fmt: skip

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
