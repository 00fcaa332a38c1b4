"""HttpClient against a hostile server: hard deadlines, no retried timeouts, SSRF refusals."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

import pytest
from hostile_server import HostileServer

from monitor import netguard
from monitor.http import HttpClient, HttpOptions

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer(interval=0.1, max_seconds=15) as server:
        yield server


def _get(url: str, sleeps: list[float] | None = None, **options: object) -> object:
    waits: list[float] = [] if sleeps is None else sleeps
    with HttpClient(HttpOptions(**options), sleep=waits.append) as client:  # type: ignore[arg-type]
        return client.get(url)


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
def test_a_trickling_server_is_cut_off_at_the_attempt_deadline(hostile, path) -> None:
    # every byte comes well within read_timeout: only the deadline can stop this
    sleeps: list[float] = []
    r = _get(hostile.url(path), sleeps, total_timeout=0.8, read_timeout=5, retries=2)
    assert r.error == "timed out after 0.8 s in total"
    assert r.attempts == 1 and sleeps == []  # a timed-out attempt is not retried


def test_a_server_that_never_answers_times_out_once(hostile) -> None:
    sleeps: list[float] = []
    r = _get(hostile.url("/hang"), sleeps, read_timeout=0.3, retries=2)
    assert r.error == "timed out after 0.3 s reading"
    assert r.attempts == 1 and sleeps == []


def test_reason_phrase_is_shown_not_obeyed(hostile) -> None:
    r = _get(hostile.url("/reason"), retries=0)
    assert r.status == 599 and r.error is not None
    assert not FORBIDDEN.search(r.error) and "pwned" not in r.error
    assert r.error.startswith("HTTP 599 Evil") and "[/bold]" in r.error


@pytest.mark.parametrize(
    "host, shown",
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost (127.0.0.1) is a loopback address"),
        ("2130706433", "(127.0.0.1) is a loopback address"),
        ("0x7f000001", "(127.0.0.1) is a loopback address"),
    ],
)
def test_private_addresses_are_refused_before_connecting(hostile, host, shown) -> None:
    r = _get(f"http://{host}:{hostile.port}/ok", allow_private=False, retries=2)
    assert r.error is not None and r.error.startswith("refused: ") and shown in r.error
    assert r.attempts == 1 and hostile.requests == []


def test_loopback_is_fetched_when_allowed(hostile) -> None:
    r = _get(hostile.url("/ok"))
    assert r.ok and hostile.requests == ["/ok"]


@pytest.mark.parametrize(
    "target, kind",
    [
        ("http://2130706434:{port}/ok", "loopback"),  # 127.0.0.2 in decimal
        ("http://[::1]:{port}/ok", "loopback"),
        ("http://10.1.2.3/admin", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://0.0.0.0:{port}/", "unspecified"),
    ],
)
def test_every_redirect_hop_is_checked(hostile, loopback_is_public, target, kind) -> None:
    location = target.format(port=hostile.port)
    r = _get(hostile.url(f"/moved?to={location}"), allow_private=False, retries=0)
    assert r.error is not None and f"is a {kind} address" in r.error, r.error
    assert r.moved_to is None and not r.content
    assert hostile.requests == [f"/moved?to={location}"]


@pytest.mark.parametrize(
    "address, kind",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_address_problem(address: str, kind: str | None) -> None:
    got = netguard.address_problem(ipaddress.ip_address(address))
    assert got == kind or (kind == "reserved" and got is not None)


def test_read_url_can_refuse_private_addresses(hostile) -> None:
    from monitor.errors import InputError
    from monitor.pages import read_url

    with pytest.raises(InputError, match="is a loopback address"):
        read_url(hostile.url("/ok"), allow_private=False)
    assert hostile.requests == []
    raw, final = read_url(hostile.url("/ok"))  # a URL the user typed: allowed
    assert b"fine" in raw.data and final == hostile.url("/ok")


def test_a_permanent_redirect_inwards_is_followed_but_not_stored(
    hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 127.0.0.1 plays a public server here, "localhost" the private network
    real = netguard.host_problem
    monkeypatch.setattr(
        netguard,
        "host_problem",
        lambda host, port: real(host, port) if host == "localhost" else None,
    )
    target = f"http://localhost:{hostile.port}/ok"
    r = _get(hostile.url(f"/moved?to={target}"), retries=0)
    assert r.ok and r.moved_to is None  # fetched this time (a feed may be anywhere) ...
    r = _get(hostile.url(f"/moved?to={hostile.url('/ok')}"), retries=0)
    assert r.ok and r.moved_to == hostile.url("/ok")  # ... an outward move is stored
