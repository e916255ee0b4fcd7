"""Flows: CRUD with full validation on save, cache-aside reads, events and audit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin import repository as repo
from voipbin import validation as v
from voipbin.audit.service import record
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.cache import Cache
from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, NotFound
from voipbin.events.outbox import emit
from voipbin.flows.models import Flow, FlowType
from voipbin.flows.validation import FlowLimits, Problem, Validated, validate_actions
from voipbin.keys import resource_key
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict
from workflows.flow_engine import EngineLimits
from workflows.flow_engine.model import NIL

RESOURCE = "flow"


@dataclass(frozen=True, slots=True)
class FlowFields:
    """Create uses every field (actions required); update treats None as unchanged.

    `on_complete_flow_id` = the nil UUID clears it on update.
    """

    name: str | None = None
    detail: str | None = None
    actions: Sequence[Any] | None = None
    on_complete_flow_id: UUID | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class FlowFilter:
    type: str | None = None
    name: str | None = None


def _first_problem(problems: Sequence[Problem]) -> None:
    if problems:
        raise InvalidInput(problems[0].field, problems[0].message)


class FlowService:
    def __init__(self, settings: Settings, sessions: SessionFactory, cache: Cache) -> None:
        self._settings = settings
        self._sessions = sessions
        self._cache = cache
        flows = settings.flows
        self.limits = FlowLimits(
            max_actions=flows.max_actions_per_flow, max_option_bytes=flows.max_option_bytes
        )
        self._max_page_size = settings.limits.max_page_size

    def engine_limits(self, max_executed_actions: int = 100) -> EngineLimits:
        """The loop guards an activeflow runs with (its executed-actions cap is the caller's)."""
        flows = self._settings.flows
        return EngineLimits(
            max_executed_actions=max_executed_actions,
            max_hops=flows.max_hops,
            max_stack_depth=flows.max_stack_depth,
        )

    # ---- reads ----------------------------------------------------------------------------

    async def get_for_customer(self, customer_id: UUID, flow_id: UUID) -> Flow | None:
        """Cache-aside read scoped to a customer (engine, numbers, loaders). None if absent."""

        async def load() -> Flow | None:
            async with self._sessions() as session:
                row = await session.get(Flow, flow_id)
                return row if row is not None and row.tm_delete is None else None

        row = await self._cache.get_or_load(
            resource_key(RESOURCE, flow_id), Flow, self._settings.cache.config_ttl_seconds, load
        )
        if row is None or row.customer_id != customer_id or row.tm_delete is not None:
            return None
        return row

    async def get(self, principal: Principal, flow_id: UUID) -> Flow:
        principal.require(MANAGER_OR_ADMIN)
        row = await self.get_for_customer(principal.customer_id, flow_id)
        if row is None:
            raise NotFound("Flow")
        return row

    async def get_many(self, principal: Principal, ids: list[UUID]) -> list[Flow | None]:
        async with self._sessions() as session:
            return await repo.get_many_scoped(session, Flow, principal.customer_id, ids)

    async def list_page(
        self, principal: Principal, args: PageArgs, filter: FlowFilter | None = None
    ) -> Page[Flow]:
        principal.require(MANAGER_OR_ADMIN)
        where = repo.live(Flow, principal.customer_id)
        if filter and filter.type:
            where.append(col(Flow.type) == FlowType(filter.type).value)
        if filter and filter.name:
            pattern = filter.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(col(Flow.name).ilike(f"%{pattern}%", escape="\\"))
        async with self._sessions() as session:
            return await paginate(session, Flow, where, args, self._max_page_size)

    # ---- validation -----------------------------------------------------------------------

    async def _check_refs(
        self, session: AsyncSession, customer_id: UUID, checked: Validated, self_id: UUID | None
    ) -> None:
        wanted = {r.flow_id for r in checked.flow_refs} - {self_id}
        found: set[UUID] = set()
        if wanted:
            rows = await session.execute(
                sa.select(col(Flow.id)).where(
                    col(Flow.id).in_(wanted), *repo.live(Flow, customer_id)
                )
            )
            found = set(rows.scalars().all())
        for ref in checked.flow_refs:
            if ref.flow_id != self_id and ref.flow_id not in found:
                checked.problems.append(Problem(ref.field, f"flow {ref.flow_id} not found"))

    async def validate(self, principal: Principal, actions: Sequence[Any]) -> list[Problem]:
        """Every problem of a flow's actions, nothing saved (the console editor's check)."""
        principal.require(MANAGER_OR_ADMIN)
        checked = validate_actions(actions, self.limits)
        async with self._sessions() as session:
            await self._check_refs(session, principal.customer_id, checked, None)
        return checked.problems

    async def _checked_actions(
        self,
        session: AsyncSession,
        customer_id: UUID,
        actions: Sequence[Any],
        self_id: UUID | None,
    ) -> list[dict[str, Any]]:
        checked = validate_actions(actions, self.limits)
        _first_problem(checked.problems)
        await self._check_refs(session, customer_id, checked, self_id)
        _first_problem(checked.problems)
        return checked.actions

    async def _check_on_complete(
        self, session: AsyncSession, customer_id: UUID, flow_id: UUID, self_id: UUID | None
    ) -> UUID | None:
        if flow_id == NIL:
            return None
        if (
            flow_id != self_id
            and await repo.get_scoped(session, Flow, customer_id, flow_id) is None
        ):
            raise InvalidInput("onCompleteFlowId", f"flow {flow_id} not found")
        return flow_id

    # ---- writes ---------------------------------------------------------------------------

    async def create(self, principal: Principal, meta: RequestMeta, data: FlowFields) -> Flow:
        principal.require(MANAGER_OR_ADMIN)
        if data.actions is None:
            raise InvalidInput("actions", "`actions` is required")
        customer_id = principal.customer_id
        async with transaction(self._sessions) as session:
            # Serialise creates of one customer so the flow cap cannot be raced past.
            await session.execute(
                sa.select(col(Customer.id)).where(col(Customer.id) == customer_id).with_for_update()
            )
            count = (
                await session.execute(
                    sa.select(sa.func.count())
                    .select_from(Flow)
                    .where(*repo.live(Flow, customer_id))
                )
            ).scalar_one()
            cap = self._settings.flows.max_flows_per_customer
            if count >= cap:
                raise Conflict(f"a customer has at most {cap} flows; delete some first")
            flow = Flow(
                customer_id=customer_id,
                type=FlowType(data.type or FlowType.FLOW.value).value,
                name=v.text("name", data.name or "", max_length=255),
                detail=v.text("detail", data.detail or "", max_length=2000),
            )
            flow.actions = await self._checked_actions(session, customer_id, data.actions, flow.id)
            if data.on_complete_flow_id is not None:
                flow.on_complete_flow_id = await self._check_on_complete(
                    session, customer_id, data.on_complete_flow_id, flow.id
                )
            session.add(flow)
            await session.flush()
            after = public_dict(flow)
            await emit(
                session,
                customer_id=customer_id,
                event_type="flow_created",
                resource_type=RESOURCE,
                resource_id=flow.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="flow.create",
                resource_type=RESOURCE,
                resource_id=flow.id,
                after=after,
            )
        return flow

    async def update(
        self, principal: Principal, meta: RequestMeta, flow_id: UUID, data: FlowFields
    ) -> Flow:
        principal.require(MANAGER_OR_ADMIN)
        customer_id = principal.customer_id
        async with transaction(self._sessions) as session:
            flow = await repo.require_scoped(session, Flow, customer_id, flow_id, "Flow", lock=True)
            before = public_dict(flow)
            if data.name is not None:
                flow.name = v.text("name", data.name, max_length=255)
            if data.detail is not None:
                flow.detail = v.text("detail", data.detail, max_length=2000)
            if data.actions is not None:
                flow.actions = await self._checked_actions(
                    session, customer_id, data.actions, flow.id
                )
            if data.on_complete_flow_id is not None:
                flow.on_complete_flow_id = await self._check_on_complete(
                    session, customer_id, data.on_complete_flow_id, flow.id
                )
            flow.tm_update = utcnow()
            await session.flush()
            after = public_dict(flow)
            await emit(
                session,
                customer_id=customer_id,
                event_type="flow_updated",
                resource_type=RESOURCE,
                resource_id=flow.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="flow.update",
                resource_type=RESOURCE,
                resource_id=flow.id,
                before=before,
                after=after,
            )
        await self._cache.invalidate(resource_key(RESOURCE, flow.id))
        return flow

    async def delete(self, principal: Principal, meta: RequestMeta, flow_id: UUID) -> Flow:
        principal.require(MANAGER_OR_ADMIN)
        async with transaction(self._sessions) as session:
            flow = await repo.require_scoped(
                session, Flow, principal.customer_id, flow_id, "Flow", lock=True
            )
            before = public_dict(flow)
            flow.tm_delete = flow.tm_update = utcnow()
            await session.flush()
            await emit(
                session,
                customer_id=flow.customer_id,
                event_type="flow_deleted",
                resource_type=RESOURCE,
                resource_id=flow.id,
                data=public_dict(flow),
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="flow.delete",
                resource_type=RESOURCE,
                resource_id=flow.id,
                before=before,
            )
        await self._cache.invalidate(resource_key(RESOURCE, flow.id))
        return flow
