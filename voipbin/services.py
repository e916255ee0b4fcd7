"""The process-wide service container, built once by an entry point (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from voipbin.activeflows.service import ActiveflowService
from voipbin.agents.service import AgentService
from voipbin.audit.queries import AuditQueries
from voipbin.auth.access_keys import AccessKeyService
from voipbin.auth.service import AuthService
from voipbin.cache import Cache
from voipbin.calls.service import CallService
from voipbin.config import Settings
from voipbin.customers.service import CustomerService
from voipbin.db import SessionFactory, create_engine, session_factory
from voipbin.events.hub import EventHub
from voipbin.events.service import EventService
from voipbin.flows.service import FlowService
from voipbin.numbers.service import NumberService
from voipbin.ratelimit import Limit, RateLimiter
from voipbin.recordings.service import RecordingService
from voipbin.redis_client import connect_redis
from voipbin.temporal_client import connect_temporal
from voipbin.webhooks.service import WebhookService
from voipbin.webhooks.ssrf import UrlGuard, guarded_client


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    redis: Redis
    cache: Cache
    limiter: RateLimiter
    api_limit: Limit
    customers: CustomerService
    access_keys: AccessKeyService
    auth: AuthService
    agents: AgentService
    audit: AuditQueries
    http: httpx.AsyncClient
    # customer URLs only (webhooks, webhook_send, fetch): pinned to SSRF-checked addresses
    customer_http: httpx.AsyncClient
    event_hub: EventHub
    events: EventService
    url_guard: UrlGuard
    webhooks: WebhookService
    calls: CallService
    activeflows: ActiveflowService
    recordings: RecordingService
    flows: FlowService
    numbers: NumberService

    _temporal: Client | None = None

    async def temporal(self) -> Client:
        """One Temporal client per process, connected on first use."""
        if self._temporal is None:
            self._temporal = await connect_temporal(self.settings)
        return self._temporal

    async def flow_actions(self, customer_id: UUID, flow_id: UUID) -> list[dict[str, Any]] | None:
        """A customer's flow's actions as stored (None: not one of its flows)."""
        flow = await self.flows.get_for_customer(customer_id, flow_id)
        return None if flow is None else [dict(a) for a in flow.actions]

    async def route_number(self, number: str) -> tuple[UUID, UUID | None] | None:
        """Inbound routing: (owner, call flow) of a live number, whoever owns it."""
        row = await self.numbers.find_active_by_number(number)
        return None if row is None else (row.customer_id, row.call_flow_id)

    async def close(self) -> None:
        await self.event_hub.close()
        await self.http.aclose()
        await self.customer_http.aclose()
        await self.redis.aclose()
        await self.engine.dispose()


def build_services(settings: Settings, *, worker: bool = False) -> Services:
    """Everything a process needs; `worker`: a Temporal worker's (see `create_engine`)."""
    engine = create_engine(settings.database_url, settings.db_pool_size, pre_ping=not worker)
    sessions = session_factory(engine)
    redis = connect_redis(settings.redis_url, settings.redis_timeout_seconds)
    cache = Cache(redis)
    limiter = RateLimiter(redis)
    customers = CustomerService(settings, sessions, cache)
    access_keys = AccessKeyService(settings, sessions, cache, customers)
    auth = AuthService(settings, sessions, redis, limiter, access_keys)
    limits = settings.limits
    http = httpx.AsyncClient(
        timeout=settings.webhooks.request_timeout_seconds, follow_redirects=False
    )
    event_hub = EventHub(redis)
    url_guard = UrlGuard(settings)
    customer_http = guarded_client(url_guard, settings.webhooks.request_timeout_seconds)
    holder: dict[str, Services] = {}
    events = EventService(sessions, event_hub, settings.events)

    async def flow_actions(customer_id: UUID, flow_id: UUID) -> list[dict[str, Any]] | None:
        return await holder["services"].flow_actions(customer_id, flow_id)

    async def temporal() -> Client:
        return await holder["services"].temporal()

    services = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        redis=redis,
        cache=cache,
        limiter=limiter,
        api_limit=Limit("api", limits.api_per_minute, limits.burst_factor),
        customers=customers,
        access_keys=access_keys,
        auth=auth,
        agents=AgentService(
            sessions,
            cache,
            settings.cache.config_ttl_seconds,
            limits.max_page_size,
            auth.revoke_agent,
        ),
        audit=AuditQueries(sessions, limits.max_page_size),
        http=http,
        customer_http=customer_http,
        event_hub=event_hub,
        events=events,
        url_guard=url_guard,
        webhooks=WebhookService(settings, sessions, temporal, url_guard, customer_http),
        calls=CallService(settings, sessions, temporal, limiter, flow_actions, events),
        activeflows=ActiveflowService(settings, sessions, temporal, flow_actions, url_guard),
        recordings=RecordingService(settings, sessions),
        flows=FlowService(settings, sessions, cache),
        numbers=NumberService(settings, sessions),
    )
    holder["services"] = services
    return services
