"""Readiness probes: poll a real signal until it answers, never sleep for a guessed time."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx


class StartupError(RuntimeError):
    """A server or child did not become ready; carries the last lines of its log."""

    def __init__(self, name: str, message: str, tail: list[str] | None = None) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.tail = tail or []


class Watched(Protocol):
    """What a probe needs from the process it waits for (see process.ManagedProcess)."""

    name: str

    @property
    def returncode(self) -> int | None: ...

    def tail(self, lines: int = 40) -> list[str]: ...


Probe = Callable[[], Awaitable[bool]]


async def wait_until(
    probe: Probe,
    *,
    what: str,
    within: float,
    process: Watched | None = None,
) -> None:
    """Call `probe` until it returns True.

    An exception from the probe counts as "not yet" (the server is still binding).
    When `process` is given, its death ends the wait at once: waiting out the timeout for
    a process that already exited would only hide the reason, which is in its log.
    """
    deadline = time.monotonic() + within
    delay = 0.05
    last_error = ""
    while True:
        if process is not None and process.returncode is not None:
            raise StartupError(
                what, f"exited with code {process.returncode} before it was ready", process.tail()
            )
        try:
            if await probe():
                return
        except Exception as exc:  # any failure means "not ready yet"
            last_error = f" (last error: {exc!r})"
        if time.monotonic() >= deadline:
            tail = process.tail() if process is not None else []
            raise StartupError(what, f"not ready after {within:.0f} s{last_error}", tail)
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port (a bind would succeed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR so a port in TIME_WAIT after a clean stop still counts as free,
        # exactly as the servers themselves (which all set it) see it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def require_free_port(name: str, port: int, hint: str) -> None:
    """Fail fast with a readable message instead of a child dying on EADDRINUSE."""
    if not port_is_free(port):
        raise StartupError(name, f"port 127.0.0.1:{port} is already in use; {hint}")


def http_ok(url: str, *, auth: tuple[str, str] | None = None) -> Probe:
    """A probe that is ready when GET `url` answers 200."""

    async def probe() -> bool:
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
            response = await client.get(url, auth=auth)
        return response.status_code == 200

    return probe
