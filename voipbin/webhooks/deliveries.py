"""The database side of one delivery attempt (called by the webhook activities)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin.audit.service import record
from voipbin.auth.principal import RequestMeta
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.events.models import OutboxEvent
from voipbin.events.outbox import emit
from voipbin.serialize import public_dict
from voipbin.webhooks.endpoints import body_of, endpoint_of
from voipbin.webhooks.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from voipbin.webhooks.sender import AttemptResult, Outcome, WebhookRequest, send
from voipbin.webhooks.ssrf import UrlGuard


@dataclass(frozen=True, slots=True)
class Target:
    customer_id: UUID
    event_id: UUID
    event_type: str
    target_id: UUID
    webhook_id: UUID | None

    @property
    def is_customer_url(self) -> bool:
        return self.webhook_id is None and self.target_id == self.customer_id


@dataclass(frozen=True, slots=True)
class RecordedAttempt:
    number: int
    result: AttemptResult


_STATUS_AFTER = {
    Outcome.DELIVERED: DeliveryStatus.DELIVERED,
    Outcome.RETRY: DeliveryStatus.RETRYING,
    Outcome.PERMANENT: DeliveryStatus.FAILED,
}


async def ensure_delivery(session: AsyncSession, target: Target, status: DeliveryStatus) -> None:
    """Creates the delivery row once per (event, endpoint); later calls leave it as is."""
    await session.execute(
        insert(WebhookDelivery)
        .values(
            id=uuid4(),
            customer_id=target.customer_id,
            webhook_id=target.webhook_id,
            target_id=target.target_id,
            event_id=target.event_id,
            event_type=target.event_type,
            status=status.value,
            attempt_count=0,
            last_error="",
            tm_create=utcnow(),
            tm_update=utcnow(),
        )
        .on_conflict_do_nothing(constraint="uq_webhook_deliveries_event_target")
    )


async def _locked_delivery(session: AsyncSession, target: Target) -> WebhookDelivery:
    stmt = (
        sa.select(WebhookDelivery)
        .where(
            col(WebhookDelivery.event_id) == target.event_id,
            col(WebhookDelivery.target_id) == target.target_id,
        )
        .with_for_update()
    )
    return (await session.execute(stmt)).scalars().one()


# (customer id, start of the failed delivery) → whether the customer's URL was disabled
DisableCustomerUrl = Callable[[UUID, datetime], Awaitable[bool]]


class DeliveryStore:
    def __init__(
        self,
        sessions: SessionFactory,
        guard: UrlGuard,
        http: httpx.AsyncClient,
        disable_customer_url: DisableCustomerUrl,
    ) -> None:
        self._sessions = sessions
        self._guard = guard
        self._http = http
        self._disable_customer_url = disable_customer_url

    async def attempt(self, target: Target) -> RecordedAttempt:
        async with transaction(self._sessions) as session:
            await ensure_delivery(session, target, DeliveryStatus.PENDING)
            delivery = await _locked_delivery(session, target)
            event = (
                (
                    await session.execute(
                        sa.select(OutboxEvent).where(col(OutboxEvent.event_id) == target.event_id)
                    )
                )
                .scalars()
                .first()
            )
            endpoint = await endpoint_of(
                session, target.customer_id, target.webhook_id, target.target_id
            )
        if event is None:
            reason = "the event is no longer kept (retention window)"
            return await self._record(target, delivery.id, "", _not_sent(reason))
        if endpoint is None:
            gone = _not_sent("the endpoint was deleted")
            return await self._record(target, delivery.id, "", gone)
        if not endpoint.enabled:
            return await self._skip(target)
        request = WebhookRequest(
            endpoint.uri,
            endpoint.method,
            endpoint.secret,
            target.event_type,
            str(delivery.id),
            body_of(event),
        )
        result = await send(self._http, self._guard, request)
        return await self._record(target, delivery.id, endpoint.uri, result)

    async def _skip(self, target: Target) -> RecordedAttempt:
        async with transaction(self._sessions) as session:
            delivery = await _locked_delivery(session, target)
            delivery.status = DeliveryStatus.SKIPPED.value
            delivery.last_error = "the endpoint is disabled"
            delivery.tm_update = delivery.tm_finish = utcnow()
        return RecordedAttempt(delivery.attempt_count, _not_sent("the endpoint is disabled"))

    async def _record(
        self, target: Target, delivery_id: UUID, uri: str, result: AttemptResult
    ) -> RecordedAttempt:
        async with transaction(self._sessions) as session:
            delivery = await _locked_delivery(session, target)
            delivery.attempt_count += 1
            now = utcnow()
            session.add(
                WebhookAttempt(
                    delivery_id=delivery_id,
                    customer_id=target.customer_id,
                    number=delivery.attempt_count,
                    uri=uri[:2048],
                    status_code=result.status_code,
                    latency_ms=result.latency_ms,
                    error=result.error[:1024],
                    response_body=result.response_body[:1024],
                    tm_attempt=now,
                )
            )
            delivery.status = _STATUS_AFTER[result.outcome].value
            delivery.last_status_code = result.status_code
            delivery.last_error = result.error[:1024]
            delivery.tm_update = now
            if result.outcome is not Outcome.RETRY:
                delivery.tm_finish = now
            if result.outcome is Outcome.DELIVERED and target.webhook_id is not None:
                await session.execute(
                    sa.update(Webhook)
                    .where(col(Webhook.id) == target.webhook_id)
                    .values(tm_last_success=now)
                )
            if result.outcome is Outcome.DELIVERED and target.is_customer_url:
                await session.execute(
                    sa.update(Customer)
                    .where(col(Customer.id) == target.customer_id)
                    .values(tm_webhook_last_success=now)
                )
            return RecordedAttempt(delivery.attempt_count, result)

    async def give_up(self, target: Target) -> bool:
        """Marks the delivery failed; disables its endpoint if nothing succeeded since it began.

        Returns whether the endpoint was disabled (with a `webhook_disabled` event, or
        `customer_updated` for the customer's own URL, and an audit entry by the system).
        """
        async with transaction(self._sessions) as session:
            delivery = await _locked_delivery(session, target)
            delivery.status = DeliveryStatus.FAILED.value
            delivery.tm_update = delivery.tm_finish = utcnow()
            started = delivery.tm_create
            if target.webhook_id is not None:
                return await self._disable_endpoint(session, target.webhook_id, started)
        # an activeflow's URL lives and dies with its activeflow; the customer's own URL is
        # disabled by the customer service (row, cache, event, audit) after this commit
        return target.is_customer_url and await self._disable_customer_url(
            target.customer_id, started
        )

    async def _disable_endpoint(
        self, session: AsyncSession, webhook_id: UUID, since: datetime
    ) -> bool:
        hook = await session.get(Webhook, webhook_id, with_for_update=True)
        if hook is None or hook.tm_delete is not None or not hook.enabled:
            return False
        if hook.tm_last_success is not None and hook.tm_last_success >= since:
            return False
        before = public_dict(hook)
        hook.enabled = False
        hook.disabled_reason = "every delivery failed for the whole retry window"
        hook.tm_disable = hook.tm_update = utcnow()
        after = public_dict(hook)
        await emit(
            session,
            customer_id=hook.customer_id,
            event_type="webhook_disabled",
            resource_type="webhook",
            resource_id=hook.id,
            data=after,
        )
        await record(
            session,
            meta=RequestMeta(),
            action="webhook.auto_disable",
            customer_id=hook.customer_id,
            actor_type="system",
            resource_type="webhook",
            resource_id=hook.id,
            before=before,
            after=after,
        )
        return True


def _not_sent(reason: str) -> AttemptResult:
    return AttemptResult(Outcome.PERMANENT, None, 0.0, reason, "", None)
