"""The bridge's composition: sockets + sentinel + node events, on the process's services."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import structlog

from voipbin.config import Settings

if TYPE_CHECKING:
    from temporalio.client import Client

    from voipbin.bridge.bridge import AriBridge, OnSignalled
    from voipbin.bridge.inbound import OnInbound
    from voipbin.bridge.node_events import OnNodeDown, OwnerLookup
    from voipbin.bridge.sentinel import Sentinel
    from voipbin.db import SessionFactory
    from voipbin.services import Services
    from voipbin.telephony_nodes import AriPool

log = structlog.get_logger(__name__)


class TelephonyBridge:
    """Bridge and sentinel wired together; `run()` until cancelled."""

    def __init__(
        self,
        pool: AriPool,
        sessions: SessionFactory,
        temporal: Client,
        *,
        on_inbound: OnInbound | None = None,
        owner: OwnerLookup | None = None,
        on_node_down: OnNodeDown | None = None,
        on_signalled: OnSignalled | None = None,
    ) -> None:
        from voipbin.bridge.bridge import AriBridge
        from voipbin.bridge.inbound import InboundStarter
        from voipbin.bridge.node_events import (
            NodeEvents,
            log_recovery_hook,
            platform_customer,
        )
        from voipbin.bridge.sentinel import Sentinel

        self.pool = pool
        events = NodeEvents(
            sessions,
            pool.dispatcher,
            owner or platform_customer(sessions),
            on_node_down or log_recovery_hook,
            pool.clients,
        )
        self.sentinel: Sentinel = Sentinel(
            pool.nodes, pool.clients, pool.states, pool.settings, events
        )
        self.bridge: AriBridge = AriBridge(
            pool.nodes,
            pool.settings,
            pool.states.redis,
            temporal,
            pool.dispatcher,
            on_inbound or InboundStarter(temporal),
            on_socket=self.sentinel.socket_changed,
            on_signalled=on_signalled,
        )

    async def run(self) -> None:
        log.info(
            "bridge_starting",
            nodes={node.name: node.base_url for node in self.pool.nodes},
            app=self.pool.settings.app,
        )
        async with asyncio.TaskGroup() as group:
            group.create_task(self.bridge.run(), name="ari-bridge")
            group.create_task(self.sentinel.run(), name="ari-sentinel")


async def run_bridge_with(services: Services, on_inbound: OnInbound | None = None) -> None:
    """Inside a process that already has its services (`voipbin worker` with
    `ari.run_in_worker`). `on_inbound` defaults to the call service's starter, so
    inbound calls get this deployment's call settings (task queue, timeouts, folders)."""
    from voipbin.telephony_nodes import AriPool

    pool = AriPool(services.settings.ari, services.redis)
    try:
        temporal = await services.temporal()
        starter = on_inbound or services.calls.inbound_starter(temporal)
        await TelephonyBridge(pool, services.sessions, temporal, on_inbound=starter).run()
    finally:
        await pool.aclose()


async def run_bridge(settings: Settings) -> None:
    """`voipbin bridge`: until cancelled."""
    from voipbin.logging import configure_logging
    from voipbin.services import build_services

    configure_logging(settings.log_level, settings.log_json)
    # The sentinel pings every node twice a second: httpx's per-request INFO line would
    # bury everything else.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    services = build_services(settings)
    try:
        await run_bridge_with(services)
    finally:
        await services.close()
