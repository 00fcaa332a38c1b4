"""Where a request may go and for how long: the network layer under :mod:`monitor.http`.

:class:`GuardedBackend` is an httpcore network backend that every connection of
:class:`monitor.http.HttpClient` goes through. Per attempt (a thread-local
:func:`attempt` scope) it enforces:

- a hard wall-clock deadline: the DNS lookup, every connect, TLS handshake, read
  and write gets at most the time left before the deadline, so a server that
  trickles its headers or body one byte every few seconds, or a resolver that
  hangs, is cut off at the deadline, not after ``read_timeout`` per byte;
- one lookup a connection: the host is resolved here (``socket.getaddrinfo`` in a
  daemon thread, waited for at most the connect timeout and the time left) and
  the connection goes to an address of that answer, never to the name again, so
  the address checked is the address connected to (a second DNS answer cannot
  swap in another). The name still goes out as the TLS server name (SNI) and in
  the ``Host`` header: httpcore takes both from the URL, not from here;
- when private addresses are not allowed: every address of the answer is checked
  with :mod:`ipaddress`. Loopback, private, link-local, multicast, unspecified,
  reserved and other non-global addresses are refused, whatever form the URL
  gave them in (``localhost``, ``2130706433``, ``0x7f000001``,
  ``[::ffff:127.0.0.1]``). Redirects are new connections, so every hop is checked.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpcore

_state = threading.local()

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(httpcore.ConnectError):
    """A connection to a non-public address, refused before it was made."""


class DeadlinePassed(httpcore.ReadTimeout):
    """The attempt's wall-clock deadline passed."""


class LookupTimedOut(httpcore.ConnectTimeout):
    """The DNS lookup took longer than the connect timeout."""


@contextmanager
def attempt(deadline: float, *, allow_private: bool) -> Iterator[None]:
    """Run one attempt (all its hops) under ``deadline`` (``time.monotonic()``)."""
    old = getattr(_state, "scope", None)
    _state.scope = (deadline, allow_private)
    try:
        yield
    finally:
        _state.scope = old


def _scope() -> tuple[float | None, bool]:
    scope = getattr(_state, "scope", None)
    return scope if scope is not None else (None, True)


def _clamp(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left before the deadline; raise when none is left."""
    deadline, _ = _scope()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the deadline for this attempt passed")
    return left if timeout is None else min(timeout, left)


def address_problem(address: IPAddress) -> str | None:
    """Why ``address`` is not a public one (``"loopback"`` ...), or ``None`` when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return address_problem(mapped)
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return kind
    return None if address.is_global else "non-public"


def resolve(host: str, port: int, timeout: float | None = None) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order (duplicates dropped).

    The lookup takes at most ``timeout`` seconds and the time left before the
    attempt's deadline: :class:`LookupTimedOut` or :class:`DeadlinePassed` after
    that. ``getaddrinfo`` cannot be interrupted, so it runs in a daemon thread that
    a hung resolver leaves behind (it ends by the resolver's own timeouts; a
    daemon thread never delays the exit of the process). Raises ``OSError`` (a
    ``socket.gaierror``), ``UnicodeError`` or ``ValueError`` for a name that does
    not resolve.
    """
    try:
        return [ipaddress.ip_address(host)]  # a literal address: nothing to look up
    except ValueError:
        pass
    wait = _clamp(timeout)
    found = _lookup(host, port, wait)
    if found is None:
        if wait == timeout:
            raise LookupTimedOut(f"DNS lookup of {host} timed out after {timeout:g} s")
        raise DeadlinePassed("the deadline for this attempt passed during the DNS lookup")
    out: list[IPAddress] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])  # "fe80::1%eth0" keeps its zone
        if address not in out:
            out.append(address)
    return out


def _lookup(host: str, port: int, wait: float | None) -> list[Any] | None:
    """``socket.getaddrinfo(host, port)`` within ``wait`` seconds; ``None`` when it took longer."""
    answer: list[Any] = []
    done = threading.Event()

    def look_up() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # handed to the waiting thread, raised there
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=look_up, name=f"dns {host[:60]}", daemon=True).start()
    if not done.wait(wait):
        return None
    if isinstance(answer[0], BaseException):
        raise answer[0]
    found: list[Any] = answer[0]
    return found


def refusal(host: str, addresses: Iterable[IPAddress]) -> str | None:
    """The message refusing a connection to ``host``, or ``None`` when every address is public."""
    for address in addresses:
        kind = address_problem(address)
        if kind:
            shown = host if host == str(address) else f"{host} ({address})"
            return f"refused: {shown} is a {kind} address; private addresses are not fetched here"
    return None


def host_problem(host: str, port: int, timeout: float | None = None) -> str | None:
    """Why a connection to ``host`` must be refused; ``None`` when all its addresses are public.

    The lookup is bounded as :func:`resolve`'s is (its timeouts are raised)."""
    try:
        return refusal(host, resolve(host, port, timeout))
    except (OSError, UnicodeError, ValueError):
        return None  # unresolvable: the connection fails on its own, with its own message


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    return host_problem(host, port or 443) if host else None


def may_move(old: str, new: str) -> bool:
    """Whether a permanent redirect may replace the stored URL ``old`` by ``new``: not
    from a public address to a private one (a feed server must not be able to point
    later fetches at the machine's own network; the user may add such a URL by hand).
    A host that cannot be looked up in time is not moved to."""
    try:
        return not _url_problem(new) or bool(_url_problem(old))
    except httpcore.TimeoutException:
        return False


class _Stream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with the deadline and (when asked) the address check."""

    def __init__(self, *, check_addresses: bool = True) -> None:
        #: False for a proxy's connections: the proxy's own address is not the target
        self.check_addresses = check_addresses
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        _, allow_private = _scope()
        try:
            addresses = resolve(host, port, timeout)
        except OSError as exc:
            # "[Errno -2] Name or service not known", "... Temporary failure in name resolution"
            raise httpcore.ConnectError(str(exc)) from exc
        except (UnicodeError, ValueError) as exc:  # not a name at all ("a..b", a 64-letter label)
            raise httpcore.ConnectError(f"Name or service not known ({exc})") from exc
        if self.check_addresses and not allow_private:
            refused = refusal(host, addresses)
            if refused:
                raise AddressRefused(refused)
        # the addresses just looked up (and checked), never the name again
        targets = [str(a) for a in addresses]
        last: Exception = httpcore.ConnectError(f"Name or service not known ({host})")
        for target in targets:
            try:
                stream = self._backend.connect_tcp(
                    target, port, _clamp(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _Stream(stream)
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by monitor")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def install(client: Any) -> bool:
    """Put a :class:`GuardedBackend` under every connection pool of an ``httpx.Client``.

    Direct connections check addresses; a proxy's connections do not (the proxy
    reaches the target; :func:`host_problem` checks the URL's host for them).
    Returns whether any proxy is mounted. Raises ``RuntimeError`` when httpx no
    longer has the pools where expected: better no client than an unguarded one.
    """
    transports = [(client._transport, True)]  # noqa: SLF001 - no public hook in httpx 0.28
    mounts = [t for t in getattr(client, "_mounts", {}).values() if t is not None]
    transports += [(t, False) for t in mounts]
    for transport, direct in transports:
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise RuntimeError("httpx transport has no connection pool to guard")
        pool._network_backend = GuardedBackend(check_addresses=direct)
    return bool(mounts)
