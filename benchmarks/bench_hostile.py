"""Worst-case wall time of one hostile feed fetch against the attempt deadline.

tests/hostile_server.py (plain sockets on 127.0.0.1, in a thread of this process)
serves four kinds of hostile feed:

- slow-headers: the status line, then one header byte every --interval seconds;
- slow-body: full headers, then one body byte every --interval seconds;
- hang: the request is read and never answered; the connection stays open;
- ok: a normal page (the baseline).

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
        [--interval 0.5] [--retries 2] [--server-limit 12]

To see the code before a change, point PYTHONPATH at an older checkout of monitor/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_server import HostileServer  # noqa: E402

from monitor.http import HttpClient, HttpOptions  # noqa: E402

CASES = ("ok", "slow-headers", "slow-body", "hang")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--deadline", type=float, default=3.0, help="total_timeout, seconds")
    parser.add_argument("--read-timeout", type=float, default=1.5)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between bytes")
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--server-limit", type=float, default=12.0)
    args = parser.parse_args()

    import monitor

    print(f"monitor from {Path(monitor.__file__).parent}")
    print(
        f"deadline {args.deadline:g} s, read timeout {args.read_timeout:g} s, "
        f"retries {args.retries}, a byte every {args.interval:g} s, "
        f"server gives up after {args.server_limit:g} s"
    )
    options = HttpOptions(
        total_timeout=args.deadline,
        read_timeout=args.read_timeout,
        connect_timeout=args.read_timeout,
        retries=args.retries,
        backoff=0.1,
    )
    worst = ("", 0.0)
    print(f"{'case':<14}{'wall s':>8}{'x deadline':>12}{'attempts':>10}  error")
    with HostileServer(
        interval=args.interval, max_seconds=args.server_limit, lifetime=3600
    ) as server:
        for case in CASES:
            with HttpClient(options) as client:
                started = time.monotonic()
                response = client.get(server.url(f"/{case}"))
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


if __name__ == "__main__":
    main()
