"""Start or attach the three backing servers of `voipbin dev`.

Each server is embedded only when its setting (DATABASE_URL, REDIS_URL,
TEMPORAL_ADDRESS) is empty; a set one is attached to, after checking that it answers,
so a wrong URL fails here with a clear message rather than deep inside a migration.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import asyncpg  # type: ignore[import-untyped]
import redis.asyncio as aioredis
from temporalio.client import Client

from voipbin.config import Settings, to_asyncpg_url
from voipbin.devstack.databases import connect_kwargs
from voipbin.devstack.postgres import EmbeddedPostgres
from voipbin.devstack.probes import Probe, wait_until
from voipbin.devstack.redis_server import EmbeddedRedis
from voipbin.devstack.temporal_server import TemporalDevServer

DEV_DATABASE = "voipbin"
ATTACH_WITHIN_SECONDS = 30


class Stoppable(Protocol):
    async def stop(self) -> None: ...


@dataclass
class Backends:
    database_url: str
    redis_url: str
    temporal_address: str
    temporal_ui_url: str | None
    embedded: list[str] = field(default_factory=list)


class BackendStack:
    """Owns the embedded servers it started; `stop` stops them in reverse order."""

    def __init__(self, settings: Settings, state_dir: Path) -> None:
        self.settings = settings
        self.state_dir = state_dir
        self.logs_dir = state_dir / "logs"
        self._owned: list[Stoppable] = []
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None
        self.temporal: TemporalDevServer | None = None

    async def start(self) -> Backends:
        dev = self.settings.dev
        backends = Backends(
            database_url=to_asyncpg_url(self.settings.database_url),
            redis_url=self.settings.redis_url,
            temporal_address=self.settings.temporal_address,
            temporal_ui_url=None,
        )

        if backends.database_url:
            await wait_until(
                _postgres_answers(backends.database_url),
                what="postgres (DATABASE_URL)",
                within=ATTACH_WITHIN_SECONDS,
            )
        else:
            self.postgres = EmbeddedPostgres(self.state_dir / "postgres")
            self._owned.append(self.postgres)
            backends.database_url = await self.postgres.start(DEV_DATABASE)
            backends.embedded.append("postgres")

        if backends.redis_url:
            await wait_until(
                _redis_answers(backends.redis_url),
                what="redis (REDIS_URL)",
                within=ATTACH_WITHIN_SECONDS,
            )
        else:
            self.redis = EmbeddedRedis(
                self.state_dir / "redis", dev.redis_port, log_path=self.logs_dir / "redis.log"
            )
            self._owned.append(self.redis)
            backends.redis_url = await self.redis.start()
            backends.embedded.append("redis")

        if backends.temporal_address:
            await wait_until(
                _temporal_answers(backends.temporal_address, self.settings.temporal_namespace),
                what="temporal (TEMPORAL_ADDRESS)",
                within=ATTACH_WITHIN_SECONDS,
            )
        else:
            self.temporal = TemporalDevServer(
                self.state_dir / "temporal.db",
                dev.temporal_port,
                ui_port=dev.temporal_ui_port,
                log_path=self.logs_dir / "temporal.log",
                namespace=self.settings.temporal_namespace,
            )
            self._owned.append(self.temporal)
            backends.temporal_address = await self.temporal.start()
            backends.temporal_ui_url = self.temporal.ui_url
            backends.embedded.append("temporal")
        return backends

    async def stop(self) -> None:
        while self._owned:
            server = self._owned.pop()
            await server.stop()


def _postgres_answers(url: str) -> Probe:
    async def probe() -> bool:
        conn = await asyncpg.connect(**connect_kwargs(url), timeout=2)
        await conn.close()
        return True

    return probe


def _redis_answers(url: str) -> Probe:
    async def probe() -> bool:
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        try:
            return bool(await client.ping())  # type: ignore[misc]
        finally:
            await client.aclose()

    return probe


def _temporal_answers(address: str, namespace: str) -> Probe:
    async def probe() -> bool:
        await asyncio.wait_for(Client.connect(address, namespace=namespace), 5)
        return True

    return probe
