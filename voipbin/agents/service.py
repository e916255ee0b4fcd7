"""Agents: the human users of a customer (CRUD by the customer admin)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col

from voipbin import repository as repo
from voipbin import validation as v
from voipbin.agents.models import Agent, AgentStatus, Permission, RingMethod
from voipbin.audit.service import record
from voipbin.auth.passwords import hash_password
from voipbin.auth.principal import ADMIN, MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.cache import Cache
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, NotFound
from voipbin.events.outbox import emit
from voipbin.keys import resource_key
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict

RESOURCE = "agent"
GRANTABLE = Permission.CUSTOMER_ADMIN | Permission.CUSTOMER_MANAGER | Permission.CUSTOMER_AGENT

# Called with (agent_id) after an agent is disabled or deleted: its sessions must die.
RevokeAgentSessions = Callable[[UUID], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class AgentFields:
    """Create uses every field; update treats None as unchanged."""

    username: str | None = None
    password: str | None = None
    name: str | None = None
    detail: str | None = None
    ring_method: str | None = None
    status: str | None = None
    permission: Permission | None = None
    disabled: bool | None = None
    addresses: list[dict[str, Any]] | None = None


def _check_permission(principal: Principal, permission: Permission) -> int:
    if permission & ~GRANTABLE and not principal.has(Permission.PLATFORM_ADMIN):
        raise InvalidInput("permissions", "only customer permissions can be granted")
    if permission == Permission.NONE:
        raise InvalidInput("permissions", "an agent needs at least one permission")
    return int(permission)


def _changes(principal: Principal, data: AgentFields) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if data.password is not None:
        out["password_hash"] = hash_password(v.password("password", data.password))
    if data.name is not None:
        out["name"] = v.text("name", data.name, max_length=255)
    if data.detail is not None:
        out["detail"] = v.text("detail", data.detail, max_length=2000)
    if data.ring_method is not None:
        out["ring_method"] = RingMethod(data.ring_method).value
    if data.status is not None:
        out["status"] = AgentStatus(data.status).value
    if data.permission is not None:
        out["permission"] = _check_permission(principal, data.permission)
    if data.disabled is not None:
        out["disabled"] = data.disabled
    if data.addresses is not None:
        if len(data.addresses) > 20:
            raise InvalidInput("addresses", "an agent has at most 20 addresses")
        out["addresses"] = data.addresses
    return out


class AgentService:
    def __init__(
        self,
        sessions: SessionFactory,
        cache: Cache,
        cache_ttl_seconds: int,
        max_page_size: int,
        revoke_sessions: RevokeAgentSessions,
    ) -> None:
        self._sessions = sessions
        self._cache = cache
        self._cache_ttl = cache_ttl_seconds
        self._max_page_size = max_page_size
        self._revoke_sessions = revoke_sessions

    async def get(self, principal: Principal, agent_id: UUID) -> Agent:
        if agent_id != principal.agent_id:
            principal.require(MANAGER_OR_ADMIN)

        async def load() -> Agent | None:
            async with self._sessions() as session:
                return await repo.get_scoped(session, Agent, principal.customer_id, agent_id)

        agent = await self._cache.get_or_load(
            resource_key(RESOURCE, agent_id), Agent, self._cache_ttl, load
        )
        # the cache key has no tenant in it: check the tenant of what came back
        if agent is None or agent.customer_id != principal.customer_id:
            raise NotFound("Agent")
        return agent

    async def get_many(self, principal: Principal, ids: list[UUID]) -> list[Agent | None]:
        async with self._sessions() as session:
            return await repo.get_many_scoped(session, Agent, principal.customer_id, ids)

    async def list_page(
        self, principal: Principal, args: PageArgs, status: str | None = None
    ) -> Page[Agent]:
        principal.require(MANAGER_OR_ADMIN)
        where = repo.live(Agent, principal.customer_id)
        if status is not None:
            where.append(col(Agent.status) == status)
        async with self._sessions() as session:
            return await paginate(session, Agent, where, args, self._max_page_size)

    async def create(self, principal: Principal, meta: RequestMeta, data: AgentFields) -> Agent:
        principal.require(ADMIN)
        if data.password is None:
            raise InvalidInput("password", "`password` is required")
        fields = _changes(principal, data)
        agent = Agent(
            customer_id=principal.customer_id,
            username=v.username("username", data.username or ""),
            **fields,
        )
        async with transaction(self._sessions) as session:
            taken = await session.execute(
                sa.select(col(Agent.id)).where(
                    col(Agent.username) == agent.username, col(Agent.tm_delete).is_(None)
                )
            )
            if taken.first() is not None:
                raise Conflict("That username is already taken")
            session.add(agent)
            await session.flush()
            after = public_dict(agent)
            await emit(
                session,
                customer_id=agent.customer_id,
                event_type="agent_created",
                resource_type=RESOURCE,
                resource_id=agent.id,
                data=after,
                agent_id=agent.id,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="agent.create",
                resource_type=RESOURCE,
                resource_id=agent.id,
                after=after,
            )
        return agent

    async def update(
        self, principal: Principal, meta: RequestMeta, agent_id: UUID, data: AgentFields
    ) -> Agent:
        principal.require(ADMIN)
        changes = _changes(principal, data)
        if agent_id == principal.agent_id and (changes.get("disabled") or "permission" in changes):
            raise InvalidInput("id", "you cannot disable yourself or change your own permissions")
        async with transaction(self._sessions) as session:
            agent = await repo.require_scoped(
                session, Agent, principal.customer_id, agent_id, "Agent", lock=True
            )
            before = public_dict(agent)
            for key, value in changes.items():
                setattr(agent, key, value)
            agent.tm_update = utcnow()
            await session.flush()
            after = public_dict(agent)
            event = "agent_status_updated" if set(changes) == {"status"} else "agent_updated"
            await emit(
                session,
                customer_id=agent.customer_id,
                event_type=event,
                resource_type=RESOURCE,
                resource_id=agent.id,
                data=after,
                agent_id=agent.id,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="agent.update",
                resource_type=RESOURCE,
                resource_id=agent.id,
                before=before,
                after=after,
            )
        await self._cache.invalidate(resource_key(RESOURCE, agent.id))
        if agent.disabled or "password_hash" in changes:
            await self._revoke_sessions(agent.id)
        return agent

    async def delete(self, principal: Principal, meta: RequestMeta, agent_id: UUID) -> Agent:
        principal.require(ADMIN)
        if agent_id == principal.agent_id:
            raise InvalidInput("id", "you cannot delete yourself")
        async with transaction(self._sessions) as session:
            agent = await repo.require_scoped(
                session, Agent, principal.customer_id, agent_id, "Agent", lock=True
            )
            before = public_dict(agent)
            agent.tm_delete = agent.tm_update = utcnow()
            await session.flush()
            await emit(
                session,
                customer_id=agent.customer_id,
                event_type="agent_deleted",
                resource_type=RESOURCE,
                resource_id=agent.id,
                data=public_dict(agent),
                agent_id=agent.id,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="agent.delete",
                resource_type=RESOURCE,
                resource_id=agent.id,
                before=before,
            )
        await self._cache.invalidate(resource_key(RESOURCE, agent.id))
        await self._revoke_sessions(agent.id)
        return agent
