"""Activeflows: get, list and stop. A call's activeflow runs inside its CallWorkflow, so
stopping it signals `call:<reference_id>`; the workflow ends the flow and hangs up."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from temporalio.client import Client
from temporalio.service import RPCError

from voipbin import repository as repo
from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.audit.service import record
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.calls.public import activeflow_data
from voipbin.config import Settings
from voipbin.db import SessionFactory, transaction
from voipbin.pagination import Page, PageArgs, paginate
from workflows.call import STOP_FLOW_SIGNAL
from workflows.ids import call_workflow_id


@dataclass(frozen=True)
class ActiveflowFilter:
    status: str | None = None
    reference_id: UUID | None = None


class ActiveflowService:
    def __init__(
        self,
        settings: Settings,
        sessions: SessionFactory,
        temporal: Callable[[], Awaitable[Client]],
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._temporal = temporal

    async def get(self, principal: Principal, activeflow_id: UUID) -> Activeflow:
        async with self._sessions() as session:
            return await repo.require_scoped(
                session, Activeflow, principal.customer_id, activeflow_id, "activeflow"
            )

    async def get_many(self, customer_id: UUID, ids: list[UUID]) -> list[Activeflow | None]:
        async with self._sessions() as session:
            return await repo.get_many_scoped(session, Activeflow, customer_id, ids)

    async def list_page(
        self, principal: Principal, args: PageArgs, filter: ActiveflowFilter
    ) -> Page[Activeflow]:
        where = repo.live(Activeflow, principal.customer_id)
        if filter.status:
            where.append(Activeflow.status == filter.status)  # type: ignore[arg-type]
        if filter.reference_id:
            where.append(Activeflow.reference_id == filter.reference_id)  # type: ignore[arg-type]
        async with self._sessions() as session:
            return await paginate(
                session, Activeflow, where, args, self._settings.limits.max_page_size
            )

    async def stop(
        self, principal: Principal, meta: RequestMeta, activeflow_id: UUID
    ) -> Activeflow:
        """Idempotent, as the original: an ended activeflow is returned as it is."""
        principal.require(MANAGER_OR_ADMIN)
        flow = await self.get(principal, activeflow_id)
        if flow.status == ActiveflowStatus.ENDED or flow.reference_id is None:
            return flow
        client = await self._temporal()
        # RPCError: the call already ended, so its activeflow is (being) ended too
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(call_workflow_id(flow.reference_id)).signal(
                STOP_FLOW_SIGNAL
            )
        async with transaction(self._sessions) as session:
            await record(
                session,
                meta=meta,
                action="activeflow.stop",
                principal=principal,
                resource_type="activeflow",
                resource_id=flow.id,
                before=activeflow_data(flow),
            )
        return flow
