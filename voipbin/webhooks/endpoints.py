"""Where an event goes: the customer's own URL, its webhook endpoints, and the URL of the
activeflow the event names (spec events.md: `data.activeflow_id`, or the activeflow itself).

A delivery target is (customer, target id, webhook id): webhook id set = an endpoint; no
webhook id and target = the customer = the customer's `webhookUri`; no webhook id and any
other target = that activeflow's `webhookUri`, signed with the customer's secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin.activeflows.models import Activeflow
from voipbin.customers.models import Customer
from voipbin.events.models import OutboxEvent
from voipbin.webhooks.models import Webhook


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A delivery target. `webhook_id` None = the customer's `webhookUri` (id = customer)."""

    customer_id: UUID
    target_id: UUID
    webhook_id: UUID | None
    uri: str
    method: str
    secret: str
    event_types: frozenset[str]
    enabled: bool

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


def from_webhook(row: Webhook) -> Endpoint:
    return Endpoint(
        row.customer_id,
        row.id,
        row.id,
        row.uri,
        row.method,
        row.signing_secret,
        frozenset(row.event_types),
        row.enabled,
    )


def from_customer(row: Customer) -> Endpoint:
    return Endpoint(
        row.id,
        row.id,
        None,
        row.webhook_uri,
        row.webhook_method,
        row.webhook_secret,
        frozenset(),
        row.webhook_enabled,
    )


def from_activeflow(row: Activeflow, customer: Customer) -> Endpoint:
    return Endpoint(
        row.customer_id,
        row.id,
        None,
        row.webhook_uri,
        row.webhook_method or "POST",
        customer.webhook_secret,
        frozenset(),
        True,
    )


def activeflow_of_event(resource_type: str, resource_id: UUID, data: object) -> UUID | None:
    """The activeflow an event belongs to: the activeflow itself or `data.activeflow_id`."""
    if resource_type == "activeflow":
        return resource_id
    raw = data.get("activeflow_id") if isinstance(data, dict) else None
    try:
        return UUID(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None


async def activeflow_endpoints(
    session: AsyncSession, activeflow_ids: Iterable[UUID]
) -> dict[UUID, Endpoint]:
    """Activeflow id → its endpoint, for those with a `webhookUri` (deleted ones too: their
    `activeflow_deleted` event is still theirs)."""
    ids = list(set(activeflow_ids))
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(Activeflow, Customer)
        .join(Customer, col(Customer.id) == col(Activeflow.customer_id))
        .where(col(Activeflow.id).in_(ids), col(Activeflow.webhook_uri) != "")
    )
    return {flow.id: from_activeflow(flow, customer) for flow, customer in rows.tuples()}


async def endpoints_of(session: AsyncSession, customer_ids: Iterable[UUID]) -> list[Endpoint]:
    ids = list(set(customer_ids))
    customers = await session.execute(
        sa.select(Customer).where(
            col(Customer.id).in_(ids),
            col(Customer.tm_delete).is_(None),
            col(Customer.webhook_uri) != "",
            col(Customer.is_platform).is_(False),
        )
    )
    hooks = await session.execute(
        sa.select(Webhook).where(
            col(Webhook.customer_id).in_(ids), col(Webhook.tm_delete).is_(None)
        )
    )
    out = [from_customer(c) for c in customers.scalars()]
    return out + [from_webhook(w) for w in hooks.scalars()]


async def endpoint_of(
    session: AsyncSession,
    customer_id: UUID,
    webhook_id: UUID | None,
    target_id: UUID | None = None,
) -> Endpoint | None:
    """The live endpoint, or None once deleted (or the customer's URL was emptied)."""
    if webhook_id is None and target_id not in (None, customer_id):
        assert target_id is not None
        found = await activeflow_endpoints(session, [target_id])
        endpoint = found.get(target_id)
        return endpoint if endpoint is not None and endpoint.customer_id == customer_id else None
    if webhook_id is None:
        customer = await session.get(Customer, customer_id)
        if customer is None or customer.tm_delete is not None or not customer.webhook_uri:
            return None
        return from_customer(customer)
    hook = await session.get(Webhook, webhook_id)
    if hook is None or hook.tm_delete is not None or hook.customer_id != customer_id:
        return None
    return from_webhook(hook)


def body_of(event: OutboxEvent) -> bytes:
    """The webhook body of DESIGN §9: `{id, type, created, data}`."""
    return orjson.dumps(
        {
            "id": str(event.event_id),
            "type": event.event_type,
            "created": event.tm_create.isoformat(),
            "resource_type": event.resource_type,
            "resource_id": str(event.resource_id),
            "sequence": event.sequence,
            "data": event.data,
        }
    )
