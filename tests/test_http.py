"""monitor.http against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import gzip
import pickle
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from monitor import PROJECT_URL, __version__
from monitor import http as http_module
from monitor.http import (
    FEED_ACCEPT,
    PAGE_ACCEPT,
    USER_AGENT,
    HttpClient,
    HttpOptions,
    parse_retry_after,
)

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    # threaded, so a handler that sleeps does not hold up the next request
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def httpserver(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


class Sleeps(list[float]):
    """A ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps: Sleeps) -> Iterator[HttpClient]:
    with HttpClient(HttpOptions(backoff=0.5), sleep=sleeps) as c:
        yield c


def test_user_agent_names_version_and_project() -> None:
    assert f"monitor/{__version__} (+{PROJECT_URL})" == USER_AGENT


def test_200_body_headers_and_request_headers(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        RSS,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"},
    )
    r = client.get(httpserver.url_for("/feed"))
    assert r.ok and r.error is None
    assert r.status == 200 and not r.not_modified
    assert r.content == RSS
    assert r.headers["content-type"] == "application/rss+xml"
    assert r.etag == '"v1"'
    assert r.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert r.final_url == r.url == httpserver.url_for("/feed")
    assert r.moved_to is None and r.retry_after is None
    assert r.attempts == 1 and r.elapsed > 0
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Accept"] == FEED_ACCEPT
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


def test_page_accept_is_sent_when_asked(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/page").respond_with_data("<html></html>")
    assert client.get(httpserver.url_for("/page"), accept=PAGE_ACCEPT).ok
    assert httpserver.log[0][0].headers["Accept"] == PAGE_ACCEPT


def test_304_sends_validators_and_keeps_them(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 25 Nov 2026 10:00:00 GMT"},
    ).respond_with_data(b"", status=304)
    r = client.get(
        httpserver.url_for("/feed"), etag='"v1"', last_modified="Wed, 25 Nov 2026 10:00:00 GMT"
    )
    assert r.ok and r.not_modified and r.status == 304
    assert r.content == b""
    assert r.etag == '"v1"'
    assert r.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"
    request = httpserver.log[0][0]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Wed, 25 Nov 2026 10:00:00 GMT"


def test_304_with_a_new_etag_returns_it(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=304, headers={"ETag": '"v2"'})
    r = client.get(httpserver.url_for("/feed"), etag='"v1"')
    assert r.not_modified and r.etag == '"v2"' and r.last_modified is None


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_sets_moved_to(
    httpserver: HTTPServer, client: HttpClient, status: int
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=status, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/old"))
    assert r.ok and r.content == RSS
    assert r.url == httpserver.url_for("/old")
    assert r.final_url == httpserver.url_for("/new")
    assert r.moved_to == httpserver.url_for("/new")


def test_validators_follow_the_redirect(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    r = client.get(httpserver.url_for("/old"), etag='"v1"')
    assert r.not_modified and r.moved_to == httpserver.url_for("/new")


def test_temporary_redirect_does_not_move(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/old"))
    assert r.ok and r.content == RSS
    assert r.final_url == httpserver.url_for("/new")
    assert r.moved_to is None


def test_mixed_chain_does_not_move(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/a"))
    assert r.ok and r.final_url == httpserver.url_for("/c")
    assert r.moved_to is None


def test_two_permanent_hops_move_to_the_end(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=308, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/a"))
    assert r.moved_to == httpserver.url_for("/c")


def test_redirect_loop(httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    r = client.get(httpserver.url_for("/a"))
    assert not r.ok
    assert r.error == f"redirect loop at {httpserver.url_for('/a')}"
    assert r.moved_to is None and r.content == b""
    assert r.attempts == 1 and sleeps == []  # not retried


def test_too_many_redirects(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    for i in range(4):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    httpserver.expect_request("/r4").respond_with_data(RSS)
    with HttpClient(HttpOptions(max_redirects=3), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/r0"))
        assert r.error == "more than 3 redirects"
        assert r.attempts == 1
    with HttpClient(HttpOptions(max_redirects=4), sleep=sleeps) as c:
        assert c.get(httpserver.url_for("/r0")).ok


def test_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "", status=301, headers={"Location": "ftp://example.com/feed"}
    )
    r = client.get(httpserver.url_for("/a"))
    assert r.error == "redirect to a non-http(s) URL: ftp://example.com/feed"


@pytest.mark.parametrize(("status", "error"), [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone")])
def test_client_errors_are_not_retried(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps, status: int, error: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("nope", status=status)
    r = client.get(httpserver.url_for("/feed"), etag='"v1"')
    assert not r.ok
    assert r.status == status and r.error == error
    assert r.content == b""
    assert r.etag == '"v1"'  # the validator sent, so storing it blindly loses nothing
    assert r.attempts == 1 and sleeps == []
    assert len(httpserver.log) == 1


def test_429_retry_after_seconds_is_honoured(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps
) -> None:
    httpserver.expect_oneshot_request("/feed").respond_with_data(
        "", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/feed").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/feed"))
    assert r.ok and r.content == RSS
    assert sleeps == [7.0]
    assert r.attempts == 2


def test_503_retry_after_http_date(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps
) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    httpserver.expect_oneshot_request("/feed").respond_with_data(
        "", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    httpserver.expect_request("/feed").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/feed"))
    assert r.ok
    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30


def test_retry_after_longer_than_the_cap_is_not_waited_for(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=429, headers={"Retry-After": "120"}
    )
    r = client.get(httpserver.url_for("/feed"))
    assert not r.ok
    assert r.status == 429
    assert r.error == "HTTP 429 Too Many Requests (retry after 120 s)"
    assert r.retry_after == 120.0
    assert sleeps == [] and r.attempts == 1


def test_429_retries_exhausted(httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=429, headers={"Retry-After": "2"}
    )
    r = client.get(httpserver.url_for("/feed"))
    assert r.error == "HTTP 429 Too Many Requests (retry after 2 s)"
    assert sleeps == [2.0, 2.0] and r.attempts == 3


def test_500_then_200_retry_succeeds(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps
) -> None:
    httpserver.expect_oneshot_request("/feed").respond_with_data("boom", status=500)
    httpserver.expect_request("/feed").respond_with_data(RSS)
    r = client.get(httpserver.url_for("/feed"))
    assert r.ok and r.content == RSS and r.status == 200
    assert r.attempts == 2
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0  # backoff 0.5 plus jitter


def test_500_always_fails_after_all_attempts(
    httpserver: HTTPServer, client: HttpClient, sleeps: Sleeps
) -> None:
    httpserver.expect_request("/feed").respond_with_data("boom", status=500)
    r = client.get(httpserver.url_for("/feed"))
    assert not r.ok
    assert r.status == 500 and r.error == "HTTP 500 Internal Server Error"
    assert r.attempts == 3 and len(httpserver.log) == 3
    # exponential: 0.5·2⁰ then 0.5·2¹, each plus up to 0.5 of jitter
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5


def test_read_timeout(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    def slow(request: Request) -> WResponse:
        time.sleep(1)
        return WResponse(RSS)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with HttpClient(HttpOptions(read_timeout=0.2, retries=1), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/slow"))
    assert not r.ok and r.status == 0
    assert r.error == "timed out after 0.2 s reading"
    # a timeout is not retried: a hanging server would cost the whole timeout again
    assert r.attempts == 1 and sleeps == []
    # let the server finish the slow answer: logged later, it would land in the
    # log of whichever test runs then
    deadline = time.monotonic() + 5
    while len(httpserver.log) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_total_deadline_stops_a_slow_drip(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    def drip(request: Request) -> WResponse:
        def body() -> Iterator[bytes]:
            for _ in range(20):
                yield b"x" * 10
                time.sleep(0.05)

        return WResponse(body())

    httpserver.expect_request("/drip").respond_with_handler(drip)
    with HttpClient(HttpOptions(total_timeout=0.2, retries=0), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/drip"))
    assert r.error == "timed out after 0.2 s in total"


def test_body_over_the_cap_by_content_length(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with HttpClient(HttpOptions(max_bytes=1000), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/big"))
        assert not r.ok and r.status == 0 and r.content == b""
        assert r.error == "body larger than 1,000 bytes"
        assert r.attempts == 1 and sleeps == []
    with HttpClient(HttpOptions(max_bytes=5000), sleep=sleeps) as c:
        assert c.get(httpserver.url_for("/big")).content == b"x" * 5000  # exactly the cap is fine


def test_body_over_the_cap_without_length(httpserver: HTTPServer, sleeps: Sleeps) -> None:
    def streamed(request: Request) -> WResponse:
        return WResponse(b"x" * 1000 for _ in range(100))  # no Content-Length

    httpserver.expect_request("/stream").respond_with_handler(streamed)
    with HttpClient(HttpOptions(max_bytes=20_000), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/stream"))
        assert "content-length" not in (httpserver.log[0][1].headers or {})
        assert r.error == "body larger than 20,000 bytes"
    with HttpClient(HttpOptions(max_bytes=200_000), sleep=sleeps) as c:
        assert c.get(httpserver.url_for("/stream")).content == b"x" * 100_000


def test_gzip_body_is_decoded(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(RSS * 50), headers={"Content-Encoding": "gzip"}
    )
    r = client.get(httpserver.url_for("/feed"))
    assert r.ok and r.content == RSS * 50
    assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS])
def test_deflate_body_is_decoded(httpserver: HTTPServer, client: HttpClient, wbits: int) -> None:
    obj = zlib.compressobj(wbits=wbits)
    body = obj.compress(RSS * 50) + obj.flush()
    httpserver.expect_request("/feed").respond_with_data(
        body, headers={"Content-Encoding": "deflate"}
    )
    assert client.get(httpserver.url_for("/feed")).content == RSS * 50


def test_gzip_bomb_is_stopped_by_the_cap(
    httpserver: HTTPServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    # record every decoded piece: inflating is bounded by the cap, not by what one
    # network read (up to 64 KiB of this bomb, i.e. ~65 MB) would inflate to
    pieces: list[int] = []
    decode = http_module._BodyDecoder.decode

    def recording(self: object, data: bytes, limit: int) -> Iterator[bytes]:
        for piece in decode(self, data, limit):  # type: ignore[arg-type]
            pieces.append(len(piece))
            yield piece

    monkeypatch.setattr(http_module._BodyDecoder, "decode", recording)
    with HttpClient(HttpOptions(max_bytes=1_000_000), sleep=sleeps) as c:
        r = c.get(httpserver.url_for("/bomb"))
    assert r.error == "body larger than 1,000,000 bytes"
    assert r.status == 0 and r.content == b"" and r.attempts == 1
    assert pieces and max(pieces) <= 1_000_001 and sum(pieces) <= 2_000_000


def test_corrupt_gzip_is_an_error(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    r = client.get(httpserver.url_for("/feed"))
    assert r.error is not None and r.error.startswith("could not decode gzip body")


def test_connection_refused(sleeps: Sleeps) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with HttpClient(HttpOptions(retries=1), sleep=sleeps) as c:
        r = c.get(f"http://127.0.0.1:{port}/feed")
    assert not r.ok and r.status == 0
    assert r.error == "connection refused"
    assert r.attempts == 2 and len(sleeps) == 1


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "feed", ""])
def test_not_an_http_url(client: HttpClient, url: str) -> None:
    r = client.get(url)
    assert r.error == "not an http(s) URL" and r.status == 0 and r.attempts == 0


def test_many_threads_share_one_client(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS)
    results: list[bytes] = []

    def work() -> None:
        for _ in range(5):
            results.append(client.get(httpserver.url_for("/feed")).content)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [RSS] * 40


def test_client_pickles_for_worker_processes(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS)
    c = HttpClient(HttpOptions(retries=0))
    assert c.get(httpserver.url_for("/feed")).ok
    copy = pickle.loads(pickle.dumps(c))
    assert copy.options == c.options
    assert copy.get(httpserver.url_for("/feed")).content == RSS
    c.close()
    copy.close()


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_loop_back_to_a_bare_host_url_is_caught(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/"})
    bare = httpserver.url_for("/").rstrip("/")  # http://127.0.0.1:PORT, no path
    r = client.get(bare)
    assert r.error == f"redirect loop at {bare}/"
    assert len(httpserver.log) == 2


_inherited: HttpClient | None = None


def test_a_non_ascii_validator_goes_back_as_it_came(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    etag = '"café"'
    httpserver.expect_oneshot_request("/feed").respond_with_data(RSS, headers={"ETag": etag})
    first = client.get(httpserver.url_for("/feed"))
    assert first.ok and first.etag == etag
    httpserver.expect_request("/feed").respond_with_data("", status=304)
    again = client.get(httpserver.url_for("/feed"), etag=first.etag)
    assert again.not_modified and again.etag == etag
    sent = httpserver.log[1][0].headers["If-None-Match"]
    assert sent.encode("latin-1") == etag.encode("utf-8")  # the same bytes on the wire


def test_a_304_leaves_its_connection_open_for_the_next_request():
    """A run of conditional GETs answered 304 reuses one keep-alive connection
    instead of opening one a feed."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    connections: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            connections.append(1)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with HttpClient(HttpOptions(retries=0)) as client:
            for _ in range(3):
                url = f"http://127.0.0.1:{server.server_address[1]}/feed"
                response = client.get(url, etag='"v1"')
                assert response.status == 304 and response.error is None
    finally:
        server.shutdown()
        server.server_close()
    assert len(connections) == 1
