"""One Redis pattern subscription per API process, fanned out in-process to subscribers.

1,000 open subscriptions cost one Redis connection, not 1,000. Subscribers are indexed
by customer, so an event is only offered to the subscriptions of its own customer.
A connection's subscribers share a `ConnectionBudget`: when the events waiting for a
slow client exceed it, the connection is closed instead of memory growing without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from voipbin.events.envelope import Envelope
from voipbin.keys import all_customer_events_pattern

log = structlog.get_logger(__name__)

RESYNC = None  # queued after a Redis reconnect: the subscriber must catch up from the outbox


@dataclass(eq=False)
class ConnectionBudget:
    """How many undelivered events one WebSocket connection may hold."""

    limit: int
    on_overflow: Callable[[], None]
    pending: int = 0
    overflowed: bool = False

    def take(self) -> bool:
        if self.overflowed:
            return False
        if self.pending >= self.limit:
            self.overflowed = True
            self.on_overflow()
            return False
        self.pending += 1
        return True

    def give_back(self) -> None:
        self.pending = max(0, self.pending - 1)


@dataclass(eq=False)
class Subscriber:
    customer_ids: frozenset[UUID]
    accepts: Callable[[Envelope], bool]
    budget: ConnectionBudget
    queue: asyncio.Queue[Envelope | None] = field(default_factory=asyncio.Queue)

    def offer(self, event: Envelope) -> None:
        if self.accepts(event) and self.budget.take():
            self.queue.put_nowait(event)

    async def next(self) -> Envelope | None:
        item = await self.queue.get()
        if item is not None:
            self.budget.give_back()
        return item


class EventHub:
    def __init__(self, redis: Redis, reconnect_delay: float = 0.5) -> None:
        self._redis = redis
        self._reconnect_delay = reconnect_delay
        self._by_customer: dict[UUID, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._lock = asyncio.Lock()

    @property
    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._by_customer.values())

    async def add(self, subscriber: Subscriber) -> None:
        """Registers and returns once the Redis subscription is live (no event is missed)."""
        await self._ensure_running()
        for customer_id in subscriber.customer_ids:
            self._by_customer.setdefault(customer_id, set()).add(subscriber)
        await self._ready.wait()

    def remove(self, subscriber: Subscriber) -> None:
        for customer_id in subscriber.customer_ids:
            subs = self._by_customer.get(customer_id)
            if subs is not None:
                subs.discard(subscriber)
                if not subs:
                    del self._by_customer[customer_id]

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _ensure_running(self) -> None:
        async with self._lock:
            if self._task is None or self._task.done():
                self._ready.clear()
                self._task = asyncio.create_task(self._run(), name="event-hub")

    async def _run(self) -> None:
        first = True
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(all_customer_events_pattern())
                if not first:
                    self._resync_all()
                first = False
                self._ready.set()
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is not None:
                        self._dispatch(message["data"])
            except (RedisError, OSError) as exc:
                log.warning("event_hub_reconnecting", error=str(exc))
                await asyncio.sleep(self._reconnect_delay)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _dispatch(self, raw: bytes) -> None:
        try:
            event = Envelope.from_json(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("event_hub_bad_message", size=len(raw))
            return
        for subscriber in tuple(self._by_customer.get(event.customer_id, ())):
            subscriber.offer(event)

    def _resync_all(self) -> None:
        for subs in self._by_customer.values():
            for subscriber in subs:
                subscriber.queue.put_nowait(RESYNC)
