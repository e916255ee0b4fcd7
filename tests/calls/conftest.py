"""Calls harness: the PBX simulator, a Temporal worker running CallWorkflow with the real
activities (PostgreSQL, simulator), and an event pump that signals call workflows the way
the ARI bridge does (`call:<call_id_for_channel>`, signal `ari_event`)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError
from temporalio.worker import Worker

from activities.calls import CallActivities, Telephony
from telephony.ari.connection import EventStream
from telephony.ari.events import AriEvent
from telephony.ari.nodes import AriNode, NodeRegistry
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.helpers.ports import free_port
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.bridge.inbound import InboundStarter
from voipbin.calls.service import CallService
from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.db import transaction
from voipbin.events.models import OutboxEvent
from voipbin.services import Services, build_services
from voipbin.tts.espeak import EspeakTts
from workflows.call import CallResult, CallWorkflow
from workflows.telephony_signals import (
    ARI_EVENT_SIGNAL,
    OUTBOUND_APP_ARG,
    AriEventSignal,
    call_id_for_channel,
)

TIME_SCALE = 0.1


def to_signal(event: AriEvent) -> AriEventSignal | None:
    """The bridge's mapping, reduced to what call workflows read."""
    raw: dict[str, Any] = event.model_dump(mode="json")
    channel = raw.get("channel") or {}
    channel_id = channel.get("id", "")
    playback = raw.get("playback") or {}
    recording = raw.get("recording") or {}
    target = playback.get("target_uri") or recording.get("target_uri") or ""
    if not channel_id and target.startswith("channel:"):
        channel_id = target.split(":", 1)[1]
    if not channel_id:
        return None
    key = hashlib.sha256(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return AriEventSignal(
        event_type=event.type,
        node=event.node,
        channel_id=channel_id,
        event_key=key,
        timestamp=event.timestamp,
        state=channel.get("state", ""),
        digit=raw.get("digit") or "",
        cause=raw.get("cause") or 0,
        playback_id=playback.get("id", ""),
        recording_name=recording.get("name", ""),
        args=list(raw.get("args") or []),
        caller_number=(channel.get("caller") or {}).get("number", ""),
        exten=(channel.get("dialplan") or {}).get("exten", ""),
    )


@dataclass
class CallHarness:
    settings: Settings
    services: Services
    simulator: Simulator
    specs: list[NodeSpec]
    calls: CallService
    client: Client
    customer_id: uuid.UUID
    principal: Principal
    sim: httpx.AsyncClient

    def handle(self, call_id: uuid.UUID) -> WorkflowHandle[Any, CallResult]:
        return self.client.get_workflow_handle(f"call:{call_id}", result_type=CallResult)

    async def result(self, call_id: uuid.UUID) -> CallResult:
        return await self.handle(call_id).result()

    async def events(self, resource_id: uuid.UUID) -> list[OutboxEvent]:
        async with self.services.sessions() as session:
            rows = await session.execute(
                sa.select(OutboxEvent)
                .where(OutboxEvent.resource_id == resource_id)  # type: ignore[arg-type]
                .order_by(OutboxEvent.sequence)  # type: ignore[arg-type]
            )
            return list(rows.scalars().all())

    async def script(self, address: str, steps: list[dict[str, Any]]) -> None:
        response = await self.sim.put(
            f"/sim/parties/{address.replace('+', '%2B')}", json={"script": steps}
        )
        response.raise_for_status()


@pytest.fixture
async def call_harness(settings: Settings, tmp_path: Path) -> AsyncIterator[CallHarness]:
    queue = f"calls-{uuid.uuid4()}"
    specs = [NodeSpec("call-1", free_port())]
    simulator = Simulator(
        specs, recordings_dir=tmp_path / "sim", time_scale=TIME_SCALE, unscripted_answer_delay=0.5
    )
    await simulator.start()
    calls_settings = settings.calls.model_copy(
        update={
            "task_queue": queue,
            "ring_timeout_seconds": 3.0,
            "hangup_wait_seconds": 3.0,
            "recording_wait_seconds": 3.0,
            "http_timeout_seconds": 1.0,
            "recordings_dir": tmp_path / "recordings",
            "tts_dir": tmp_path / "tts",
        }
    )
    test_settings = settings.model_copy(update={"calls": calls_settings})
    services = build_services(test_settings)
    registry = NodeRegistry(
        [AriNode(s.name, f"http://127.0.0.1:{s.port}", "voipbin", "voipbin") for s in specs]
    )

    async def pick(channel_id: str) -> str:
        return registry.pick("call").name

    telephony = Telephony(registry.client, pick)
    impl = CallActivities(
        services.sessions,
        telephony,
        EspeakTts(tmp_path / "tts"),
        services.http,
        services.url_guard,
        tmp_path / "recordings",
        services.flow_actions,
        services.route_number,
    )
    client = await services.temporal()
    worker = Worker(client, task_queue=queue, workflows=[CallWorkflow], activities=impl.all())
    calls = services.calls
    stream = EventStream(registry, "voipbin")

    inbound = InboundStarter(client, queue, calls.timeouts())

    async def pump(item: Any) -> None:
        if not hasattr(item, "type"):
            return
        signal = to_signal(item)
        if signal is None:
            return
        if signal.event_type == "StasisStart" and signal.args[:1] != [OUTBOUND_APP_ARG]:
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await inbound(signal)
            return
        handle = client.get_workflow_handle(f"call:{call_id_for_channel(signal.channel_id)}")
        with contextlib.suppress(RPCError):
            await handle.signal(ARI_EVENT_SIGNAL, signal)

    stream.on(pump)
    stream.start()
    async with asyncio.timeout(5):
        await stream.wait_connected()
    customer = Customer(name="calls test", webhook_secret="s" * 32)
    async with transaction(services.sessions) as session:
        session.add(customer)
    principal = Principal(customer.id, Permission.CUSTOMER_ADMIN)
    sim = httpx.AsyncClient(base_url=f"http://127.0.0.1:{specs[0].port}")
    task = asyncio.create_task(worker.run())
    try:
        yield CallHarness(
            test_settings, services, simulator, specs, calls, client, customer.id, principal, sim
        )
    finally:
        await worker.shutdown()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        await stream.close()
        await sim.aclose()
        await simulator.stop()
        await services.close()


META = RequestMeta()
