"""The outbox dispatcher (worker process): outbox rows → Redis (live) + webhook starts.

One turn, for up to `batch_size` unpublished rows:

1. assign `published_seq` (contiguous, in row order) and commit;
2. publish every envelope to its customer's Redis channel, start webhook deliveries;
3. set `tm_publish` and commit.

A crash between 1 and 3 leaves rows with a sequence and no `tm_publish`; the next turn
(of this or another replica) publishes them again with the same sequence and event id
(at-least-once; webhook starts are idempotent by workflow id, subscribers drop anything
not above the last sequence they saw). Because the sequence is committed before the
Redis publish, a subscriber that registers and then reads the outbox can never miss an
event between the two (the seam of `afterEventId`).

Replicas: only the holder of a session-level advisory lock dispatches; the others wait
as standbys and take over when its connection dies. Parallel replicas with
`SKIP LOCKED` would publish in a different order than the sequence commits, which is
exactly the gap the sequence exists to prevent, so the lock serialises them instead.
The rows are still selected `FOR UPDATE SKIP LOCKED`, so a leader that lost its lock
mid-turn cannot step on the new leader's rows.

Wake-ups: LISTEN on the channel `emit` notifies at commit, plus polling as the safety
net. Published events older than the retention window are pruned.

The hot path (claim, mark) runs as plain SQL on the leader's own asyncpg connection: it is
the latency floor of every live event, and a leader that lost its connection (and so its
lock) cannot write through it any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
import structlog
from redis.asyncio import Redis

from voipbin.config import EventSettings
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.events.envelope import Envelope
from voipbin.events.models import OutboxEvent
from voipbin.events.outbox import NOTIFY_CHANNEL
from voipbin.keys import customer_events_channel

log = structlog.get_logger(__name__)

LEADER_LOCK_KEY = 0x766F6970_6F757462  # "voipoutb": one dispatcher leader per database

OnPublished = Callable[[Sequence[Envelope]], Awaitable[None]]


_CLAIM = """
SELECT position, event_id, event_type, customer_id, agent_id, resource_type, resource_id,
       sequence, data, tm_create, published_seq
FROM outbox_events
WHERE tm_publish IS NULL
ORDER BY published_seq ASC NULLS LAST, position ASC
LIMIT $1
FOR UPDATE SKIP LOCKED
"""
_LAST_SEQ = "SELECT coalesce(max(published_seq), 0) FROM outbox_events"
_NUMBER = """
UPDATE outbox_events AS o SET published_seq = v.seq
FROM unnest($1::bigint[], $2::bigint[]) AS v(position, seq)
WHERE o.position = v.position
"""
_MARK = "UPDATE outbox_events SET tm_publish = now() WHERE published_seq = ANY($1::bigint[])"


def _honour_swallowed_cancel(step: str) -> None:
    """Re-raises a cancellation a client library caught and dropped during `step`.

    A cancel is delivered once; if a driver swallows the CancelledError and returns
    normally, the loop would run on forever in a task that is being cancelled (seen in
    tests under load: the leader kept its lock and a stopped worker never stopped).
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        log.warning("outbox_dispatcher_cancel_swallowed", step=step)
        raise asyncio.CancelledError


def _dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _envelope(row: asyncpg.Record, published_seq: int) -> Envelope:
    return Envelope(
        event_id=row["event_id"],
        event_type=row["event_type"],
        timestamp=row["tm_create"],
        customer_id=row["customer_id"],
        agent_id=row["agent_id"],
        resource_type=row["resource_type"],
        resource_id=row["resource_id"],
        sequence=row["sequence"],
        data=row["data"],
        published_seq=published_seq,
    )


class OutboxDispatcher:
    def __init__(
        self,
        *,
        database_url: str,
        sessions: SessionFactory,
        redis: Redis,
        settings: EventSettings,
        on_published: OnPublished | None = None,
    ) -> None:
        self._dsn = _dsn(database_url)
        self._sessions = sessions
        self._redis = redis
        self._settings = settings
        self._on_published = on_published
        self._wake = asyncio.Event()
        self._last_prune = 0.0
        self._conn: asyncpg.Connection | None = None

    async def run(self) -> None:
        """Dispatch until cancelled; reconnects after database errors."""
        while True:
            try:
                await self._run_connected()
            except Exception as exc:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # a client library turned our cancellation into its own error
                    raise asyncio.CancelledError from exc
                if isinstance(exc, OSError | asyncpg.PostgresError | sa.exc.DBAPIError):
                    log.warning("outbox_dispatcher_reconnecting", error=str(exc))
                else:
                    # Redis or Temporal refused a turn: its rows stay unmarked and are
                    # published again (same sequence) on the next one.
                    log.exception("outbox_dispatcher_turn_failed")
            await asyncio.sleep(self._settings.poll_interval_seconds)

    async def connect(self) -> asyncpg.Connection:
        """The connection claims and marks run on (the leader's, once it leads)."""
        conn = await asyncpg.connect(self._dsn)
        await conn.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
        self._conn = conn
        return conn

    async def close(self) -> None:
        """Closes a connection opened by a direct `publish_batch` (outside `run`)."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def _run_connected(self) -> None:
        conn = await self.connect()
        try:
            await self._become_leader(conn)
            await conn.add_listener(NOTIFY_CHANNEL, self._notified)
            log.info("outbox_dispatcher_leading")
            while True:
                self._wake.clear()
                published = await self.publish_batch()
                _honour_swallowed_cancel("publish")
                await self._maybe_prune()
                _honour_swallowed_cancel("prune")
                if published >= self._settings.batch_size:
                    continue
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._settings.poll_interval_seconds):
                        await self._wake.wait()
                if conn.is_closed():
                    raise OSError("dispatcher connection lost")
        finally:
            self._conn = None
            with contextlib.suppress(Exception):
                await asyncio.shield(conn.close(timeout=2))

    async def _become_leader(self, conn: asyncpg.Connection) -> None:
        # polling a lock held by another process: there is no in-process event to await
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK_KEY):  # noqa: ASYNC110
            await asyncio.sleep(self._settings.poll_interval_seconds)

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def publish_batch(self) -> int:
        """One turn of steps 1-3 above; returns how many events it published."""
        conn = self._conn or await self.connect()
        events = await self._claim(conn)
        if not events:
            return 0
        await self.publish(events)
        if self._on_published is not None:
            await self._on_published(events)
        await self.mark_published(events)
        return len(events)

    async def _claim(self, conn: asyncpg.Connection) -> list[Envelope]:
        async with conn.transaction():
            rows = await conn.fetch(_CLAIM, self._settings.batch_size)
            fresh = [r["position"] for r in rows if r["published_seq"] is None]
            assigned: dict[int, int] = {}
            if fresh:
                last = int(await conn.fetchval(_LAST_SEQ))
                assigned = {pos: last + i for i, pos in enumerate(fresh, start=1)}
                await conn.execute(_NUMBER, list(assigned), list(assigned.values()))
        return [_envelope(r, r["published_seq"] or assigned[r["position"]]) for r in rows]

    async def publish(self, events: Sequence[Envelope]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(customer_events_channel(event.customer_id), event.to_json())
            await pipe.execute()

    async def mark_published(self, events: Sequence[Envelope]) -> None:
        conn = self._conn or await self.connect()
        await conn.execute(_MARK, [e.published_seq for e in events])

    async def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now - self._last_prune < self._settings.prune_interval_seconds:
            return
        self._last_prune = now
        deleted = await self.prune()
        if deleted:
            log.info("outbox_pruned", deleted=deleted)

    async def prune(self) -> int:
        """Deletes published events older than the retention window."""
        cutoff = utcnow() - timedelta(seconds=self._settings.retention_seconds)
        async with transaction(self._sessions) as session:
            result = await session.execute(
                sa.delete(OutboxEvent).where(
                    OutboxEvent.tm_publish.is_not(None),  # type: ignore[union-attr]
                    OutboxEvent.tm_publish < cutoff,  # type: ignore[operator,arg-type]
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
