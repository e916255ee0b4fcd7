"""Redis connection with short timeouts: Redis down must make us slower, not broken."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

# Errors that mean "Redis is unavailable": callers fall back instead of failing the request.
REDIS_DOWN = (RedisError, OSError, TimeoutError)


def connect_redis(url: str, timeout_seconds: float) -> Redis:
    return Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        health_check_interval=30,
        decode_responses=False,
    )
