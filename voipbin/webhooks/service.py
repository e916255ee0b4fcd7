"""Webhook endpoints (CRUD, secrets), their deliveries (query, replay) and the test ping."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import orjson
import sqlalchemy as sa
from sqlmodel import col
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.contracts.webhooks import DeliveryTarget
from voipbin import repository as repo
from voipbin import validation as v
from voipbin.audit.service import record
from voipbin.auth.principal import ADMIN, MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.config import Settings
from voipbin.customers.models import Customer, WebhookMethod
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, NotFound
from voipbin.events.envelope import Envelope
from voipbin.events.outbox import emit
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict
from voipbin.webhooks.deliveries import Target, ensure_delivery
from voipbin.webhooks.endpoints import (
    Endpoint,
    activeflow_endpoints,
    activeflow_of_event,
    endpoint_of,
    endpoints_of,
)
from voipbin.webhooks.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from voipbin.webhooks.sender import AttemptResult, WebhookRequest, send
from voipbin.webhooks.signing import new_signing_secret
from voipbin.webhooks.ssrf import UrlGuard
from workflows.ids import webhook_workflow_id
from workflows.task_queues import WEBHOOKS
from workflows.webhook_delivery import RetrySchedule, WebhookDeliveryInput, WebhookDeliveryWorkflow

RESOURCE = "webhook"
MAX_EVENT_TYPES = 100
MAX_REPLAY = 1000
START_CONCURRENCY = 64
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
MISSED = (DeliveryStatus.SKIPPED.value, DeliveryStatus.FAILED.value)


@dataclass(frozen=True, slots=True)
class WebhookFields:
    """Create uses every field (uri required); update treats None as unchanged."""

    name: str | None = None
    uri: str | None = None
    method: str | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    webhook_id: UUID | None = None
    status: str | None = None
    event_type: str | None = None
    event_id: UUID | None = None


def _method(value: str) -> str:
    if value not in WebhookMethod.__members__.values():
        raise InvalidInput("method", "`method` must be POST, GET, PUT or DELETE")
    return value


def _event_types(values: list[str]) -> list[str]:
    if len(values) > MAX_EVENT_TYPES:
        raise InvalidInput("eventTypes", f"at most {MAX_EVENT_TYPES} event types")
    for value in values:
        if not _EVENT_TYPE.match(value):
            raise InvalidInput("eventTypes", f"`{value[:80]}` is not an event type name")
    return sorted(set(values))


def _target(endpoint: Endpoint, event_id: UUID, event_type: str) -> DeliveryTarget:
    return DeliveryTarget(
        endpoint.customer_id, event_id, event_type, endpoint.target_id, endpoint.webhook_id
    )


def _row_target(target: DeliveryTarget) -> Target:
    return Target(
        target.customer_id, target.event_id, target.event_type, target.target_id, target.webhook_id
    )


class WebhookService:
    def __init__(
        self,
        settings: Settings,
        sessions: SessionFactory,
        temporal: Callable[[], Awaitable[Client]],
        guard: UrlGuard,
        http: httpx.AsyncClient,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._temporal = temporal
        self._guard = guard
        self._http = http
        self.task_queue = settings.webhooks.task_queue or WEBHOOKS

    # ---- endpoints ---------------------------------------------------------------------

    async def get(self, principal: Principal, webhook_id: UUID) -> Webhook:
        principal.require(MANAGER_OR_ADMIN)
        async with self._sessions() as session:
            return await repo.require_scoped(
                session, Webhook, principal.customer_id, webhook_id, "Webhook"
            )

    async def list_page(self, principal: Principal, args: PageArgs) -> Page[Webhook]:
        principal.require(MANAGER_OR_ADMIN)
        async with self._sessions() as session:
            return await paginate(
                session,
                Webhook,
                repo.live(Webhook, principal.customer_id),
                args,
                self._settings.limits.max_page_size,
            )

    async def create(
        self, principal: Principal, meta: RequestMeta, data: WebhookFields
    ) -> tuple[Webhook, str]:
        """The new endpoint and its signing secret (shown this once)."""
        principal.require(ADMIN)
        uri = v.http_url("uri", data.uri or "")
        if not uri:
            raise InvalidInput("uri", "`uri` must not be empty")
        await self._guard.check("uri", uri)
        hook = Webhook(
            customer_id=principal.customer_id,
            name=v.text("name", data.name or "", max_length=255),
            uri=uri,
            method=_method(data.method or "POST"),
            event_types=_event_types(data.event_types or []),
            enabled=True if data.enabled is None else data.enabled,
            signing_secret=new_signing_secret(),
        )
        async with transaction(self._sessions) as session:
            count = (
                await session.execute(
                    sa.select(sa.func.count())
                    .select_from(Webhook)
                    .where(*repo.live(Webhook, principal.customer_id))
                )
            ).scalar_one()
            if count >= self._settings.webhooks.max_endpoints_per_customer:
                raise Conflict(
                    f"a customer has at most {self._settings.webhooks.max_endpoints_per_customer}"
                    " webhook endpoints"
                )
            session.add(hook)
            await session.flush()
            await self._changed(
                session, principal, meta, hook, "webhook_created", None, "webhook.create"
            )
        return hook, hook.signing_secret

    async def update(
        self, principal: Principal, meta: RequestMeta, webhook_id: UUID, data: WebhookFields
    ) -> Webhook:
        principal.require(ADMIN)
        changes: dict[str, Any] = {}
        if data.name is not None:
            changes["name"] = v.text("name", data.name, max_length=255)
        if data.uri is not None:
            uri = v.http_url("uri", data.uri)
            if not uri:
                raise InvalidInput("uri", "`uri` must not be empty")
            await self._guard.check("uri", uri)
            changes["uri"] = uri
        if data.method is not None:
            changes["method"] = _method(data.method)
        if data.event_types is not None:
            changes["event_types"] = _event_types(data.event_types)
        if data.enabled is not None:
            changes["enabled"] = data.enabled
            if data.enabled:
                changes["disabled_reason"] = ""
                changes["tm_disable"] = None
            else:
                changes["disabled_reason"] = "disabled by the customer"
                changes["tm_disable"] = utcnow()
        return await self._apply(
            principal, meta, webhook_id, changes, "webhook_updated", "webhook.update"
        )

    async def rotate_secret(
        self, principal: Principal, meta: RequestMeta, webhook_id: UUID
    ) -> tuple[Webhook, str]:
        principal.require(ADMIN)
        secret = new_signing_secret()
        hook = await self._apply(
            principal,
            meta,
            webhook_id,
            {"signing_secret": secret},
            "webhook_updated",
            "webhook.rotate_secret",
        )
        return hook, secret

    async def delete(self, principal: Principal, meta: RequestMeta, webhook_id: UUID) -> Webhook:
        principal.require(ADMIN)
        return await self._apply(
            principal,
            meta,
            webhook_id,
            {"tm_delete": utcnow()},
            "webhook_deleted",
            "webhook.delete",
        )

    async def _apply(
        self,
        principal: Principal,
        meta: RequestMeta,
        webhook_id: UUID,
        changes: dict[str, Any],
        event_type: str,
        action: str,
    ) -> Webhook:
        async with transaction(self._sessions) as session:
            hook = await repo.require_scoped(
                session, Webhook, principal.customer_id, webhook_id, "Webhook", lock=True
            )
            before = public_dict(hook)
            for key, value in changes.items():
                setattr(hook, key, value)
            hook.tm_update = utcnow()
            await session.flush()
            await self._changed(session, principal, meta, hook, event_type, before, action)
        return hook

    async def _changed(
        self,
        session: Any,
        principal: Principal,
        meta: RequestMeta,
        hook: Webhook,
        event_type: str,
        before: dict[str, Any] | None,
        action: str,
    ) -> None:
        after = public_dict(hook)
        await emit(
            session,
            customer_id=hook.customer_id,
            event_type=event_type,
            resource_type=RESOURCE,
            resource_id=hook.id,
            data=after,
        )
        await record(
            session,
            meta=meta,
            principal=principal,
            action=action,
            resource_type=RESOURCE,
            resource_id=hook.id,
            before=before,
            after=after,
        )

    # ---- deliveries --------------------------------------------------------------------

    async def deliveries(
        self, principal: Principal, args: PageArgs, flt: DeliveryFilter
    ) -> Page[WebhookDelivery]:
        principal.require(MANAGER_OR_ADMIN)
        where: list[Any] = [col(WebhookDelivery.customer_id) == principal.customer_id]
        if flt.webhook_id is not None:
            where.append(col(WebhookDelivery.target_id) == flt.webhook_id)
        if flt.status is not None:
            where.append(col(WebhookDelivery.status) == flt.status)
        if flt.event_type is not None:
            where.append(col(WebhookDelivery.event_type) == flt.event_type)
        if flt.event_id is not None:
            where.append(col(WebhookDelivery.event_id) == flt.event_id)
        async with self._sessions() as session:
            return await paginate(
                session, WebhookDelivery, where, args, self._settings.limits.max_page_size
            )

    async def attempts(self, principal: Principal, delivery_id: UUID) -> list[WebhookAttempt]:
        principal.require(MANAGER_OR_ADMIN)
        async with self._sessions() as session:
            rows = await session.execute(
                sa.select(WebhookAttempt)
                .where(
                    col(WebhookAttempt.delivery_id) == delivery_id,
                    col(WebhookAttempt.customer_id) == principal.customer_id,
                )
                .order_by(col(WebhookAttempt.number))
            )
            return list(rows.scalars())

    async def missed_count(self, principal: Principal, webhook_id: UUID) -> int:
        """Deliveries an endpoint missed (skipped while disabled, or failed) since it last
        succeeded: what re-enabling it offers to replay."""
        principal.require(MANAGER_OR_ADMIN)
        async with self._sessions() as session:
            return int(
                (
                    await session.execute(
                        sa.select(sa.func.count())
                        .select_from(WebhookDelivery)
                        .where(*self._missed_where(principal.customer_id, webhook_id))
                    )
                ).scalar_one()
            )

    def _missed_where(self, customer_id: UUID, webhook_id: UUID) -> list[Any]:
        """`webhook_id` is an endpoint's id, or the customer's id for its own URL."""
        if webhook_id == customer_id:
            last_success = (
                sa.select(col(Customer.tm_webhook_last_success))
                .where(col(Customer.id) == customer_id)
                .scalar_subquery()
            )
            endpoint = sa.and_(
                col(WebhookDelivery.webhook_id).is_(None),
                col(WebhookDelivery.target_id) == customer_id,
            )
        else:
            last_success = (
                sa.select(col(Webhook.tm_last_success))
                .where(col(Webhook.id) == webhook_id)
                .scalar_subquery()
            )
            endpoint = col(WebhookDelivery.webhook_id) == webhook_id
        return [
            col(WebhookDelivery.customer_id) == customer_id,
            endpoint,
            col(WebhookDelivery.status).in_(MISSED),
            sa.or_(last_success.is_(None), col(WebhookDelivery.tm_create) > last_success),
        ]

    async def replay_delivery(
        self, principal: Principal, meta: RequestMeta, delivery_id: UUID
    ) -> WebhookDelivery:
        principal.require(ADMIN)
        async with transaction(self._sessions) as session:
            delivery = (
                (
                    await session.execute(
                        sa.select(WebhookDelivery)
                        .where(
                            col(WebhookDelivery.id) == delivery_id,
                            col(WebhookDelivery.customer_id) == principal.customer_id,
                        )
                        .with_for_update()
                    )
                )
                .scalars()
                .first()
            )
            if delivery is None:
                raise NotFound("Webhook delivery")
            if delivery.status in (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value):
                raise Conflict("that delivery is still in progress")
            endpoint = await endpoint_of(
                session, delivery.customer_id, delivery.webhook_id, delivery.target_id
            )
            if endpoint is None:
                raise Conflict("the endpoint of that delivery was deleted")
            if not endpoint.enabled:
                raise Conflict("enable the endpoint before replaying its deliveries")
            delivery.status = DeliveryStatus.PENDING.value
            delivery.tm_update = utcnow()
            delivery.tm_finish = None
            await record(
                session,
                meta=meta,
                principal=principal,
                action="webhook.replay_delivery",
                resource_type="webhook_delivery",
                resource_id=delivery.id,
            )
        await self._start(_target(endpoint, delivery.event_id, delivery.event_type), replay=True)
        return delivery

    async def replay_missed(self, principal: Principal, meta: RequestMeta, webhook_id: UUID) -> int:
        principal.require(ADMIN)
        async with self._sessions() as session:
            ids = list(
                (
                    await session.execute(
                        sa.select(col(WebhookDelivery.id))
                        .where(*self._missed_where(principal.customer_id, webhook_id))
                        .order_by(col(WebhookDelivery.tm_create))
                        .limit(MAX_REPLAY)
                    )
                ).scalars()
            )
        for delivery_id in ids:
            await self.replay_delivery(principal, meta, delivery_id)
        return len(ids)

    # ---- test ping ---------------------------------------------------------------------

    async def test(self, principal: Principal, webhook_id: UUID | None) -> AttemptResult:
        """Sends a signed `webhook_ping` to an endpoint (None: the customer's webhookUri)."""
        principal.require(ADMIN)
        async with self._sessions() as session:
            endpoint = await endpoint_of(session, principal.customer_id, webhook_id)
        if endpoint is None:
            raise NotFound("Webhook" if webhook_id else "Customer webhookUri")
        ping_id = uuid4()
        body = orjson.dumps(
            {
                "id": str(ping_id),
                "type": "webhook_ping",
                "created": utcnow().isoformat(),
                "data": {},
            }
        )
        request = WebhookRequest(
            endpoint.uri, endpoint.method, endpoint.secret, "webhook_ping", str(ping_id), body
        )
        return await send(self._http, self._guard, request)

    # ---- from the dispatcher -----------------------------------------------------------

    async def start_deliveries(self, events: Sequence[Envelope]) -> None:
        """Starts one delivery workflow per event per wanting endpoint (idempotent).

        Events for a disabled endpoint are recorded as `skipped`, so re-enabling it can
        replay them.
        """
        flow_of = {
            e.event_id: activeflow_of_event(e.resource_type, e.resource_id, e.data) for e in events
        }
        async with self._sessions() as session:
            endpoints = await endpoints_of(session, (e.customer_id for e in events))
            flows = await activeflow_endpoints(session, (f for f in flow_of.values() if f))
        by_customer: dict[UUID, list[Endpoint]] = {}
        for endpoint in endpoints:
            by_customer.setdefault(endpoint.customer_id, []).append(endpoint)
        starts: list[DeliveryTarget] = []
        skipped: list[DeliveryTarget] = []
        for event in events:
            for endpoint in by_customer.get(event.customer_id, ()):
                if endpoint.wants(event.event_type):
                    target = _target(endpoint, event.event_id, event.event_type)
                    (starts if endpoint.enabled else skipped).append(target)
            flow = flows.get(flow_of[event.event_id] or event.event_id)
            if flow is not None and flow.customer_id == event.customer_id:
                starts.append(_target(flow, event.event_id, event.event_type))
        if skipped:
            async with transaction(self._sessions) as session:
                for target in skipped:
                    await ensure_delivery(session, _row_target(target), DeliveryStatus.SKIPPED)
        gate = asyncio.Semaphore(START_CONCURRENCY)

        async def start(target: DeliveryTarget) -> None:
            async with gate:
                await self._start(target, replay=False)

        await asyncio.gather(*(start(t) for t in starts))

    def schedule(self) -> RetrySchedule:
        s = self._settings.webhooks
        return RetrySchedule(
            list(s.retry_delays_seconds),
            s.retry_every_seconds,
            s.window_seconds,
            s.request_timeout_seconds,
        )

    async def _start(self, target: DeliveryTarget, *, replay: bool) -> None:
        client = await self._temporal()
        policy = (
            WorkflowIDReusePolicy.ALLOW_DUPLICATE
            if replay
            else WorkflowIDReusePolicy.REJECT_DUPLICATE
        )
        try:
            await client.start_workflow(
                WebhookDeliveryWorkflow.run,
                WebhookDeliveryInput(target, self.schedule()),
                id=webhook_workflow_id(target.event_id, target.target_id),
                task_queue=self.task_queue,
                id_reuse_policy=policy,
            )
        except WorkflowAlreadyStartedError:
            if replay:
                raise Conflict("that delivery is still in progress") from None
