"""A hostile HTTP server on 127.0.0.1 for tests and benchmarks: plain sockets, bounded.

Each connection is served by a daemon thread that gives up after ``max_seconds``;
the server stops by itself after ``lifetime`` seconds, or when :meth:`stop` is
called (the ``with`` block ends). Paths:

``/slow-headers``   status line, then one header byte every ``interval`` s, forever
``/slow-body``      full headers (Content-Length 1 MB), then one body byte every ``interval`` s
``/hang``           reads the request and never answers, never closes
``/redirect?to=U``  ``302`` to ``U`` (``/moved?to=U`` for a ``301``)
``/reason``         status 599 with ESC/OSC sequences and rich markup in the reason phrase
``/feed``           an RSS feed whose channel and item titles carry markup and escapes
``/ok``             a small page
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

ESC = "\x1b"
HOSTILE_TITLE = f"Talks [/bold] [link=http://evil.example]x[/link] {ESC}]0;pwned\x07{ESC}[2J end"
HOSTILE_REASON = f"Evil {ESC}]0;pwned\x07[/bold]{ESC}[2J phrase"

FEED = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>{HOSTILE_TITLE}</title><link>http://example.com/</link>
<item><title>{HOSTILE_TITLE}</title><link>http://example.com/a</link>
<description>The delegations met in Doha on Monday to resume the talks.</description></item>
</channel></rss>""".encode()


class HostileServer:
    def __init__(
        self, *, interval: float = 0.5, max_seconds: float = 20.0, lifetime: float = 120.0
    ) -> None:
        self.interval = interval
        self.max_seconds = max_seconds
        self.lifetime = lifetime
        self.requests: list[str] = []
        #: the Host header of each request, in the order of ``requests``
        self.hosts: list[str] = []
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    # -- serving ---------------------------------------------------------------

    def _serve(self) -> None:
        ends = time.monotonic() + self.lifetime
        try:
            while not self._stop.is_set() and time.monotonic() < ends:
                try:
                    conn, _ = self._sock.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        finally:
            self._sock.close()

    def _wait(self, seconds: float, until: float) -> bool:
        """Sleep; False when the server stops or the connection's time is up."""
        return not self._stop.wait(seconds) and time.monotonic() < until

    def _handle(self, conn: socket.socket) -> None:
        until = time.monotonic() + self.max_seconds
        try:
            conn.settimeout(self.max_seconds)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            target = request.split(b" ", 2)[1].decode("latin-1")
            head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
            fields = dict(h.split(":", 1) for h in head if ":" in h)
            self.hosts.append(
                next((v.strip() for k, v in fields.items() if k.lower() == "host"), "")
            )
            self.requests.append(target)
            self._answer(conn, target, until)
        except OSError:
            pass
        finally:
            conn.close()

    def _answer(self, conn: socket.socket, target: str, until: float) -> None:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path == "/slow-headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"a" * 100_000:
                if not self._wait(self.interval, until):
                    return
                conn.sendall(bytes([byte]))
        elif path == "/slow-body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while self._wait(self.interval, until):
                conn.sendall(b"x")
        elif path == "/hang":
            self._wait(self.max_seconds, until)
        elif path in ("/redirect", "/moved"):
            status = "301 Moved Permanently" if path == "/moved" else "302 Found"
            location = query.get("to", "/ok")
            conn.sendall(
                f"HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
            )
        elif path == "/reason":
            body = b"no"
            conn.sendall(
                f"HTTP/1.1 599 {HOSTILE_REASON}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        elif path == "/feed":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                + f"Content-Length: {len(FEED)}\r\n\r\n".encode()
                + FEED
            )
        else:
            body = b"<html><body><p>fine</p></body></html>"
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
