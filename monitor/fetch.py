"""Download one feed or one article page (or read a local feed file): plain data in,
plain data out, no database.

Downloads run in threads of the main process (waiting on the network releases
the GIL) and share one HTTP client per process, so connections are reused
between feeds. A feed download is a conditional GET with the stored ``ETag`` and
``Last-Modified``; a local feed file's modification time plays the part of
``Last-Modified``. Every function here returns a result and never raises: a bug
or a bad server costs one feed, never the run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from monitor.errors import InputError
from monitor.http import PAGE_ACCEPT, HttpClient, HttpOptions
from monitor.sources import read_local_file
from monitor.text.urls import is_local, local_path
from monitor.types import FeedBody, FeedResult, FetchOutcome, PageBody, PageResult


@dataclass
class FeedJob:
    feed_id: int
    url: str
    etag: str | None
    last_modified: str | None
    http: HttpOptions


@dataclass
class PageJob:
    url: str
    http: HttpOptions


_clients: dict[HttpOptions, HttpClient] = {}
_clients_lock = threading.Lock()


def _client(options: HttpOptions) -> HttpClient:
    """One client per process, shared by its download threads (connections are
    reused between feeds)."""
    client = _clients.get(options)
    if client is None:
        with _clients_lock:
            client = _clients.get(options)
            if client is None:
                client = _clients[options] = HttpClient(options)
    return client


def close_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def download_feed_job(job: FeedJob) -> FeedResult | FeedBody:
    """Download (or read) one feed: the body to parse, or the final result when
    there is nothing to parse (an error, 304, an unchanged file). Never raises."""
    try:
        return _download_feed(job)
    except Exception as exc:  # a bug must cost one feed, not the run
        return FeedResult(job.feed_id, FetchOutcome(error=f"internal error: {exc!r}"[:300]))


def _download_feed(job: FeedJob) -> FeedResult | FeedBody:
    if is_local(job.url):
        path = local_path(job.url)
        try:
            # a file's modification time plays the part of Last-Modified
            stamp = f"mtime:{path.stat().st_mtime_ns}"
            if job.last_modified == stamp:
                return FeedResult(job.feed_id, FetchOutcome(status=304, not_modified=True))
            content = read_local_file(path)
        except OSError as exc:
            return FeedResult(
                job.feed_id, FetchOutcome(error=f"cannot read {path}: {exc.strerror}")
            )
        except InputError as exc:  # a FIFO, a device, a file over the size cap
            return FeedResult(job.feed_id, FetchOutcome(error=str(exc)))
        outcome = FetchOutcome(status=200, last_modified=stamp)
        return FeedBody(job.feed_id, outcome, content, None, path.as_uri())
    response = _client(job.http).get(job.url, etag=job.etag, last_modified=job.last_modified)
    outcome = FetchOutcome(
        status=response.status,
        error=response.error,
        etag=response.etag,
        last_modified=response.last_modified,
        moved_to=response.moved_to,
        retry_after=response.retry_after,
        not_modified=response.not_modified,
    )
    if response.error or response.not_modified:
        return FeedResult(job.feed_id, outcome)
    return FeedBody(
        job.feed_id,
        outcome,
        response.content,
        response.headers.get("content-type"),
        response.final_url,
    )


def download_page_job(job: PageJob) -> PageResult | PageBody:
    """Download one article page: the body to extract, or the error. Never raises.

    Pages are links found in feeds, so unless the user allowed it (``allow_private``)
    they may not lead to loopback, private or link-local addresses (SSRF guard).
    """
    try:
        response = _client(job.http).get(job.url, accept=PAGE_ACCEPT)
        if response.error:
            return PageResult(job.url, error=response.error)
        return PageBody(job.url, response.content, response.final_url)
    except Exception as exc:
        return PageResult(job.url, error=f"internal error: {exc!r}"[:300])
