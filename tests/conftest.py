"""Root fixtures: real PostgreSQL, Redis and Temporal for the whole test session.

Each server comes from the environment when set (DATABASE_URL, REDIS_URL,
TEMPORAL_ADDRESS: CI or a developer's own servers) and otherwise from the same embedded
servers `voipbin dev` uses, started once per session (per xdist worker) in a temp folder.
Nothing starts until a test asks for it, so pure unit tests stay instant.

The database is always a fresh one (`voipbin_test_<8 hex>`), migrated to head and
dropped at the end, so a run never sees another run's rows and can be repeated.
`settings` is shared by the session: `settings.model_copy(deep=True)` before changing it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.helpers.ports import free_port
from voipbin.config import Settings, to_asyncpg_url
from voipbin.devstack.databases import create_database, drop_database
from voipbin.devstack.postgres import EmbeddedPostgres
from voipbin.devstack.redis_server import EmbeddedRedis
from voipbin.devstack.temporal_server import TemporalDevServer
from voipbin.migrations import upgrade_to

__all__ = ["free_port"]


def pytest_configure(config: pytest.Config) -> None:
    # `timeout`, CI cancellation and IDE stop buttons send SIGTERM, which by default ends
    # pytest on the spot and orphans the servers below (PostgreSQL is daemonized, the
    # others live in their own sessions). As an interrupt, pytest still tears the
    # session fixtures down.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def servers_dir() -> Iterator[Path]:
    """One temp folder for the session's embedded servers, removed at the end."""
    path = Path(tempfile.mkdtemp(prefix="voipbin-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
async def pg_server_url(servers_dir: Path) -> AsyncIterator[str]:
    """SQLAlchemy (asyncpg) URL of a PostgreSQL server; its own database is not for tests."""
    if url := os.environ.get("DATABASE_URL"):
        yield to_asyncpg_url(url)
        return
    server = EmbeddedPostgres(servers_dir / "postgres")
    url = await server.start()
    try:
        yield url
    finally:
        await server.stop()


@pytest.fixture(scope="session")
async def database_url(pg_server_url: str) -> AsyncIterator[str]:
    """A fresh database for this session, migrated to head, dropped afterwards."""
    name = f"voipbin_test_{uuid.uuid4().hex[:8]}"
    url = await create_database(pg_server_url, name)
    try:
        # upgrade_to runs its own event loop (alembic's async env.py): keep it off ours.
        await asyncio.to_thread(upgrade_to, url, "head")
        yield url
    finally:
        await drop_database(pg_server_url, name)


@pytest.fixture(scope="session")
async def redis_url(servers_dir: Path) -> AsyncIterator[str]:
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    server = EmbeddedRedis(servers_dir / "redis", free_port())
    url = await server.start()
    try:
        yield url
    finally:
        await server.stop()


@pytest.fixture(scope="session")
async def temporal_address(servers_dir: Path) -> AsyncIterator[str]:
    if address := os.environ.get("TEMPORAL_ADDRESS"):
        yield address
        return
    # In memory and headless: a test session needs neither persistence nor the Web UI.
    server = TemporalDevServer(
        None, free_port(), ui_port=None, log_path=servers_dir / "temporal.log"
    )
    address = await server.start()
    try:
        yield address
    finally:
        await server.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, temporal_address: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        temporal_address=temporal_address,
    )
