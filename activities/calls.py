"""Implementations of `activities/contracts/calls.py`: ARI operations on the call's node,
status/action rows with their outbox events, TTS, customer HTTP, recordings."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa
from temporalio import activity

from activities.contracts import calls as c
from telephony.ari.client import AriClient
from telephony.ari.errors import AriError, AriNotFound
from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.calls.models import Call
from voipbin.calls.public import activeflow_data, call_data, recording_data
from voipbin.calls.rules import STATUS_EVENT, can_move
from voipbin.calls.service import call_variables
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.events.outbox import emit
from voipbin.recordings.models import Recording, RecordingStatus
from voipbin.tts import TextToSpeech, TtsError
from voipbin.webhooks.signing import sign
from voipbin.webhooks.ssrf import UrlGuard
from workflows.telephony_signals import OUTBOUND_APP_ARG

# An action keeps at most this many bytes of the customer's answer (fetch bodies).
MAX_BODY = 1_048_576
EXECUTED_KEPT = 100


@dataclass
class Telephony:
    """How activities reach media nodes: a client per node and a node for a new channel."""

    client: Callable[[str], AriClient]
    pick: Callable[[str], Awaitable[str]]  # channel id → node name (call farm)
    app: str = "voipbin"


class CallActivities:
    def __init__(
        self,
        sessions: SessionFactory,
        telephony: Telephony,
        tts: TextToSpeech,
        http: httpx.AsyncClient,
        guard: UrlGuard,
        recordings_dir: Path,
        load_flow_actions: Callable[[UUID, UUID], Awaitable[list[dict[str, Any]] | None]],
        route_number: Callable[[str], Awaitable[tuple[UUID, UUID | None] | None]],
    ) -> None:
        self.route_number = route_number
        self.sessions = sessions
        self.telephony = telephony
        self.tts = tts
        self.http = http
        self.guard = guard
        self.recordings_dir = recordings_dir
        self.load_flow_actions = load_flow_actions

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.originate,
            self.answer,
            self.hangup_channel,
            self.play,
            self.stop_playback,
            self.send_dtmf,
            self.mute,
            self.bridge_calls,
            self.set_status,
            self.set_action,
            self.end_activeflow,
            self.synthesize,
            self.http_request,
            self.load_flow,
            self.recording_start,
            self.recording_stop,
            self.recording_finish,
            self.accept_inbound,
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
                session.add(call)
                session.add(flow)
                await session.flush()
                await emit(
                    session,
                    customer_id=customer_id,
                    event_type="call_created",
                    resource_type="call",
                    resource_id=call.id,
                    data=call_data(call),
                )
                await emit(
                    session,
                    customer_id=customer_id,
                    event_type="activeflow_created",
                    resource_type="activeflow",
                    resource_id=flow.id,
                    data=activeflow_data(flow),
                )
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

    @activity.defn(name=c.ORIGINATE)
    async def originate(self, input: c.OriginateInput) -> c.OriginateResult:
        channel_id = str(input.call_id)
        try:
            node = await self.telephony.pick(channel_id)
        except LookupError as exc:
            return c.OriginateResult("", str(exc))
        client = self.telephony.client(node)
        try:
            await client.originate(
                input.endpoint,
                app=self.telephony.app,
                channel_id=channel_id,
                app_args=[OUTBOUND_APP_ARG, f"call_id={channel_id}"],
                caller_id=input.caller_id or None,
                dial_timeout=input.ring_timeout_seconds,
            )
        except AriError as exc:
            if exc.status == 409:  # a retry after a lost answer: the channel exists
                return c.OriginateResult(node)
            if exc.status is not None and 400 <= exc.status < 500:
                return c.OriginateResult(node, f"originate refused: {exc}")
            raise
        return c.OriginateResult(node)

    @activity.defn(name=c.ANSWER)
    async def answer(self, input: c.ChannelInput) -> None:
        await self.telephony.client(input.node).answer(input.channel_id)

    @activity.defn(name=c.HANGUP_CHANNEL)
    async def hangup_channel(self, input: c.HangupChannelInput) -> None:
        if not input.node:
            return
        with contextlib.suppress(AriNotFound):  # already gone: the goal is reached
            await self.telephony.client(input.node).hangup(
                input.channel_id, reason_code=input.cause
            )

    @activity.defn(name=c.PLAY)
    async def play(self, input: c.PlayInput) -> None:
        try:
            await self.telephony.client(input.node).play(
                input.channel_id,
                input.media,
                playback_id=input.playback_id,
                lang=input.language or None,
            )
        except AriError as exc:
            if exc.status != 409:  # 409: the same playback id already started (a retry)
                raise

    @activity.defn(name=c.STOP_PLAYBACK)
    async def stop_playback(self, input: c.StopPlaybackInput) -> None:
        with contextlib.suppress(AriNotFound):
            await self.telephony.client(input.node).stop_playback(input.playback_id)

    @activity.defn(name=c.SEND_DTMF)
    async def send_dtmf(self, input: c.SendDtmfInput) -> None:
        await self.telephony.client(input.node).send_dtmf(
            input.channel_id, input.digits, duration=input.duration_ms, between=input.interval_ms
        )

    @activity.defn(name=c.MUTE)
    async def mute(self, input: c.MuteInput) -> None:
        client = self.telephony.client(input.node)
        direction: Any = input.direction
        if input.on:
            await client.mute(input.channel_id, direction)
        else:
            await client.unmute(input.channel_id, direction)

    @activity.defn(name=c.BRIDGE_CALLS)
    async def bridge_calls(self, input: c.BridgeInput) -> None:
        client = self.telephony.client(input.node)
        try:
            await client.create_bridge(bridge_id=input.bridge_id, types=("mixing",))
        except AriError as exc:
            if exc.status != 409:
                raise
        await client.add_channel(input.bridge_id, input.channel_ids)

    # -- rows + events -------------------------------------------------------------------

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
        return c.HttpRequestResult(response.status_code, response.text[:MAX_BODY])

    @activity.defn(name=c.LOAD_FLOW)
    async def load_flow(self, input: c.LoadFlowInput) -> c.LoadFlowResult:
        actions = await self.load_flow_actions(input.customer_id, input.flow_id)
        if actions is None:
            return c.LoadFlowResult(error=f"flow {input.flow_id} not found")
        return c.LoadFlowResult(actions)

    # -- recordings ----------------------------------------------------------------------

    @activity.defn(name=c.RECORDING_START)
    async def recording_start(self, input: c.RecordingStartInput) -> str:
        name = f"call_{input.call_id}_{input.recording_id}"
        async with transaction(self.sessions) as session:
            row = await session.get(Recording, input.recording_id)
            if row is None:
                row = Recording(
                    id=input.recording_id,
                    customer_id=input.customer_id,
                    reference_type="call",
                    reference_id=input.call_id,
                    format=input.format,
                    activeflow_id=input.activeflow_id,
                    on_end_flow_id=input.on_end_flow_id,
                    recording_name=name,
                    node=input.node,
                )
                session.add(row)
                call = await session.get(Call, input.call_id, with_for_update=True)
                if call is not None:
                    call.recording_id = row.id
                    call.recording_ids = [*call.recording_ids, str(row.id)]
                await session.flush()
        try:
            await self.telephony.client(input.node).record(
                input.channel_id,
                name=name,
                format=input.format,
                max_duration_seconds=input.max_duration_seconds or None,
                max_silence_seconds=input.max_silence_seconds or None,
                terminate_on=input.terminate_on,  # type: ignore[arg-type]
                if_exists="overwrite",
            )
        except AriError as exc:
            if exc.status != 409:
                raise
        async with transaction(self.sessions) as session:
            row = await session.get(Recording, input.recording_id, with_for_update=True)
            if row is not None and row.status == RecordingStatus.INITIATING:
                row.status = RecordingStatus.RECORDING.value
                row.tm_start = utcnow()
                await emit(
                    session,
                    customer_id=row.customer_id,
                    event_type="recording_started",
                    resource_type="recording",
                    resource_id=row.id,
                    data=recording_data(row),
                )
        return name

    @activity.defn(name=c.RECORDING_STOP)
    async def recording_stop(self, input: c.RecordingStopInput) -> None:
        with contextlib.suppress(AriNotFound):  # ended by itself (silence, duration, hangup)
            await self.telephony.client(input.node).stop_live_recording(input.recording_name)

    @activity.defn(name=c.RECORDING_FINISH)
    async def recording_finish(self, input: c.RecordingFinishInput) -> None:
        async with self.sessions() as session:
            row = await session.get(Recording, input.recording_id)
        if row is None or row.status == RecordingStatus.ENDED:
            return
        path = self.recordings_dir / str(input.customer_id) / f"{input.recording_id}.wav"
        size = 0
        try:
            data = await self.telephony.client(input.node).download_recording(input.recording_name)
        except AriNotFound:
            data = b""  # nothing was recorded (hung up at once): the row still ends
        if data:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)
            size = len(data)
        async with transaction(self.sessions) as session:
            row = await session.get(Recording, input.recording_id, with_for_update=True)
            if row is None or row.status == RecordingStatus.ENDED:
                return
            row.status = RecordingStatus.ENDED.value
            row.tm_end = utcnow()
            row.file_path = str(path) if size else ""
            row.file_size = size
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="recording_finished",
                resource_type="recording",
                resource_id=row.id,
                data=recording_data(row),
            )
