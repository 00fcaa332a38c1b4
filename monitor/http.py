"""The one HTTP client of ``monitor``: polite, bounded, and it never raises.

``HttpClient.get(url, etag=..., last_modified=...)`` fetches one URL and always
returns a :class:`Response`; a network or HTTP problem is one readable line in
``Response.error``, never an exception. What it does for the caller:

- connect and read timeouts, and a hard wall-clock deadline for the whole of one
  attempt (DNS lookup, connect, headers, every hop and the body): every lookup and
  socket operation gets at most the time left (:mod:`monitor.netguard`), so a
  server trickling bytes or a hung resolver cannot stretch it; a timed-out attempt
  is not retried;
- with ``allow_private=False`` (page fetches), loopback, private, link-local,
  multicast, unspecified and reserved addresses are refused after DNS resolution,
  on every redirect hop;
- a cap on the *decoded* body: bytes are read as they arrive and gzip/deflate
  is decompressed here with a bounded output, so a gzip bomb stops at the cap;
- redirects followed hop by hop up to a limit, loops detected; when every hop
  was permanent (301/308) ``moved_to`` names the URL to store instead;
- conditional GET: the stored ``ETag``/``Last-Modified`` go out as
  ``If-None-Match``/``If-Modified-Since``, so an unchanged feed costs one 304;
- retries with exponential backoff and jitter on 429, 5xx and connection errors,
  honouring ``Retry-After`` (seconds or an HTTP date) up to ``max_retry_after``;
  a longer wait is reported, not waited for.

One client may be shared by several threads (httpx's pool is thread-safe). The
underlying ``httpx.Client`` is made on first use and made again in a forked
child, so an ``HttpClient`` can also be handed to (or built in) worker processes.
"""

from __future__ import annotations

import os
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

import httpx

from monitor import PROJECT_URL, __version__, netguard
from monitor.text.safetext import line
from monitor.text.timeutil import parse_datetime

USER_AGENT = f"monitor/{__version__} (+{PROJECT_URL})"
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

#: the codings this module decodes itself (with a bounded output); nothing else is asked for
ACCEPT_ENCODING = "gzip, deflate"

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    #: cap on the decoded body
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    #: extra attempts on 429/5xx/connect error/timeout
    retries: int = 2
    #: base seconds: ``backoff * 2**attempt``, plus up to ``backoff`` of jitter
    backoff: float = 1.0
    #: a longer Retry-After is not waited for: the error is returned with ``retry_after`` set
    max_retry_after: float = 60.0
    #: hard deadline in seconds for one attempt (connect, all hops, headers, whole body)
    total_timeout: float = 300.0
    #: False: refuse loopback/private/link-local/multicast/reserved addresses (after DNS,
    #: on every redirect hop); feeds the user adds may be anywhere, pages should not
    allow_private: bool = True


@dataclass
class Response:
    #: the URL requested
    url: str
    #: after redirects
    final_url: str
    #: final HTTP status; 0 when no response at all (DNS, refused, timeout, too large…)
    status: int
    #: body (b"" on 304 and on errors)
    content: bytes
    #: final response headers, lower-case names
    headers: dict[str, str]
    #: from a 2xx response; on 304 the server's, else the one sent; on errors the one sent
    #: (so storing it blindly never loses the validator)
    etag: str | None
    last_modified: str | None
    #: set when every hop of the redirect chain was permanent (301/308): the URL to store
    moved_to: str | None
    #: seconds, from the last 429/503
    retry_after: float | None
    #: one readable line when the fetch failed; None on 2xx/304
    error: str | None
    #: seconds, all attempts (waits included)
    elapsed: float
    attempts: int

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Failure(Exception):
    """One attempt failed; ``retry`` says whether another attempt may help."""

    def __init__(self, message: str, *, retry: bool = False, status: int = 0) -> None:
        message = line(message)  # server-supplied text: never an escape sequence
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.status = status


@dataclass
class _Attempt:
    """The outcome of one attempt that got a final (non-redirect) response."""

    final_url: str
    status: int
    reason: str
    headers: dict[str, str]
    content: bytes
    moved_to: str | None


def _seconds(value: float) -> str:
    return f"{value:g}"


def _reason(status: int, phrase: str) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return line(phrase)[:100]  # the server's own words: shown, never obeyed


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_datetime(value)
    if when is None:
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class _BodyDecoder:
    """Decode gzip/deflate with the output bounded by ``limit`` (a bomb stops at the cap)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._first = True
        self._obj: Any = self._new()

    def _new(self) -> Any:
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj()  # deflate: zlib-wrapped, raw tried on the first error

    def decode(self, data: bytes, limit: int) -> Iterator[bytes]:
        """Yield decoded pieces of ``data``, none longer than ``limit + 1``."""
        while data:
            try:
                out = self._obj.decompress(data, limit + 1)
            except zlib.error as exc:
                if self._first and self.coding == "deflate":
                    self._first = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _Failure(f"could not decode {self.coding} body ({exc})") from None
            self._first = False
            if out:
                yield out
            if self._obj.eof:
                # gzip may hold several members: go on only if another one follows
                data = self._obj.unused_data
                if self.coding == "deflate" or not data.startswith(b"\x1f\x8b"):
                    return  # trailing bytes after the stream are ignored, as gzip(1) does
                self._obj = self._new()
            else:
                data = self._obj.unconsumed_tail
            if out:
                limit -= len(out)
                if limit < 0:
                    return


class HttpClient:
    """Fetch URLs politely; ``get`` never raises for network or HTTP problems."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options or HttpOptions()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._proxied = False
        self._pid = 0

    # -- lifecycle -----------------------------------------------------------------

    def _http(self) -> httpx.Client:
        pid = os.getpid()
        client = self._client
        if client is not None and self._pid == pid:
            return client
        with self._lock:
            if self._client is None or self._pid != pid:
                # a client inherited through fork shares sockets with the parent: never reuse it
                opts = self.options
                self._client = httpx.Client(
                    timeout=httpx.Timeout(
                        connect=opts.connect_timeout,
                        read=opts.read_timeout,
                        write=opts.read_timeout,
                        pool=None,
                    ),
                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=20),
                    follow_redirects=False,
                    headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
                )
                self._proxied = netguard.install(self._client)
                self._pid = pid
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                self._client.close()
            self._client = None

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        # picklable for worker processes: each process makes its own connection pool
        return {"options": self.options, "sleep": self._sleep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["options"], sleep=state["sleep"])  # type: ignore[misc]

    # -- fetching ------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Response:
        """Fetch ``url`` (GET), conditionally when validators are given."""
        started = time.monotonic()
        opts = self.options
        # as bytes: a validator goes back as the server sent it (httpx decodes non-ASCII
        # header bytes as UTF-8, and would refuse to encode them again as ASCII)
        headers = {b"Accept": accept.encode()}
        if etag:
            headers[b"If-None-Match"] = etag.encode()
        if last_modified:
            headers[b"If-Modified-Since"] = last_modified.encode()

        def result(
            *,
            attempts: int,
            error: str | None,
            status: int = 0,
            final_url: str = url,
            content: bytes = b"",
            response_headers: dict[str, str] | None = None,
            moved_to: str | None = None,
            retry_after: float | None = None,
        ) -> Response:
            got = response_headers or {}
            new_etag, new_modified = etag, last_modified
            if error is None and status != 304:
                new_etag, new_modified = got.get("etag"), got.get("last-modified")
            elif status == 304:
                new_etag = got.get("etag") or etag
                new_modified = got.get("last-modified") or last_modified
            return Response(
                url=url,
                final_url=final_url,
                status=status,
                content=content,
                headers=got,
                etag=new_etag,
                last_modified=new_modified,
                moved_to=moved_to,
                retry_after=retry_after,
                error=error,
                elapsed=time.monotonic() - started,
                attempts=attempts,
            )

        if not _is_http_url(url):
            return result(attempts=0, error="not an http(s) URL")

        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                got = self._attempt(url, headers)
            except _Failure as failure:
                error, status, retry = failure.message, failure.status, failure.retry
                outcome: _Attempt | None = None
            else:
                outcome, status = got, got.status
                if 200 <= status < 300 or status == 304:
                    return result(
                        attempts=attempt,
                        error=None,
                        status=status,
                        final_url=got.final_url,
                        content=got.content if status != 304 else b"",
                        response_headers=got.headers,
                        moved_to=got.moved_to,
                    )
                if status in (429, 503):
                    retry_after = parse_retry_after(got.headers.get("retry-after"))
                error = f"HTTP {status} {got.reason}".rstrip()
                if status in REDIRECTS:
                    error += " without a Location header"
                if retry_after is not None:
                    error += f" (retry after {_seconds(round(retry_after, 1))} s)"
                retry = status in RETRY_STATUSES

            wait: float | None = None
            if retry and attempt <= opts.retries:
                if retry_after is not None:
                    wait = retry_after if retry_after <= opts.max_retry_after else None
                else:
                    wait = opts.backoff * 2 ** (attempt - 1) + random.uniform(0, opts.backoff)
                    wait = min(wait, opts.max_retry_after)
            if wait is None:
                return result(
                    attempts=attempt,
                    error=error,
                    status=status,
                    final_url=outcome.final_url if outcome else url,
                    response_headers=outcome.headers if outcome else None,
                    moved_to=outcome.moved_to if outcome else None,
                    retry_after=retry_after,
                )
            self._sleep(wait)

    def _attempt(self, url: str, headers: dict[bytes, bytes]) -> _Attempt:
        """One attempt under one hard deadline (see :mod:`monitor.netguard`)."""
        opts = self.options
        client = self._http()
        deadline = time.monotonic() + opts.total_timeout
        try:
            with netguard.attempt(deadline, allow_private=opts.allow_private):
                return self._hops(client, url, headers, deadline)
        except httpx.HTTPError as exc:
            if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline - 0.01:
                raise self._out_of_time() from None
            raise _describe(exc, opts) from None
        except (UnicodeError, ValueError, RuntimeError, OSError) as exc:
            # never raise: whatever httpx or the socket layer throws is one line too
            raise _Failure(f"request failed: {type(exc).__name__}: {exc}"[:300]) from None

    def _out_of_time(self) -> _Failure:
        # not retried: a server this slow once is as slow again, and cron waits for it
        return _Failure(f"timed out after {_seconds(self.options.total_timeout)} s in total")

    def _check_host(self, url: str) -> None:
        """Through a proxy the connection is to the proxy: check the URL's host here."""
        if self.options.allow_private or not self._proxied:
            return
        target = httpx.URL(url)
        try:
            problem = netguard.host_problem(
                target.host, target.port or 443, self.options.connect_timeout
            )
        except netguard.DeadlinePassed:
            raise self._out_of_time() from None
        except netguard.LookupTimedOut as exc:
            raise _Failure(str(exc)) from None
        if problem:
            raise _Failure(problem)

    def _hops(
        self, client: httpx.Client, url: str, headers: dict[bytes, bytes], deadline: float
    ) -> _Attempt:
        """Follow redirects hop by hop, read the final body under the cap."""
        opts = self.options
        seen = {_loop_key(httpx.URL(url))}
        permanent = True
        hops = 0
        current = url
        while True:
            self._check_host(current)
            with client.stream("GET", current, headers=headers) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECTS and location:
                    try:
                        target = str(response.url.join(location.strip()))
                    except (httpx.InvalidURL, ValueError):
                        raise _Failure(f"bad redirect Location: {location[:200]}") from None
                    hops += 1
                    if hops > opts.max_redirects:
                        raise _Failure(f"more than {opts.max_redirects} redirects", status=status)
                    if not _is_http_url(target):
                        raise _Failure(f"redirect to a non-http(s) URL: {target}", status=status)
                    key = _loop_key(httpx.URL(target))
                    if key in seen:
                        raise _Failure(f"redirect loop at {target}", status=status)
                    seen.add(key)
                    permanent = permanent and status in PERMANENT_REDIRECTS
                    current = target
                    if time.monotonic() > deadline:
                        raise self._out_of_time()
                    continue
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                content = b""
                if 200 <= status < 300:
                    content = self._read(response, deadline)
                elif status == 304:
                    # no body, but read to its end: an unread response closes its
                    # connection, and a run of 304s would open one a feed
                    response.read()
                return _Attempt(
                    final_url=str(response.url),
                    status=status,
                    reason=_reason(status, response.reason_phrase),
                    headers=response_headers,
                    content=content,
                    moved_to=current
                    if hops and permanent and netguard.may_move(url, current)
                    else None,
                )

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        """The decoded body, stopping as soon as it is over ``max_bytes``."""
        cap = self.options.max_bytes
        too_large = f"body larger than {cap:,} bytes"
        codings = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise _Failure(f"unsupported Content-Encoding: {', '.join(codings)}")
        decoder = _BodyDecoder(codings[0]) if codings else None
        length = response.headers.get("content-length", "")
        if decoder is None and length.isdigit() and int(length) > cap:
            raise _Failure(too_large)
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            pieces = decoder.decode(raw, cap - size) if decoder else (raw,)
            for piece in pieces:
                size += len(piece)
                if size > cap:
                    raise _Failure(too_large)
                chunks.append(piece)
            if time.monotonic() > deadline:
                raise self._out_of_time()
        return b"".join(chunks)


def _is_http_url(url: str) -> bool:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.host)


def _loop_key(url: httpx.URL) -> str:
    """The resource a request goes to: "http://h" and "http://h/" are one."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _describe(exc: httpx.HTTPError, opts: HttpOptions) -> _Failure:
    """One readable line for a transport error, and whether retrying may help."""
    # a timeout is not retried: each retry of a server that hangs costs the whole
    # timeout again (three tries of a trickling feed held a cron run for 905 s)
    if isinstance(exc, httpx.ConnectTimeout):
        for cause in _chain(exc):
            if isinstance(cause, netguard.LookupTimedOut):
                return _Failure(str(cause))
        return _Failure(f"timed out after {_seconds(opts.connect_timeout)} s connecting")
    if isinstance(exc, httpx.ReadTimeout):
        return _Failure(f"timed out after {_seconds(opts.read_timeout)} s reading")
    if isinstance(exc, httpx.WriteTimeout):
        return _Failure(f"timed out after {_seconds(opts.read_timeout)} s sending")
    if isinstance(exc, httpx.TimeoutException):
        return _Failure("timed out")
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return _Failure("not an http(s) URL")
    text = str(exc) or type(exc).__name__
    for cause in _chain(exc):
        if isinstance(cause, netguard.AddressRefused):
            return _Failure(str(cause))
        if isinstance(cause, ConnectionRefusedError):
            return _Failure("connection refused", retry=True)
        if isinstance(cause, ssl.SSLCertVerificationError):
            return _Failure(f"TLS certificate not accepted: {cause.verify_message}")
        if isinstance(cause, ssl.SSLError):
            return _Failure(f"TLS error: {cause.reason or cause}", retry=True)
    lowered = text.lower()
    if "refused" in lowered:
        return _Failure("connection refused", retry=True)
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return _Failure("host not found (DNS)")
    if "temporary failure in name resolution" in lowered:
        return _Failure("host not found (DNS lookup failed)", retry=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return _Failure(f"server broke the HTTP protocol: {text}", retry=True)
    if isinstance(exc, httpx.TransportError):
        return _Failure(f"network error: {text}", retry=True)
    if isinstance(exc, httpx.DecodingError):
        return _Failure(f"could not decode the body: {text}")
    return _Failure(f"HTTP error: {text}")
