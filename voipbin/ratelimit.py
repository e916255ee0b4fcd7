"""Token-bucket rate limits in Redis (DESIGN §5). Redis down = fail open, logged."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from voipbin.errors import RateLimited
from voipbin.keys import rate_limit_key
from voipbin.redis_client import REDIS_DOWN

log = structlog.get_logger(__name__)
_SCRIPT = files("voipbin").joinpath("ratelimit.lua").read_text()


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    per_minute: int
    burst_factor: float

    @property
    def rate_per_second(self) -> float:
        return self.per_minute / 60.0

    @property
    def capacity(self) -> float:
        return self.per_minute * self.burst_factor


class RateLimiter:
    def __init__(self, redis: Redis) -> None:
        self._script = redis.register_script(_SCRIPT)

    async def hit(self, limit: Limit, subject: str) -> None:
        """Take one token or raise RateLimited with the seconds to wait."""
        try:
            result = await self._call(limit, subject)
        except REDIS_DOWN as exc:
            log.warning("rate_limit_fail_open", scope=limit.scope, error=str(exc))
            return
        self.verdict(result)

    async def queue(self, pipe: Pipeline, limit: Limit, subject: str) -> None:
        """Queue a hit on a pipeline, so it shares a round trip with other commands;
        pass the pipeline's matching result to `verdict`."""
        await self._script(
            keys=[rate_limit_key(limit.scope, subject)],
            args=[limit.rate_per_second, limit.capacity],
            client=pipe,
        )

    @staticmethod
    def verdict(result: Any) -> None:
        allowed, wait_ms = result
        if not int(allowed):
            raise RateLimited(retry_after=int(wait_ms) / 1000.0)

    def _call(self, limit: Limit, subject: str) -> Awaitable[Any]:
        return self._script(
            keys=[rate_limit_key(limit.scope, subject)],
            args=[limit.rate_per_second, limit.capacity],
        )
