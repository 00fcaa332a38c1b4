"""The DNS lookup is part of an attempt: bounded by its deadline, done once, and the
connection goes to the address that was looked up (and checked), not to the name again."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import pytest
from hostile_server import HostileServer

from monitor import netguard
from monitor.http import HttpClient, HttpOptions, Response

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer(interval=0.1, max_seconds=15) as server:
        yield server


class Resolver:
    """``socket.getaddrinfo`` for names under ``.test``: each name answers from a list
    of addresses (one a lookup, the last repeated), after ``delay`` seconds."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: dict[str, list[str]] = {}
        self.delay = 0.0
        self.lookups: list[str] = []
        self.released = threading.Event()  # ends a sleeping lookup when the test is over
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(host, str) and host.endswith(".test")):
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups.append(host)
        if self.delay:
            self.released.wait(self.delay)
        answers = self.answers[host]
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return REAL_GETADDRINFO(address, port, *args, **kwargs)


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    fake = Resolver(monkeypatch)
    yield fake
    fake.released.set()


def _get(url: str, **options: Any) -> tuple[Response, float, list[float]]:
    sleeps: list[float] = []
    with HttpClient(HttpOptions(**options), sleep=sleeps.append) as client:
        started = time.monotonic()
        response = client.get(url)
        return response, time.monotonic() - started, sleeps


@pytest.mark.parametrize("allow_private", [True, False])
def test_a_hung_resolver_ends_the_attempt_at_its_deadline(
    hostile, resolver, loopback_is_public, allow_private
) -> None:
    resolver.answers["slow.test"] = ["127.0.0.1"]
    resolver.delay = 20.0  # a resolver that hangs far longer than the deadline
    r, wall, sleeps = _get(
        f"http://slow.test:{hostile.port}/ok",
        total_timeout=0.8,
        connect_timeout=10,
        retries=2,
        allow_private=allow_private,
    )
    assert r.error == "timed out after 0.8 s in total"
    assert 0.7 < wall < 3.0  # the deadline, not the 20 s lookup
    assert r.attempts == 1 and sleeps == [] and hostile.requests == []


def test_a_slow_lookup_is_cut_at_the_connect_timeout(hostile, resolver) -> None:
    resolver.answers["slow.test"] = ["127.0.0.1"]
    resolver.delay = 20.0
    r, wall, _ = _get(
        f"http://slow.test:{hostile.port}/ok", connect_timeout=0.5, total_timeout=30, retries=0
    )
    assert r.error == "DNS lookup of slow.test timed out after 0.5 s"
    assert 0.4 < wall < 3.0


def test_a_lookup_within_the_deadline_is_waited_for(hostile, resolver) -> None:
    resolver.answers["slow.test"] = ["127.0.0.1"]
    resolver.delay = 0.3
    r, _, _ = _get(f"http://slow.test:{hostile.port}/ok", total_timeout=5, retries=0)
    assert r.ok and hostile.requests == ["/ok"]


@pytest.mark.parametrize("allow_private", [True, False])
def test_the_connection_goes_to_the_address_looked_up(
    hostile, resolver, loopback_is_public, allow_private
) -> None:
    # DNS rebinding: the first answer is public (the test server plays a public host),
    # any later one private; a second lookup by the connection would go to 10.0.0.1
    resolver.answers["rebind.test"] = ["127.0.0.1", "10.0.0.1"]
    url = f"http://rebind.test:{hostile.port}/ok"
    r, _, _ = _get(url, allow_private=allow_private, retries=0, connect_timeout=2)
    assert r.ok, r.error
    assert resolver.lookups == ["rebind.test"]  # one lookup, checked and connected to
    assert hostile.requests == ["/ok"]
    assert hostile.hosts == [f"rebind.test:{hostile.port}"]  # the name, not the address


def test_tls_is_started_with_the_name_not_the_address(
    hostile, resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver.answers["secure.test"] = ["127.0.0.1"]
    names: list[str | None] = []
    real = netguard._Stream.start_tls

    def start_tls(self: Any, ssl_context: Any, server_hostname: Any = None, timeout: Any = None):
        names.append(server_hostname)
        return real(self, ssl_context, server_hostname, timeout)

    monkeypatch.setattr(netguard._Stream, "start_tls", start_tls)
    # the test server speaks plain HTTP: the handshake fails, after SNI was chosen
    r, _, _ = _get(f"https://secure.test:{hostile.port}/ok", retries=0, total_timeout=3)
    assert r.error is not None
    assert names == ["secure.test"] and resolver.lookups == ["secure.test"]


def test_an_unknown_name_is_one_line(resolver) -> None:
    resolver.answers["gone.test"] = ["no-such-host.invalid"]
    r, _, _ = _get("http://gone.test/", retries=0)
    assert r.error is not None and r.error.startswith("host not found (DNS)")


def test_resolve_is_bounded_without_an_attempt(resolver) -> None:
    resolver.answers["slow.test"] = ["127.0.0.1"]
    resolver.delay = 20.0
    started = time.monotonic()
    with pytest.raises(netguard.LookupTimedOut):
        netguard.resolve("slow.test", 80, 0.3)
    assert time.monotonic() - started < 2.0
    deadline = time.monotonic() + 0.3
    with pytest.raises(httpcore.TimeoutException), netguard.attempt(deadline, allow_private=False):
        netguard.host_problem("slow.test", 80, 10)
    # a permanent redirect to a name that cannot be looked up in time is not stored
    with netguard.attempt(time.monotonic() + 0.3, allow_private=True):
        assert netguard.may_move("http://93.184.216.34/feed", "http://slow.test/feed") is False
