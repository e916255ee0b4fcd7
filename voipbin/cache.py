"""Cache-aside over Redis (`<resource>:<id>`, DESIGN §4). Redis down = read PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import orjson
import structlog
from pydantic import BaseModel
from redis.asyncio import Redis

from voipbin.redis_client import REDIS_DOWN

log = structlog.get_logger(__name__)
M = TypeVar("M", bound=BaseModel)


class Cache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get_or_load(
        self,
        key: str,
        model: type[M],
        ttl_seconds: int,
        load: Callable[[], Awaitable[M | None]],
    ) -> M | None:
        """Return the cached object, else load it, cache it and return it.

        Misses are not cached: a resource created right after a miss must be visible.
        """
        try:
            raw = await self._redis.get(key)
        except REDIS_DOWN as exc:
            log.warning("cache_unavailable", key=key, error=str(exc))
            return await load()
        if raw is not None:
            return model.model_validate(orjson.loads(raw))
        value = await load()
        if value is not None:
            try:
                await self._redis.set(
                    key, orjson.dumps(value.model_dump(mode="json")), ex=ttl_seconds
                )
            except REDIS_DOWN as exc:
                log.warning("cache_unavailable", key=key, error=str(exc))
        return value

    async def invalidate(self, *keys: str) -> None:
        """Drop keys after a commit. A failure only leaves an entry to expire by TTL."""
        if not keys:
            return
        try:
            await self._redis.delete(*keys)
        except REDIS_DOWN as exc:
            log.warning("cache_invalidate_failed", keys=keys, error=str(exc))
