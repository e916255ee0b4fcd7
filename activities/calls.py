"""Implementations of `activities/contracts/calls.py`: inbound routing, status/action rows
with their outbox events, TTS, customer HTTP, recording rows. Media-node operations are
the telephony activities (`activities/telephony.py`)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa
from temporalio import activity

from activities.contracts import calls as c
from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.calls.models import Call
from voipbin.calls.public import activeflow_data, call_data, recording_data
from voipbin.calls.rules import STATUS_EVENT, can_move
from voipbin.calls.service import call_variables, insert_call
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import DomainError
from voipbin.events.outbox import emit
from voipbin.recordings.models import Recording, RecordingStatus
from voipbin.tts import TextToSpeech, TtsError
from voipbin.webhooks.signing import sign
from voipbin.webhooks.ssrf import UrlGuard, UrlRefused

# An action keeps at most this many bytes of the customer's answer (fetch bodies).
MAX_BODY = 1_048_576
EXECUTED_KEPT = 100


class CallActivities:
    def __init__(
        self,
        sessions: SessionFactory,
        tts: TextToSpeech,
        http: httpx.AsyncClient,
        guard: UrlGuard,
        load_flow_actions: Callable[[UUID, UUID], Awaitable[list[dict[str, Any]] | None]],
        route_number: Callable[[str], Awaitable[tuple[UUID, UUID | None] | None]],
        place: Callable[[c.PlaceCallsInput], Awaitable[list[UUID]]],
    ) -> None:
        self.place = place
        self.sessions = sessions
        self.tts = tts
        self.http = http
        self.guard = guard
        self.load_flow_actions = load_flow_actions
        self.route_number = route_number

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.accept_inbound,
            self.set_status,
            self.set_action,
            self.end_activeflow,
            self.synthesize,
            self.http_request,
            self.load_flow,
            self.recording_start,
            self.recording_finish,
            self.place_calls,
        ]

    # -- inbound -------------------------------------------------------------------------

    @activity.defn(name=c.ACCEPT_INBOUND)
    async def accept_inbound(self, input: c.AcceptInboundInput) -> c.AcceptInboundResult:
        routed = await self.route_number(input.dialled)
        if routed is None:
            return c.AcceptInboundResult(False, c.CAUSE_NO_ROUTE)
        customer_id, flow_id = routed
        actions = await self.load_flow_actions(customer_id, flow_id) if flow_id else None
        if actions is None:
            return c.AcceptInboundResult(False, c.CAUSE_NO_ROUTE)  # a number without a flow
        async with transaction(self.sessions) as session:
            call = await session.get(Call, input.call_id)
            if call is None:  # else: a retry after the commit: answer from the rows
                call = Call(
                    id=input.call_id,
                    customer_id=customer_id,
                    flow_id=flow_id,
                    direction="incoming",
                    status="ringing",
                    tm_ringing=utcnow(),
                    source={"type": "tel", "target": input.caller},
                    destination={"type": "tel", "target": input.dialled},
                    channel_id=input.channel_id,
                    node=input.node,
                )
                flow = Activeflow(
                    customer_id=customer_id,
                    flow_id=flow_id,
                    reference_type="call",
                    reference_id=call.id,
                    actions=actions,
                )
                call.activeflow_id = flow.id
                await insert_call(session, call, flow)
            else:
                loaded = await session.get(Activeflow, call.activeflow_id)
                assert loaded is not None
                flow = loaded
        return c.AcceptInboundResult(
            True,
            0,
            customer_id,
            flow.id,
            flow_id,
            list(flow.actions),
            call_variables(call, flow),
            call.source,
            call.destination,
        )

    # -- ARI -----------------------------------------------------------------------------

    # -- rows + events -------------------------------------------------------------------

    @activity.defn(name=c.PLACE_CALLS)
    async def place_calls(self, input: c.PlaceCallsInput) -> c.PlaceCallsResult:
        try:
            return c.PlaceCallsResult(await self.place(input))
        except DomainError as exc:  # a bad destination in the flow: the action fails
            return c.PlaceCallsResult(error=exc.message)

    @activity.defn(name=c.SET_STATUS)
    async def set_status(self, input: c.SetStatusInput) -> c.CallRow:
        async with transaction(self.sessions) as session:
            row = (
                (
                    await session.execute(
                        sa.select(Call).where(Call.id == input.call_id).with_for_update()  # type: ignore[arg-type]
                    )
                )
                .scalars()
                .first()
            )
            if row is None:
                raise RuntimeError(f"call {input.call_id} has no row")
            if not can_move(row.status, input.status):
                return c.CallRow(row.status, False)  # a retried or stale transition
            now = utcnow()
            row.status = input.status
            row.tm_update = now
            if input.node:
                row.node = input.node
            if input.status == "ringing":
                row.tm_ringing = now
            elif input.status == "progressing":
                row.tm_progressing = now
            elif input.status == "hangup":
                row.tm_hangup = now
                row.hangup_by = input.hangup_by
                row.hangup_reason = input.hangup_reason
                row.hangup_cause = input.hangup_cause
            await emit(
                session,
                customer_id=row.customer_id,
                event_type=STATUS_EVENT[row.status],
                resource_type="call",
                resource_id=row.id,
                data=call_data(row),
            )
            return c.CallRow(row.status, True)

    @activity.defn(name=c.SET_ACTION)
    async def set_action(self, input: c.SetActionInput) -> None:
        action = {**input.action, "tm_execute": utcnow().isoformat()}
        async with transaction(self.sessions) as session:
            flow = await session.get(Activeflow, input.activeflow_id, with_for_update=True)
            if flow is None or flow.execute_count >= input.execute_count:
                return  # a retry of an already recorded step
            if flow.status == ActiveflowStatus.ENDED:
                return  # stopped or deleted meanwhile: nothing runs on an ended activeflow
            flow.current_action = action
            flow.executed_actions = [*flow.executed_actions, action][-EXECUTED_KEPT:]
            flow.execute_count = input.execute_count
            flow.tm_update = utcnow()
            await emit(
                session,
                customer_id=flow.customer_id,
                event_type="activeflow_updated",
                resource_type="activeflow",
                resource_id=flow.id,
                data=activeflow_data(flow),
            )
            if input.call_id is not None:
                call = await session.get(Call, input.call_id)
                if call is not None:
                    call.action = action
                    call.tm_update = utcnow()

    @activity.defn(name=c.END_ACTIVEFLOW)
    async def end_activeflow(self, input: c.EndActiveflowInput) -> None:
        async with transaction(self.sessions) as session:
            flow = await session.get(Activeflow, input.activeflow_id, with_for_update=True)
            if flow is None or flow.status == ActiveflowStatus.ENDED:
                return
            flow.status = ActiveflowStatus.ENDED.value
            flow.end_reason = input.reason[:32]
            flow.error = input.error[:2048]
            flow.tm_update = utcnow()
            await emit(
                session,
                customer_id=flow.customer_id,
                event_type="activeflow_updated",
                resource_type="activeflow",
                resource_id=flow.id,
                data=activeflow_data(flow),
            )

    # -- slow work -----------------------------------------------------------------------

    @activity.defn(name=c.SYNTHESIZE)
    async def synthesize(self, input: c.SynthesizeInput) -> c.SynthesizeResult:
        try:
            path = await self.tts.synthesize(input.text, input.language, input.voice_id)
        except TtsError as exc:
            return c.SynthesizeResult("", str(exc))
        return c.SynthesizeResult(f"sound:{path.resolve()}")

    @activity.defn(name=c.HTTP_REQUEST)
    async def http_request(self, input: c.HttpRequestInput) -> c.HttpRequestResult:
        try:
            await self.guard.check("uri", input.uri)
        except Exception as exc:  # DomainError from the SSRF guard: recorded, not raised
            return c.HttpRequestResult(error=f"refused: {exc}")
        body = input.body.encode()
        headers = {"Content-Type": input.content_type or "application/json"}
        if input.signed:
            async with self.sessions() as session:
                customer = await session.get(Customer, input.customer_id)
            if customer is not None and customer.webhook_secret:
                stamp = str(int(time.time()))
                headers["X-VoIPBIN-Timestamp"] = stamp
                headers["X-VoIPBIN-Signature"] = (
                    f"sha256={sign(customer.webhook_secret, stamp, body)}"
                )
        method = input.method.upper() or "POST"
        try:
            response = await self.http.request(
                method,
                input.uri,
                content=body if method != "GET" else None,
                headers=headers,
                timeout=input.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            return c.HttpRequestResult(error=f"{type(exc).__name__}: {exc}".strip())
        except UrlRefused as exc:  # the address changed since the check (DNS rebinding)
            return c.HttpRequestResult(error=f"refused: {exc}")
        return c.HttpRequestResult(response.status_code, response.text[:MAX_BODY])

    @activity.defn(name=c.LOAD_FLOW)
    async def load_flow(self, input: c.LoadFlowInput) -> c.LoadFlowResult:
        actions = await self.load_flow_actions(input.customer_id, input.flow_id)
        if actions is None:
            return c.LoadFlowResult(error=f"flow {input.flow_id} not found")
        return c.LoadFlowResult(actions)

    # -- recordings ----------------------------------------------------------------------

    @activity.defn(name=c.RECORDING_START)
    async def recording_start(self, input: c.RecordingStartInput) -> None:
        async with transaction(self.sessions) as session:
            if await session.get(Recording, input.recording_id) is not None:
                return  # a retry after the commit
            now = utcnow()
            row = Recording(
                id=input.recording_id,
                customer_id=input.customer_id,
                reference_type="call",
                reference_id=input.call_id,
                status=RecordingStatus.RECORDING.value,
                format=input.format,
                activeflow_id=input.activeflow_id,
                on_end_flow_id=input.on_end_flow_id,
                recording_name=input.recording_name,
                node=input.node,
                tm_start=now,
            )
            session.add(row)
            call = await session.get(Call, input.call_id, with_for_update=True)
            if call is not None:
                call.recording_id = row.id
                call.recording_ids = [*call.recording_ids, str(row.id)]
                call.tm_update = now
            await session.flush()
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="recording_started",
                resource_type="recording",
                resource_id=row.id,
                data=recording_data(row),
            )

    @activity.defn(name=c.RECORDING_FINISH)
    async def recording_finish(self, input: c.RecordingFinishInput) -> None:
        async with transaction(self.sessions) as session:
            row = await session.get(Recording, input.recording_id, with_for_update=True)
            if row is None or row.status == RecordingStatus.ENDED:
                return
            row.status = RecordingStatus.ENDED.value
            row.tm_end = utcnow()
            row.file_path = input.file_path
            row.file_size = input.file_size
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="recording_finished",
                resource_type="recording",
                resource_id=row.id,
                data=recording_data(row),
            )
