"""Calls: createCall (one call + activeflow per destination, started as CallWorkflow),
hangupCall, get and list. Rows are written here only at creation; every later change
comes from the call workflow's activities."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from activities.contracts.calls import PlaceCallsInput
from voipbin import repository as repo
from voipbin.activeflows.models import Activeflow
from voipbin.activeflows.rows import end_unstarted, insert_activeflow
from voipbin.audit.service import record
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.bridge.inbound import InboundStarter
from voipbin.calls.models import Call, CallStatus
from voipbin.calls.public import call_data
from voipbin.config import Settings
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, EngineUnavailable, InvalidInput, NotFound
from voipbin.events.hub import ConnectionBudget
from voipbin.events.outbox import emit
from voipbin.events.service import EventService
from voipbin.flows.validation import FlowLimits, validate_actions
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.ratelimit import Limit, RateLimiter
from workflows.call import HANGUP_SIGNAL, CallInput, CallTimeouts, CallWorkflow, HangupRequest
from workflows.call import REVISION as CALL_REVISION
from workflows.ids import call_workflow_id

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MAX_DESTINATIONS = 100
IDEM_NAMESPACE = uuid.UUID("0b1f3c5e-7c1e-4d8e-9a55-6a1f0c7d2e11")

log = structlog.get_logger(__name__)

FlowLoader = Callable[[UUID, UUID], Awaitable[list[dict[str, Any]] | None]]


@dataclass(frozen=True)
class CreateCall:
    source: dict[str, str]
    destinations: list[dict[str, str]]
    flow_id: UUID | None = None
    actions: list[dict[str, Any]] | None = None
    idempotency_key: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallFilter:
    status: str | None = None
    direction: str | None = None


def check_address(name: str, address: dict[str, str], *, dialable: bool) -> dict[str, str]:
    kind, target = address.get("type", ""), address.get("target", "").strip()
    if dialable and kind not in ("tel", "sip"):
        raise InvalidInput(f"{name}.type", "only tel and sip destinations can be called")
    if kind == "tel" and not E164.match(target):
        raise InvalidInput(f"{name}.target", "a tel target is an E.164 number like +15551234567")
    if kind == "sip" and not re.match(r"^[^@\s]+@[^@\s]+$", target.removeprefix("sip:")):
        raise InvalidInput(f"{name}.target", "a sip target is user@host")
    if not target:
        raise InvalidInput(f"{name}.target", "target must not be empty")
    return {**address, "target": target}


def endpoint_for(destination: dict[str, str]) -> str:
    """The dial string: `PJSIP/<number>@call-out` (tel) or `PJSIP/call-out/sip:<uri>`."""
    if destination["type"] == "tel":
        return f"PJSIP/{destination['target']}@call-out"
    return f"PJSIP/call-out/sip:{destination['target'].removeprefix('sip:')}"


def check_actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The createFlow rules (same validator); missing ids are filled, as the original."""
    checked = validate_actions(actions, FlowLimits())
    if checked.problems:
        problem = checked.problems[0]
        raise InvalidInput(problem.field, problem.message)
    return checked.actions


def call_variables(call: Call, activeflow: Activeflow) -> dict[str, str]:
    variables = {
        "voipbin.activeflow.id": str(activeflow.id),
        "voipbin.activeflow.reference_type": "call",
        "voipbin.activeflow.reference_id": str(call.id),
        "voipbin.activeflow.flow_id": str(activeflow.flow_id or ""),
        "voipbin.call.id": str(call.id),
        "voipbin.call.direction": call.direction,
        "voipbin.call.master_call_id": str(call.master_call_id or ""),
        "voipbin.call.digits": "",
    }
    for side, address in (("source", call.source), ("destination", call.destination)):
        for key in ("name", "detail", "target", "target_name", "type"):
            variables[f"voipbin.call.{side}.{key}"] = str(address.get(key, ""))
    return variables


def clean_variables(variables: dict[str, str]) -> dict[str, str]:
    """Spec §3: `voipbin.` keys dropped; an oversized set is ignored as a whole."""
    kept = {
        k.strip(): v for k, v in variables.items() if not k.strip().lower().startswith("voipbin.")
    }
    if len(kept) > 100 or any(len(v) > 32_768 for v in kept.values()):
        return {}
    if sum(len(v) for v in kept.values()) > 65_536:
        return {}
    return kept


class CallService:
    def __init__(
        self,
        settings: Settings,
        sessions: SessionFactory,
        temporal: Callable[[], Awaitable[Client]],
        limiter: RateLimiter,
        load_flow: FlowLoader,
        events: EventService,
    ) -> None:
        self._events = events
        self._settings = settings
        self._sessions = sessions
        self._temporal = temporal
        self._limiter = limiter
        self._load_flow = load_flow
        limits = settings.limits
        self._limit = Limit("call_create", limits.call_create_per_minute, limits.burst_factor)

    @property
    def task_queue(self) -> str:
        return self._settings.calls.task_queue or "calls"

    def inbound_starter(self, client: Client) -> InboundStarter:
        """The bridge's `on_inbound`, with this process's call settings."""
        s = self._settings.calls
        return InboundStarter(
            client,
            self.task_queue,
            self.timeouts(),
            s.max_executed_actions,
            str(s.recordings_dir.resolve()),
        )

    def timeouts(self) -> CallTimeouts:
        s = self._settings.calls
        return CallTimeouts(
            s.ring_timeout_seconds,
            s.hangup_wait_seconds,
            s.recording_wait_seconds,
            s.http_timeout_seconds,
            s.max_call_seconds,
            dialplan_return_seconds=s.dialplan_return_seconds,
        )

    async def create(self, principal: Principal, meta: RequestMeta, data: CreateCall) -> list[Call]:
        principal.require(MANAGER_OR_ADMIN)
        source = check_address("source", data.source, dialable=False)
        if not data.destinations:
            raise InvalidInput("destinations", "give at least one destination")
        if len(data.destinations) > MAX_DESTINATIONS:
            raise InvalidInput("destinations", f"at most {MAX_DESTINATIONS} destinations")
        destinations = [
            check_address(f"destinations[{i}]", d, dialable=True)
            for i, d in enumerate(data.destinations)
        ]
        key = (data.idempotency_key or "").strip() or None
        if key is not None and len(key) > 100:
            raise InvalidInput("idempotencyKey", "at most 100 characters")
        if key is not None:
            existing = await self._by_idempotency_key(principal.customer_id, key)
            if existing:
                return existing
        actions = await self._actions(principal.customer_id, data)
        await self._limiter.hit(self._limit, str(principal.customer_id))
        calls: list[tuple[Call, Activeflow]] = []
        for index, destination in enumerate(destinations):
            call_id = (
                uuid.uuid5(IDEM_NAMESPACE, f"{principal.customer_id}:{key}:{index}")
                if key
                else uuid.uuid4()
            )
            call = Call(
                id=call_id,
                customer_id=principal.customer_id,
                flow_id=data.flow_id,
                source=source,
                destination=destination,
                channel_id=str(call_id),
                status=CallStatus.DIALING.value,
                direction="outgoing",
                idempotency_key=f"{key}:{index}" if key else None,
                owner_type="agent" if principal.agent_id else "",
                owner_id=principal.agent_id,
            )
            flow = Activeflow(
                customer_id=principal.customer_id,
                flow_id=data.flow_id,
                reference_type="call",
                reference_id=call_id,
                actions=actions,
            )
            call.activeflow_id = flow.id
            calls.append((call, flow))
        try:
            async with transaction(self._sessions) as session:
                for call, flow in calls:
                    await insert_call(session, call, flow)
                    await record(
                        session,
                        meta=meta,
                        action="call.create",
                        principal=principal,
                        resource_type="call",
                        resource_id=call.id,
                        after=call_data(call),
                    )
        except sa.exc.IntegrityError:
            # a concurrent createCall with the same key won: answer with its calls
            if key is not None:
                existing = await self._by_idempotency_key(principal.customer_id, key)
                if existing:
                    return existing
            raise
        refused: list[UUID] = []
        for call, flow in calls:
            try:
                await self.start_workflow(call, flow, actions, clean_variables(data.variables))
            except Exception as exc:
                # Temporal down or refusing: end the rows just committed (events included),
                # so no call claims to be dialling without a workflow behind it
                log.warning("call_start_failed", call_id=str(call.id), error=str(exc))
                await self._end_unstarted(call, flow, f"the workflow engine refused it: {exc}")
                refused.append(call.id)
        if refused:
            placed = len(calls) - len(refused)
            raise EngineUnavailable(
                "the workflow engine is unavailable: "
                f"{len(refused)} of {len(calls)} calls were not placed (hung up with reason "
                f"failed: {', '.join(map(str, refused))}); {placed} were placed. Retry later "
                "(with a new idempotencyKey if you gave one)"
            )
        return [call for call, _ in calls]

    async def _end_unstarted(self, call: Call, flow: Activeflow, error: str) -> None:
        """A call whose workflow never started: hung up (reason failed, cause 0: it never
        reached the network), its activeflow ended with reason start_failed."""
        now = utcnow()
        async with transaction(self._sessions) as session:
            row = await session.get(Call, call.id, with_for_update=True)
            if row is not None and row.status != CallStatus.HANGUP:
                row.status = CallStatus.HANGUP.value
                row.hangup_by, row.hangup_reason, row.hangup_cause = "local", "failed", 0
                row.tm_hangup = row.tm_update = now
                await emit(
                    session,
                    customer_id=row.customer_id,
                    event_type="call_hangup",
                    resource_type="call",
                    resource_id=row.id,
                    data=call_data(row),
                )
            await end_unstarted(session, flow.id, error)

    async def start_workflow(
        self,
        call: Call,
        flow: Activeflow,
        actions: list[dict[str, Any]],
        extra: dict[str, str],
        *,
        node: str = "",
        connect_leg: bool = False,
        report_to_master: bool = False,
        early_execution: bool = False,
    ) -> None:
        client = await self._temporal()
        variables = {**extra, **call_variables(call, flow)}
        # an idempotent retry finds the call already live
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await client.start_workflow(
                CallWorkflow.run,
                CallInput(
                    call.id,
                    call.customer_id,
                    flow.id,
                    call.direction,
                    call.source,
                    call.destination,
                    actions,
                    variables,
                    self.timeouts(),
                    endpoint=endpoint_for(call.destination) if call.direction == "outgoing" else "",
                    node=node,
                    channel_id=call.channel_id,
                    max_executed_actions=self._settings.calls.max_executed_actions,
                    flow_id=call.flow_id,
                    recordings_dir=str(self._settings.calls.recordings_dir.resolve()),
                    master_call_id=call.master_call_id,
                    connect_leg=connect_leg,
                    report_to_master=report_to_master,
                    early_execution=early_execution,
                    revision=CALL_REVISION,
                ),
                id=call_workflow_id(call.id),
                task_queue=self.task_queue,
            )

    async def place(self, input: PlaceCallsInput) -> list[UUID]:
        """Outgoing legs placed by a flow action (`connect`, `call`): same rows and
        workflows as createCall; ids derive from the action execution (`key`), so a
        retried activity places nothing twice."""
        source = check_address("source", input.source, dialable=False)
        destinations = [
            check_address(f"destinations[{i}]", d, dialable=True)
            for i, d in enumerate(input.destinations)
        ]
        if input.connect:
            actions: list[dict[str, Any]] = []
        else:
            data = CreateCall(source, destinations, input.flow_id, input.actions or [])
            actions = await self._actions(input.customer_id, data)
        ids = [uuid.uuid5(IDEM_NAMESPACE, f"{input.key}:{i}") for i in range(len(destinations))]
        placed: list[tuple[Call, Activeflow]] = []
        async with transaction(self._sessions) as session:
            for call_id, destination in zip(ids, destinations, strict=True):
                call = await session.get(Call, call_id)
                if call is not None:  # a retry after the commit
                    flow = await session.get(Activeflow, call.activeflow_id)
                    assert flow is not None
                    placed.append((call, flow))
                    continue
                call = Call(
                    id=call_id,
                    customer_id=input.customer_id,
                    flow_id=input.flow_id,
                    source=source,
                    destination=destination,
                    channel_id=str(call_id),
                    direction="outgoing",
                    master_call_id=input.master_call_id,
                )
                flow = Activeflow(
                    customer_id=input.customer_id,
                    flow_id=input.flow_id,
                    reference_type="call",
                    reference_id=call_id,
                    actions=actions,
                )
                call.activeflow_id = flow.id
                await insert_call(session, call, flow)
                placed.append((call, flow))
            if input.master_call_id is not None:
                master = await session.get(Call, input.master_call_id, with_for_update=True)
                if master is not None:
                    known = set(master.chained_call_ids)
                    master.chained_call_ids = [
                        *master.chained_call_ids,
                        *(str(i) for i in ids if str(i) not in known),
                    ]
        for call, flow in placed:
            await self.start_workflow(
                call,
                flow,
                actions,
                {},
                node=input.node,
                connect_leg=input.connect,
                report_to_master=input.report_to_master,
                early_execution=input.early_execution,
            )
        return ids

    async def _actions(self, customer_id: UUID, data: CreateCall) -> list[dict[str, Any]]:
        if data.flow_id is not None:
            actions = await self._load_flow(customer_id, data.flow_id)
            if actions is None:
                raise InvalidInput("flowId", "no such flow")
            return actions
        return check_actions(list(data.actions or []))

    async def _by_idempotency_key(self, customer_id: UUID, key: str) -> list[Call]:
        async with self._sessions() as session:
            rows = await session.execute(
                sa.select(Call)
                .where(
                    Call.customer_id == customer_id,  # type: ignore[arg-type]
                    Call.idempotency_key.like(f"{key}:%"),  # type: ignore[union-attr]
                )
                .order_by(Call.idempotency_key)  # type: ignore[arg-type]
            )
            return list(rows.scalars().all())

    async def hangup(self, principal: Principal, meta: RequestMeta, call_id: UUID) -> Call:
        principal.require(MANAGER_OR_ADMIN)
        call = await self.get(principal, call_id)
        if call.status == CallStatus.HANGUP:
            raise Conflict("the call is already hung up")
        client = await self._temporal()
        try:
            await client.get_workflow_handle(call_workflow_id(call.id)).signal(
                HANGUP_SIGNAL, HangupRequest("normal")
            )
        except RPCError as exc:
            raise Conflict("the call is not live any more") from exc
        async with transaction(self._sessions) as session:
            await record(
                session,
                meta=meta,
                action="call.hangup",
                principal=principal,
                resource_type="call",
                resource_id=call.id,
                before=call_data(call),
            )
        return call

    async def watch(
        self, principal: Principal, call_id: UUID, budget: ConnectionBudget
    ) -> AsyncIterator[Call]:
        """The call now, then again after each of its events, until it is hung up."""
        call = await self.get(principal, call_id)
        yield call
        if call.status == CallStatus.HANGUP:
            return
        topic = f"customer_id:{call.customer_id}:call:{call.id}"
        async for event in self._events.stream(principal, [topic], budget):
            if not event.event_type.startswith("call_"):
                continue
            call = await self.get(principal, call_id)
            yield call
            if call.status == CallStatus.HANGUP:
                return

    async def get(self, principal: Principal, call_id: UUID) -> Call:
        async with self._sessions() as session:
            return await repo.require_scoped(session, Call, principal.customer_id, call_id, "call")

    async def get_many(self, customer_id: UUID, ids: list[UUID]) -> list[Call | None]:
        async with self._sessions() as session:
            return await repo.get_many_scoped(session, Call, customer_id, ids)

    async def list_page(
        self, principal: Principal, args: PageArgs, filter: CallFilter
    ) -> Page[Call]:
        where = repo.live(Call, principal.customer_id)
        if filter.status:
            where.append(Call.status == filter.status)  # type: ignore[arg-type]
        if filter.direction:
            where.append(Call.direction == filter.direction)  # type: ignore[arg-type]
        async with self._sessions() as session:
            return await paginate(session, Call, where, args, self._settings.limits.max_page_size)


__all__ = ["CallFilter", "CallService", "CreateCall", "NotFound"]


async def insert_call(session: AsyncSession, call: Call, flow: Activeflow) -> None:
    """A new call and its activeflow, with both `_created` events, in the caller's
    transaction (every way a call comes to exist goes through here)."""
    session.add(call)  # emit flushes it first
    await emit(
        session,
        customer_id=call.customer_id,
        event_type="call_created",
        resource_type="call",
        resource_id=call.id,
        data=call_data(call),
    )
    await insert_activeflow(session, flow)
