"""The SSRF guard: webhook targets must resolve to public addresses only.

Checked when a URL is saved and again before every attempt (DNS may have changed);
redirects are never followed. Loopback, private, link-local (cloud metadata), CGNAT,
documentation, benchmark, reserved and multicast ranges are refused unless the
`webhooks.allow_cidrs` / `webhooks.allow_hosts` settings permit them. In `dev`,
loopback is allowed so a local receiver can be used.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

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
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError):
            raise UrlRefused(f"the host `{host}` does not resolve") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
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
