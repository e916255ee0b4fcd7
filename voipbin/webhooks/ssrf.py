"""The SSRF guard: webhook targets must resolve to public addresses only.

Checked when a URL is saved and again before every attempt (DNS may have changed);
redirects are never followed. The HTTP client for customer URLs (`guarded_client`) also
connects only to the addresses it has just checked, so a DNS answer that changes between
the check and the connection (DNS rebinding) cannot reach an internal address.
Loopback, private, link-local (cloud metadata), CGNAT, documentation, benchmark, reserved
and multicast ranges are refused unless the `webhooks.allow_cidrs` / `webhooks.allow_hosts`
settings permit them. In `dev`, loopback is allowed so a local receiver can be used.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from urllib.parse import urlsplit

import httpcore
import httpx

from voipbin.config import Settings
from voipbin.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges `is_global` does not already exclude but the original refused (spec/events.md §3).
_ALSO_BLOCKED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n) for n in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15")
)
_DEV_ALLOWED = ("127.0.0.0/8", "::1/128")


class UrlRefused(Exception):
    """The URL may not be called; the message says why (safe to show the customer)."""


class UrlGuard:
    def __init__(self, settings: Settings) -> None:
        cidrs = list(settings.webhooks.allow_cidrs)
        if settings.environment == "dev":
            cidrs.extend(_DEV_ALLOWED)
        self._allowed_networks = tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)
        self._allowed_hosts = frozenset(h.lower() for h in settings.webhooks.allow_hosts)

    def address_allowed(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in n for n in self._allowed_networks):
            return True
        if address.is_multicast or not address.is_global:  # 224/4 counts as "global"
            return False
        return not any(address in n for n in _ALSO_BLOCKED)

    async def resolve(self, url: str) -> list[IPAddress]:
        """The addresses `url` would reach, or UrlRefused if any of them is not public."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise UrlRefused("the URL must be an absolute http(s) URL")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise UrlRefused("the URL has an invalid port") from None
        return await self.resolve_host(host, port)

    async def resolve_host(self, host: str, port: int) -> list[IPAddress]:
        """The public addresses of `host`, or UrlRefused if any of them is not public."""
        host = host.lower()
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError):
            raise UrlRefused(f"the host `{host}` does not resolve") from None
        # "%scope" of a link-local IPv6 answer is not part of the address
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if host in self._allowed_hosts:
            return addresses
        for address in addresses:
            if not self.address_allowed(address):
                raise UrlRefused(
                    f"the host `{host}` resolves to {address}, a loopback, private, "
                    "link-local or reserved address; webhooks only call public addresses"
                )
        return addresses

    async def check(self, field: str, url: str) -> None:
        """Save-time check: a refused URL is a BAD_USER_INPUT on `field`."""
        try:
            await self.resolve(url)
        except UrlRefused as exc:
            raise InvalidInput(field, f"`{field}` is refused: {exc}") from None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard has just approved (pinned resolution).

    TLS still verifies the certificate against the URL's host name: httpcore passes the
    request's host as SNI / server_hostname, whatever address the socket connected to.
    """

    def __init__(self, guard: UrlGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.resolve_host(host, port)
        failure: Exception = httpcore.ConnectError(f"no address of {host} answered")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never customer targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_client(guard: UrlGuard, timeout: float) -> httpx.AsyncClient:
    """The HTTP client for customer URLs (webhooks, webhook_send, fetch): never follows
    redirects, connects through `GuardedBackend`. A refused address raises UrlRefused."""
    transport = httpx.AsyncHTTPTransport()
    # httpx 0.28 has no public switch for httpcore's network backend; the pool's is the
    # documented httpcore extension point (httpcore.AsyncConnectionPool(network_backend=))
    transport._pool._network_backend = GuardedBackend(guard)
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)
