"""Activeflows: create (reference `api`, run by ActiveflowWorkflow), get, list, stop,
continue and delete. A call's activeflow runs inside its CallWorkflow, so stopping it
signals `call:<reference_id>` (the workflow ends the flow and hangs up); any other
activeflow is its own workflow, `activeflow:<id>`."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4, uuid5

import sqlalchemy as sa
import structlog
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from voipbin import repository as repo
from voipbin import validation as v
from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.activeflows.rows import START_FAILED, end_unstarted, insert_activeflow
from voipbin.activeflows.variables import check_variables
from voipbin.audit.service import record
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.calls.public import activeflow_data
from voipbin.calls.service import check_actions
from voipbin.config import Settings
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, EngineUnavailable, InvalidInput, NotFound
from voipbin.events.outbox import emit
from voipbin.flows.models import Flow
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.webhooks.ssrf import UrlGuard
from workflows.activeflow import (
    CONTINUE_SIGNAL,
    STOP_SIGNAL,
    ActiveflowInput,
    ActiveflowWorkflow,
    ContinueRequest,
)
from workflows.flow_actions import ACTION_META
from workflows.flow_engine.model import NIL
from workflows.flow_engine.variables import activeflow_variables
from workflows.ids import activeflow_workflow_id, call_workflow_id

FlowLoader = Callable[[UUID, UUID], Awaitable[list[dict[str, Any]] | None]]
METHODS = ("POST", "GET", "PUT", "DELETE")

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ActiveflowFilter:
    status: str | None = None
    reference_id: UUID | None = None


@dataclass(frozen=True)
class CreateActiveflow:
    flow_id: UUID | None = None
    actions: list[dict[str, Any]] | None = None
    variables: Any = None  # the client's JSON, checked by check_variables
    webhook_uri: str = ""
    webhook_method: str = "POST"
    id: UUID | None = None


def refuse_media_actions(actions: list[dict[str, Any]], field: str) -> None:
    """An API activeflow has no call: refuse every action that needs one, by index."""
    for index, action in enumerate(actions):
        kind = str(action.get("type", ""))
        meta = ACTION_META.get(kind)
        if meta is not None and meta.media == "rtc":
            where = "actions" if field == "actions" else "the flow's actions"
            raise InvalidInput(
                f"{field}[{index}].type" if field == "actions" else field,
                f"{where}[{index}] `{kind}` needs a call; an activeflow without a call runs "
                "only actions without media (use createCall for this flow)",
            )


MAX_COMPLETE_CHAIN = 5
ON_COMPLETE_NAMESPACE = UUID("5d0c3c1e-2b5e-4d39-9b0e-0c1a9f3e7a21")


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


class ActiveflowService:
    def __init__(
        self,
        settings: Settings,
        sessions: SessionFactory,
        temporal: Callable[[], Awaitable[Client]],
        load_flow: FlowLoader,
        url_guard: UrlGuard,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._temporal = temporal
        self._load_flow = load_flow
        self._url_guard = url_guard

    async def create(
        self, principal: Principal, meta: RequestMeta, data: CreateActiveflow
    ) -> Activeflow:
        principal.require(MANAGER_OR_ADMIN)
        if (data.flow_id is None) == (data.actions is None):
            raise InvalidInput("flowId", "give either flowId or actions")
        if data.flow_id is not None:
            loaded = await self._load_flow(principal.customer_id, data.flow_id)
            if loaded is None:
                raise NotFound("flow")
            actions = loaded
            refuse_media_actions(actions, "flowId")
        else:
            actions = check_actions(list(data.actions or []))
            refuse_media_actions(actions, "actions")
        variables = check_variables(data.variables)
        uri = v.http_url("webhookUri", data.webhook_uri)
        if uri:
            await self._url_guard.check("webhookUri", uri)
        if data.webhook_method not in METHODS:
            raise InvalidInput("webhookMethod", "`webhookMethod` must be POST, GET, PUT or DELETE")
        flow = Activeflow(
            id=data.id or uuid4(),
            customer_id=principal.customer_id,
            flow_id=data.flow_id,
            reference_type="api",
            webhook_uri=uri,
            webhook_method=data.webhook_method if uri else "",
            actions=actions,
        )
        try:
            async with transaction(self._sessions) as session:
                await insert_activeflow(session, flow)
                await record(
                    session,
                    meta=meta,
                    action="activeflow.create",
                    principal=principal,
                    resource_type="activeflow",
                    resource_id=flow.id,
                    after=activeflow_data(flow),
                )
        except sa.exc.IntegrityError:
            raise Conflict("an activeflow with this id already exists") from None
        try:
            await self._start(flow, variables)
        except Exception as exc:
            # Temporal down or refusing: end the row we just committed (event included),
            # so no activeflow claims to be running without a workflow behind it
            log.warning("activeflow_start_failed", activeflow_id=str(flow.id), error=str(exc))
            await self._end_unstarted(flow, f"the workflow engine refused the start: {exc}")
            raise EngineUnavailable(
                "the workflow engine is unavailable; the activeflow was not started "
                f"(it is ended with reason start_failed): retry later, id {flow.id}"
            ) from None
        return flow

    async def _end_unstarted(self, flow: Activeflow, error: str) -> None:
        async with transaction(self._sessions) as session:
            row = await end_unstarted(session, flow.id, error)
        if row is not None:
            flow.status, flow.end_reason, flow.error = row.status, row.end_reason, row.error

    async def _start(
        self, flow: Activeflow, variables: dict[str, str], complete_count: int = 0
    ) -> None:
        system = activeflow_variables(
            activeflow_id=flow.id,
            reference_type=flow.reference_type,
            reference_id=flow.reference_id or NIL,
            reference_activeflow_id=flow.reference_activeflow_id or NIL,
            flow_id=flow.flow_id or NIL,
            complete_count=complete_count,
        )
        calls = self._settings.calls
        client = await self._temporal()
        await client.start_workflow(
            ActiveflowWorkflow.run,
            ActiveflowInput(
                flow.id,
                flow.customer_id,
                list(flow.actions),
                {**variables, **system},  # system last: a client cannot forge it
                flow.reference_type,
                flow.reference_id,
                flow.flow_id,
                calls.max_executed_actions,
                calls.http_timeout_seconds,
            ),
            id=activeflow_workflow_id(flow.id),
            task_queue=calls.task_queue or "calls",
        )

    async def start_on_complete(
        self, customer_id: UUID, ended_id: UUID, variables: dict[str, str]
    ) -> UUID | None:
        """Spec flow-actions.md: when an activeflow ends and its flow has
        `on_complete_flow_id`, a new activeflow of that flow runs for the same reference,
        with `reference_activeflow_id` = the ended one and all its variables, at most
        MAX_COMPLETE_CHAIN deep (`voipbin.activeflow.complete_count`). A call's flow ends
        with its call, so the chained flow runs without media (ActiveflowWorkflow: a
        media action ends it with a recorded error). The id derives from the ended one:
        an activity retry starts nothing twice. The new activeflow's id, or None."""
        count = _int(variables.get("voipbin.activeflow.complete_count", ""))
        async with self._sessions() as session:
            ended = await session.get(Activeflow, ended_id)
            if ended is None or ended.customer_id != customer_id or ended.tm_delete is not None:
                return None
            if ended.end_reason in (START_FAILED, "deleted") or ended.flow_id is None:
                return None
            flow = await session.get(Flow, ended.flow_id)
            next_flow_id = None if flow is None else flow.on_complete_flow_id
        if next_flow_id is None:
            return None
        if count >= MAX_COMPLETE_CHAIN:
            log.info("activeflow_complete_chain_limit", activeflow_id=str(ended_id), depth=count)
            return None
        actions = await self._load_flow(customer_id, next_flow_id)
        if actions is None:  # deleted since it was set
            return None
        new_id = uuid5(ON_COMPLETE_NAMESPACE, str(ended_id))
        async with transaction(self._sessions) as session:
            chained = await session.get(Activeflow, new_id)
            if chained is None:  # else: a retry after the commit
                chained = Activeflow(
                    id=new_id,
                    customer_id=customer_id,
                    flow_id=next_flow_id,
                    reference_type=ended.reference_type,
                    reference_id=ended.reference_id,
                    reference_activeflow_id=ended.id,
                    webhook_uri=ended.webhook_uri,
                    webhook_method=ended.webhook_method,
                    actions=actions,
                )
                await insert_activeflow(session, chained)
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._start(chained, variables, count + 1)
        return new_id

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

    async def _signal_stop(self, flow: Activeflow) -> None:
        client = await self._temporal()
        if flow.reference_type == "call":
            if flow.reference_id is None:
                return
            handle = client.get_workflow_handle(call_workflow_id(flow.reference_id))
        else:
            handle = client.get_workflow_handle(activeflow_workflow_id(flow.id))
        # RPCError: the workflow already ended, so its activeflow is (being) ended too
        with contextlib.suppress(RPCError):
            await handle.signal(STOP_SIGNAL)

    async def stop(
        self, principal: Principal, meta: RequestMeta, activeflow_id: UUID
    ) -> Activeflow:
        """Idempotent, as the original: an ended activeflow is returned as it is."""
        principal.require(MANAGER_OR_ADMIN)
        flow = await self.get(principal, activeflow_id)
        if flow.status == ActiveflowStatus.ENDED:
            return flow
        await self._signal_stop(flow)
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

    async def continue_flow(
        self, principal: Principal, meta: RequestMeta, activeflow_id: UUID, action_id: UUID
    ) -> Activeflow:
        """Release a `block` that is the current action (the original's continue)."""
        principal.require(MANAGER_OR_ADMIN)
        flow = await self.get(principal, activeflow_id)
        if flow.status == ActiveflowStatus.ENDED:
            raise Conflict("the activeflow has ended")
        current = flow.current_action
        if flow.reference_type == "call" or current.get("type") != "block":
            raise Conflict("the activeflow is not waiting in a block action")
        if str(current.get("id")) != str(action_id):
            raise InvalidInput("actionId", f"the current action is {current.get('id')}")
        client = await self._temporal()
        try:
            await client.get_workflow_handle(activeflow_workflow_id(flow.id)).signal(
                CONTINUE_SIGNAL, ContinueRequest(action_id)
            )
        except RPCError as exc:
            raise Conflict("the activeflow is not running any more") from exc
        async with transaction(self._sessions) as session:
            await record(
                session,
                meta=meta,
                action="activeflow.continue",
                principal=principal,
                resource_type="activeflow",
                resource_id=flow.id,
                before=activeflow_data(flow),
            )
        return flow

    async def delete(
        self, principal: Principal, meta: RequestMeta, activeflow_id: UUID
    ) -> Activeflow:
        """Stops a running activeflow first (spec), then soft-deletes it. The row is
        ended here, in the delete's transaction, so the workflow's own end finds it
        ended and nothing follows `activeflow_deleted`."""
        principal.require(MANAGER_OR_ADMIN)
        flow = await self.get(principal, activeflow_id)
        if flow.status != ActiveflowStatus.ENDED:
            await self._signal_stop(flow)
        async with transaction(self._sessions) as session:
            row = await repo.require_scoped(
                session, Activeflow, principal.customer_id, activeflow_id, "activeflow", lock=True
            )
            before = activeflow_data(row)
            now = utcnow()
            if row.status != ActiveflowStatus.ENDED:
                row.status = ActiveflowStatus.ENDED.value
                row.end_reason = "deleted"
                row.tm_update = now
                await emit(
                    session,
                    customer_id=row.customer_id,
                    event_type="activeflow_updated",
                    resource_type="activeflow",
                    resource_id=row.id,
                    data=activeflow_data(row),
                )
            row.tm_delete = now
            row.tm_update = now
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="activeflow_deleted",
                resource_type="activeflow",
                resource_id=row.id,
                data=activeflow_data(row),
            )
            await record(
                session,
                meta=meta,
                action="activeflow.delete",
                principal=principal,
                resource_type="activeflow",
                resource_id=row.id,
                before=before,
            )
        return row
