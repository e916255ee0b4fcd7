"""Open WebSocket connections per customer, counted across API processes in Redis.

Each connection is a member of a sorted set scored by its expiry; the owner refreshes
it on every keepalive tick, so a crashed process's connections simply expire.
"""

from __future__ import annotations

import time
from uuid import UUID

from redis.asyncio import Redis

from voipbin.keys import ws_connections_key

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


class ConnectionRegistry:
    def __init__(self, redis: Redis, limit: int, ttl_seconds: float) -> None:
        self._redis = redis
        self._limit = limit
        self._ttl = ttl_seconds
        self._acquire = redis.register_script(_ACQUIRE)

    async def acquire(self, customer_id: UUID, connection_id: str) -> bool:
        """Counts the connection in; False when the customer is at its limit."""
        now = time.time()
        added = await self._acquire(
            keys=[ws_connections_key(customer_id)],
            args=[now, now + self._ttl, self._limit, connection_id, int(self._ttl * 1000) + 1000],
        )
        return bool(added)

    async def refresh(self, customer_id: UUID, connection_id: str) -> None:
        key = ws_connections_key(customer_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {connection_id: time.time() + self._ttl}, xx=True)
            pipe.pexpire(key, int(self._ttl * 1000) + 1000)
            await pipe.execute()

    async def release(self, customer_id: UUID, connection_id: str) -> None:
        await self._redis.zrem(ws_connections_key(customer_id), connection_id)
