"""Customers (tenants): the caller's own, and platform-admin management."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin import validation as v
from voipbin.agents.models import Agent, Permission
from voipbin.audit.service import record
from voipbin.auth.passwords import hash_password
from voipbin.auth.principal import ADMIN, Principal, RequestMeta
from voipbin.cache import Cache
from voipbin.config import Settings
from voipbin.customers.models import Customer, CustomerStatus, WebhookMethod
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, NotFound
from voipbin.events.outbox import emit
from voipbin.keys import resource_key
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict
from voipbin.webhooks.ssrf import UrlGuard

RESOURCE = "customer"


@dataclass(frozen=True, slots=True)
class CreateCustomer:
    name: str
    email: str
    admin_username: str
    admin_password: str
    detail: str = ""
    webhook_uri: str = ""
    webhook_method: str = "POST"


@dataclass(frozen=True, slots=True)
class UpdateCustomer:
    """None = leave unchanged."""

    name: str | None = None
    detail: str | None = None
    email: str | None = None
    phone_number: str | None = None
    address: str | None = None
    webhook_uri: str | None = None
    webhook_method: str | None = None
    webhook_enabled: bool | None = None


AUTO_DISABLED = "every delivery failed for the whole retry window"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def _check_method(value: str) -> str:
    if value not in WebhookMethod.__members__.values():
        raise InvalidInput("webhookMethod", "`webhookMethod` must be POST, GET, PUT or DELETE")
    return value


async def _changed(
    session: AsyncSession,
    row: Customer,
    before: dict[str, Any],
    *,
    meta: RequestMeta,
    action: str,
    principal: Principal | None = None,
    customer_id: UUID | None = None,
    actor_type: str | None = None,
) -> None:
    """A customer row changed in `session`: stamp it, `customer_updated`, audit entry."""
    row.tm_update = utcnow()
    await session.flush()
    after = public_dict(row)
    await emit(
        session,
        customer_id=row.id,
        event_type="customer_updated",
        resource_type=RESOURCE,
        resource_id=row.id,
        data=after,
    )
    await record(
        session,
        meta=meta,
        action=action,
        principal=principal,
        customer_id=customer_id,
        actor_type=actor_type,
        resource_type=RESOURCE,
        resource_id=row.id,
        before=before,
        after=after,
    )


class CustomerService:
    def __init__(self, settings: Settings, sessions: SessionFactory, cache: Cache) -> None:
        self._settings = settings
        self._sessions = sessions
        self._cache = cache
        self._url_guard = UrlGuard(settings)

    async def get_cached(self, customer_id: UUID) -> Customer | None:
        async def load() -> Customer | None:
            async with self._sessions() as session:
                row = await session.get(Customer, customer_id)
                return row if row is not None and row.tm_delete is None else None

        return await self._cache.get_or_load(
            resource_key(RESOURCE, customer_id),
            Customer,
            self._settings.cache.config_ttl_seconds,
            load,
        )

    async def get(self, principal: Principal, customer_id: UUID | None = None) -> Customer:
        """The caller's own customer; a platform admin may name any customer."""
        target = customer_id or principal.customer_id
        if target != principal.customer_id and not principal.has(Permission.PLATFORM_ADMIN):
            raise NotFound("Customer")
        row = await self.get_cached(target)
        if row is None:
            raise NotFound("Customer")
        return row

    async def get_many(self, principal: Principal, ids: list[UUID]) -> list[Customer | None]:
        async with self._sessions() as session:
            rows = (
                await session.execute(sa.select(Customer).where(col(Customer.id).in_(ids)))
            ).scalars()
            by_id = {r.id: r for r in rows if r.tm_delete is None}
        allowed = principal.has(Permission.PLATFORM_ADMIN)
        return [by_id.get(i) if allowed or i == principal.customer_id else None for i in ids]

    async def list_page(self, principal: Principal, args: PageArgs) -> Page[Customer]:
        principal.require(Permission.PLATFORM_ADMIN)
        async with self._sessions() as session:
            return await paginate(
                session,
                Customer,
                [col(Customer.tm_delete).is_(None)],
                args,
                self._settings.limits.max_page_size,
            )

    async def create(
        self, principal: Principal, meta: RequestMeta, data: CreateCustomer
    ) -> Customer:
        principal.require(Permission.PLATFORM_ADMIN)
        if data.webhook_uri.strip():
            await self._url_guard.check("webhookUri", v.http_url("webhookUri", data.webhook_uri))
        customer = Customer(
            name=v.text("name", data.name, max_length=255, required=True),
            detail=v.text("detail", data.detail, max_length=2000),
            email=v.email("email", data.email),
            webhook_uri=v.http_url("webhookUri", data.webhook_uri),
            webhook_method=_check_method(data.webhook_method),
            webhook_secret=new_webhook_secret(),
            status=CustomerStatus.ACTIVE.value,
        )
        admin = Agent(
            customer_id=customer.id,
            username=v.username("adminUsername", data.admin_username),
            password_hash=hash_password(v.password("adminPassword", data.admin_password)),
            name=data.name[:255],
            permission=int(Permission.CUSTOMER_ADMIN),
        )
        async with transaction(self._sessions) as session:
            taken = await session.execute(
                sa.select(col(Agent.id)).where(
                    col(Agent.username) == admin.username, col(Agent.tm_delete).is_(None)
                )
            )
            if taken.first() is not None:
                raise Conflict("That username is already taken")
            session.add(customer)
            session.add(admin)
            await session.flush()
            after = public_dict(customer)
            await emit(
                session,
                customer_id=customer.id,
                event_type="customer_created",
                resource_type=RESOURCE,
                resource_id=customer.id,
                data=after,
            )
            await emit(
                session,
                customer_id=customer.id,
                event_type="agent_created",
                resource_type="agent",
                resource_id=admin.id,
                data=public_dict(admin),
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="customer.create",
                resource_type=RESOURCE,
                resource_id=customer.id,
                after=after,
            )
        return customer

    async def update(
        self, principal: Principal, meta: RequestMeta, data: UpdateCustomer
    ) -> Customer:
        principal.require(ADMIN)
        changes: dict[str, Any] = {}
        if data.name is not None:
            changes["name"] = v.text("name", data.name, max_length=255, required=True)
        if data.detail is not None:
            changes["detail"] = v.text("detail", data.detail, max_length=2000)
        if data.email is not None:
            changes["email"] = v.email("email", data.email)
        if data.phone_number is not None:
            changes["phone_number"] = v.text("phoneNumber", data.phone_number, max_length=32)
        if data.address is not None:
            changes["address"] = v.text("address", data.address, max_length=500)
        if data.webhook_uri is not None:
            changes["webhook_uri"] = v.http_url("webhookUri", data.webhook_uri)
            if changes["webhook_uri"]:
                await self._url_guard.check("webhookUri", changes["webhook_uri"])
        if data.webhook_method is not None:
            changes["webhook_method"] = _check_method(data.webhook_method)
        if data.webhook_enabled is not None:
            changes["webhook_enabled"] = data.webhook_enabled
            changes["webhook_disabled_reason"] = (
                "" if data.webhook_enabled else "disabled by the customer"
            )
        return await self._apply(principal, meta, changes, "customer.update")

    async def disable_failing_webhook(self, customer_id: UUID, since: datetime) -> bool:
        """The system disables the customer's URL when nothing succeeded since `since` (the
        start of a delivery that failed for its whole window); event + audit entry."""
        async with transaction(self._sessions) as session:
            row = await session.get(Customer, customer_id, with_for_update=True)
            if row is None or row.tm_delete is not None or not row.webhook_enabled:
                return False
            last = row.tm_webhook_last_success
            if not row.webhook_uri or (last is not None and last >= since):
                return False
            before = public_dict(row)
            row.webhook_enabled = False
            row.webhook_disabled_reason = AUTO_DISABLED
            await _changed(
                session,
                row,
                before,
                meta=RequestMeta(),
                action="customer.webhook_auto_disable",
                customer_id=row.id,
                actor_type="system",
            )
        await self._cache.invalidate(resource_key(RESOURCE, customer_id))
        return True

    async def rotate_webhook_secret(self, principal: Principal, meta: RequestMeta) -> str:
        principal.require(ADMIN)
        secret = new_webhook_secret()
        await self._apply(
            principal, meta, {"webhook_secret": secret}, "customer.rotate_webhook_secret"
        )
        return secret

    async def _apply(
        self, principal: Principal, meta: RequestMeta, changes: dict[str, Any], action: str
    ) -> Customer:
        async with transaction(self._sessions) as session:
            row = await session.get(Customer, principal.customer_id, with_for_update=True)
            if row is None or row.tm_delete is not None:
                raise NotFound("Customer")
            before = public_dict(row)
            for key, value in changes.items():
                setattr(row, key, value)
            await _changed(session, row, before, meta=meta, action=action, principal=principal)
        await self._cache.invalidate(resource_key(RESOURCE, row.id))
        return row
