"""Worst-case wall time of one hostile feed fetch against the attempt deadline.

tests/hostile_server.py (plain sockets on 127.0.0.1, in a thread of this process)
serves four kinds of hostile feed:

- slow-headers: the status line, then one header byte every --interval seconds;
- slow-body: full headers, then one body byte every --interval seconds;
- hang: the request is read and never answered; the connection stays open;
- ok: a normal page (the baseline);
- slow-dns: /ok on a name whose lookup hangs --dns-delay seconds (``socket.getaddrinfo``
  is replaced in this process for names under ``.test``; the answer is 127.0.0.1);
- slow-dns-page: the same as a page fetch (``allow_private=False``: the answer is
  refused once it comes, but it must not be waited for past the deadline).

Then extraction of pathological pages on a thread that is not the main one (as a
program using ``monitor.api`` runs it) with ``time_budget=--extract-budget``:

- spans: 49,000 ``<span>`` of words in one ``<div>`` (inside the size and element
  budgets; the time goes to trafilatura's Python code);
- links: 6,000 links in one paragraph, and
- bold: 16,000 ``<b>`` words in one paragraph: most of their time goes to single
  libxml2 XPath calls, which no timer in the process interrupts (the extraction's
  child process is killed instead).

Each is fetched once with ``HttpClient(HttpOptions(total_timeout=--deadline,
read_timeout=--read-timeout, retries=--retries))``: the interval is shorter than
the read timeout, so only the attempt deadline can stop the slow ones. The
server gives up on a connection after --server-limit seconds (it is the bound
when nothing else is). For each case: wall time, attempts, the error, and wall
time / deadline; then the worst case. Monitor's real defaults are a 300 s
deadline, 30 s read timeout and 2 retries: the scaled-down run shows the same
shape in seconds.

Run by hand (not in CI), from the repository root:

    python benchmarks/bench_hostile.py [--deadline 3] [--read-timeout 1.5] \\
        [--interval 0.5] [--retries 2] [--server-limit 12] [--dns-delay 10] \\
        [--extract-budget 3]

To see the code before a change, point PYTHONPATH at an older checkout of monitor/.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dataclasses import replace  # noqa: E402

from hostile_server import HostileServer  # noqa: E402

from monitor.http import HttpClient, HttpOptions  # noqa: E402

CASES = ("ok", "slow-headers", "slow-body", "hang", "slow-dns", "slow-dns-page")
PARA = "<p>" + "The delegations met in Doha on Monday to resume the talks. " * 5 + "</p>"
PAGES = {
    "spans": "<div>" + "<span>word and more words here</span>" * 49_000 + "</div>",
    "links": "<div><p>" + "<a href='/x'>link text</a> words " * 6_000 + "</p></div>",
    "bold": "<div><p>" + "<b>bold</b> words " * 16_000 + "</p></div>",
}


def slow_resolver(delay: float) -> None:
    """Names under ``.test`` answer 127.0.0.1 after ``delay`` seconds; others as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".test"):
            time.sleep(delay)
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def extract_in_thread(name: str, budget: float) -> tuple[float, str]:
    from monitor.extract import extract_html

    html = (
        "<html><head><title>Talks</title></head><body><article>"
        + PARA * 3
        + PAGES[name]
        + "</article></body></html>"
    )
    out: list[tuple[float, str]] = []

    def run() -> None:
        started = time.monotonic()
        try:
            got = extract_html(html, url="https://x.example/a", time_budget=budget)
            outcome = "extracted" if got else "no text"
        except Exception as exc:
            outcome = str(exc)
        out.append((time.monotonic() - started, outcome))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--deadline", type=float, default=3.0, help="total_timeout, seconds")
    parser.add_argument("--read-timeout", type=float, default=1.5)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between bytes")
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--server-limit", type=float, default=12.0)
    parser.add_argument("--connect-timeout", type=float, default=10.0)
    parser.add_argument("--dns-delay", type=float, default=10.0, help="seconds a lookup hangs")
    parser.add_argument("--extract-budget", type=float, default=3.0, help="seconds")
    args = parser.parse_args()
    slow_resolver(args.dns_delay)

    import monitor

    print(f"monitor from {Path(monitor.__file__).parent}")
    print(
        f"deadline {args.deadline:g} s, read timeout {args.read_timeout:g} s, "
        f"retries {args.retries}, a byte every {args.interval:g} s, "
        f"server gives up after {args.server_limit:g} s, lookups of *.test hang "
        f"{args.dns_delay:g} s"
    )
    options = HttpOptions(
        total_timeout=args.deadline,
        read_timeout=args.read_timeout,
        connect_timeout=args.connect_timeout,
        retries=args.retries,
        backoff=0.1,
    )
    worst = ("", 0.0)
    print(f"{'case':<14}{'wall s':>8}{'x deadline':>12}{'attempts':>10}  error")
    with HostileServer(
        interval=args.interval, max_seconds=args.server_limit, lifetime=3600
    ) as server:
        for case in CASES:
            url = server.url(f"/{case}")
            if case.startswith("slow-dns"):
                url = f"http://{case}.test:{server.port}/ok"
            case_options = replace(options, allow_private=case != "slow-dns-page")
            with HttpClient(case_options) as client:
                started = time.monotonic()
                response = client.get(url)
                wall = time.monotonic() - started
            print(
                f"{case:<14}{wall:>8.2f}{wall / args.deadline:>12.2f}{response.attempts:>10}  "
                f"{response.error or 'ok'}"
            )
            if wall > worst[1]:
                worst = (case, wall)
    print(
        f"worst case: {worst[0]} {worst[1]:.2f} s = {worst[1] / args.deadline:.2f} x "
        f"the {args.deadline:g} s deadline"
    )
    print(f"\nextraction on a thread, time budget {args.extract_budget:g} s")
    print(f"{'page':<14}{'wall s':>8}{'x budget':>12}  outcome")
    for name in PAGES:
        wall, outcome = extract_in_thread(name, args.extract_budget)
        print(f"{name:<14}{wall:>8.2f}{wall / args.extract_budget:>12.2f}  {outcome[:70]}")


if __name__ == "__main__":
    main()
