"""ARI events of every node → Temporal signals to the call workflows.

One `NodeConnection` (event WebSocket) per node feeds one queue. Each event is routed
(pure, `router.route`) and handed to a *lane*: the lane of a workflow id is fixed, and
a lane handles its events one after another, so a call's events reach its workflow in
order while different calls are signalled concurrently.

Per event, in its lane:
1. `SET NX` of its event_key in Redis: a replayed event (reconnect, replica) stops here;
2. channel placement bookkeeping (StasisStart claims the channel for its node,
   ChannelDestroyed releases it) for the dispatcher's load figures;
3. StasisStart of a channel we did not create → `on_inbound` (signal-with-start);
   anything else → signal `ari_event` to `call:<call id>`. A workflow that does not
   exist (already finished) is logged and the event dropped.
Socket up/down items go to the sentinel, which decides about node health.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from telephony.ari.connection import Backoff, ConnectionState, NodeConnection, StreamItem
from telephony.ari.events import ChannelDestroyed, StasisStart
from telephony.ari.nodes import AriNode
from voipbin.bridge.inbound import OnInbound
from voipbin.bridge.router import Routed, route
from voipbin.bridge.sentinel import raise_if_cancelling
from voipbin.config import AriSettings
from voipbin.keys import ari_event_seen_key
from voipbin.telephony_nodes import NodeDispatcher
from workflows.telephony_signals import ARI_EVENT_SIGNAL

log = structlog.get_logger(__name__)


# Called once Temporal has an event (benchmarks, metrics): the routed event and when the
# bridge read it off the socket (perf_counter).
OnSignalled = Callable[[Routed, float], Awaitable[None]]


@dataclass
class BridgeStats:
    received: int = 0
    signalled: int = 0
    started: int = 0
    duplicates: int = 0
    unrouted: int = 0
    no_workflow: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Work:
    routed: Routed
    event: StreamItem
    received_at: float


class AriBridge:
    def __init__(
        self,
        nodes: list[AriNode],
        settings: AriSettings,
        redis: Redis,
        temporal: Client,
        dispatcher: NodeDispatcher,
        on_inbound: OnInbound,
        on_socket: Callable[[str, bool], None] = lambda node, up: None,
        on_signalled: OnSignalled | None = None,
    ) -> None:
        self._settings = settings
        self._redis = redis
        self._temporal = temporal
        self._dispatcher = dispatcher
        self._on_inbound = on_inbound
        self._on_socket = on_socket
        self._on_signalled = on_signalled
        self._inbox: asyncio.Queue[tuple[StreamItem, float]] = asyncio.Queue()
        self._lanes: list[asyncio.Queue[_Work]] = [
            asyncio.Queue() for _ in range(max(1, settings.lanes))
        ]
        backoff = Backoff(
            initial=settings.reconnect_initial_seconds, maximum=settings.reconnect_max_seconds
        )
        self.connections = {
            node.name: NodeConnection(
                node,
                settings.app,
                self._receive,
                subscribe_all=settings.subscribe_all,
                backoff=backoff,
                heartbeat=settings.heartbeat_seconds,
            )
            for node in nodes
        }
        self.stats = BridgeStats()

    def _receive(self, item: StreamItem) -> None:
        self._inbox.put_nowait((item, time.perf_counter()))

    async def wait_connected(self) -> None:
        """Until every node's event socket is open (bound it with `asyncio.timeout`)."""
        for connection in self.connections.values():
            await connection.up.wait()

    async def run(self) -> None:
        """Until cancelled."""
        for connection in self.connections.values():
            connection.start()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._route_all(), name="bridge-router")
                for index, lane in enumerate(self._lanes):
                    group.create_task(self._run_lane(lane), name=f"bridge-lane-{index}")
        finally:
            for connection in self.connections.values():
                await connection.close()

    async def _route_all(self) -> None:
        while True:
            item, received_at = await self._inbox.get()
            if isinstance(item, ConnectionState):
                log.info(
                    "ari_node_connected" if item.connected else "ari_node_disconnected",
                    node=item.node,
                    error=item.error or None,
                )
                self._on_socket(item.node, item.connected)
                continue
            self.stats.received += 1
            routed = route(item)
            if routed is None:
                self.stats.unrouted += 1
                log.debug("ari_event_unrouted", type=item.type, node=item.node)
                continue
            lane = zlib.crc32(routed.workflow_id.encode()) % len(self._lanes)
            self._lanes[lane].put_nowait(_Work(routed, item, received_at))

    async def _run_lane(self, lane: asyncio.Queue[_Work]) -> None:
        while True:
            work = await lane.get()
            try:
                await self._handle(work)
            except Exception:  # one bad event must not stop the lane
                raise_if_cancelling()
                self.stats.failed += 1
                log.exception("ari_event_failed", workflow_id=work.routed.workflow_id)

    async def _handle(self, work: _Work) -> None:
        routed, event = work.routed, work.event
        seen = ari_event_seen_key(routed.signal.event_key)
        first = await self._redis.set(
            seen, b"1", nx=True, ex=self._settings.event_dedupe_ttl_seconds
        )
        if not first:
            self.stats.duplicates += 1
            log.debug("ari_event_replayed", event_key=routed.signal.event_key)
            return
        if isinstance(event, StasisStart):
            await self._dispatcher.claim(event.channel.id, event.node)
        elif isinstance(event, ChannelDestroyed):
            await self._dispatcher.release(event.channel.id, event.node)
        if not await self._deliver(routed):
            # Not delivered: forget the key so a replay of this event may try again.
            await self._redis.delete(seen)
            return
        if self._on_signalled is not None:
            await self._on_signalled(routed, work.received_at)

    async def _deliver(self, routed: Routed) -> bool:
        """True once Temporal has it (or it is moot: no such workflow); False if given up."""
        attempts = max(1, self._settings.signal_attempts)
        for attempt in range(attempts):
            try:
                if routed.starts_call:
                    await self._on_inbound(routed.signal)
                    self.stats.started += 1
                else:
                    handle = self._temporal.get_workflow_handle(routed.workflow_id)
                    await handle.signal(ARI_EVENT_SIGNAL, routed.signal)
                    self.stats.signalled += 1
                return True
            except WorkflowAlreadyStartedError:
                self.stats.no_workflow += 1
                log.info("ari_inbound_call_already_ended", workflow_id=routed.workflow_id)
                return True
            except RPCError as exc:
                if exc.status == RPCStatusCode.NOT_FOUND:
                    self.stats.no_workflow += 1
                    log.info(
                        "ari_event_dropped_no_workflow",
                        workflow_id=routed.workflow_id,
                        type=routed.signal.event_type,
                    )
                    return True
                if attempt + 1 == attempts:
                    break
                log.warning("ari_signal_retry", workflow_id=routed.workflow_id, error=str(exc))
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt))
        self.stats.failed += 1
        log.error(
            "ari_event_not_delivered",
            workflow_id=routed.workflow_id,
            type=routed.signal.event_type,
        )
        return False

    async def close(self) -> None:
        for connection in self.connections.values():
            with contextlib.suppress(Exception):
                await connection.close()
