"""Calls harness: the PBX simulator, the real ARI bridge (sockets → `ari_event` signals,
signal-with-start for inbound) and a Temporal worker running CallWorkflow with the real
call and telephony activities against PostgreSQL and the simulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from activities.calls import CallActivities
from activities.confbridges import ConfbridgeActivities
from activities.telephony import TelephonyActivities
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.helpers.ports import free_port
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.bridge.run import TelephonyBridge
from voipbin.calls.service import CallService
from voipbin.config import AriSettings, Settings
from voipbin.customers.models import Customer
from voipbin.db import transaction
from voipbin.events.models import OutboxEvent
from voipbin.services import Services, build_services
from voipbin.telephony_nodes import AriPool
from voipbin.tts.espeak import EspeakTts
from workflows.call import CallResult
from workflows.ids import call_workflow_id
from workflows.registry import CALL_WORKFLOWS, calls_worker

HISTORIES = Path(__file__).parent.parent / "workflows" / "histories"
# As the worker process's calls worker: flows without a call share the calls queue.
TIME_SCALE = 0.1


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
    workers: list[Any]

    def handle(self, call_id: uuid.UUID) -> WorkflowHandle[Any, CallResult]:
        return self.client.get_workflow_handle(call_workflow_id(call_id), result_type=CallResult)

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

    async def keep_history(self, call_id: uuid.UUID, scenario: str) -> None:
        """With RECORD_HISTORIES=1, write this call's history for the replay test
        (`tests/workflows/histories/call__<scenario>__v1.json`; never overwrite one)."""
        if os.environ.get("RECORD_HISTORIES") != "1":
            return
        path = HISTORIES / f"call__{scenario}__v1.json"
        if not path.exists():
            history = await self.handle(call_id).fetch_history()
            path.write_text(history.to_json())

    async def keep_workflow_history(self, workflow_id: str, stem: str) -> None:
        """Same as `keep_history` for any workflow (`<workflow>__<scenario>__v<N>.json`)."""
        if os.environ.get("RECORD_HISTORIES") != "1":
            return
        path = HISTORIES / f"{stem}.json"
        if not path.exists():
            handle = self.client.get_workflow_handle(workflow_id)
            async with asyncio.timeout(20):
                await handle.result()  # a complete history
            path.write_text((await handle.fetch_history()).to_json())

    async def restart_worker(self, down_seconds: float, *, production: bool = False) -> None:
        """Stop the calls worker (as a crash would: its workflows stay open), wait, start
        a fresh one that replays them (`production`: configured as `voipbin worker`'s)."""
        worker, task, new_worker = self.workers
        await worker.shutdown()
        await task
        await asyncio.sleep(down_seconds)
        fresh = new_worker(production)
        self.workers[:2] = [fresh, asyncio.create_task(fresh.run())]

    async def bridged_together(self, call_id: uuid.UUID, timeout: float = 20) -> str:
        """The bridge `call_id` shares with another channel, once it does (simulator view)."""
        async with asyncio.timeout(timeout):
            while True:
                calls = (await self.sim.get("/sim/calls")).json()
                mine = next((c["bridge_id"] for c in calls if c["id"] == str(call_id)), None)
                others = [c for c in calls if c["id"] != str(call_id) and c["bridge_id"]]
                if mine and any(c["bridge_id"] == mine for c in others):
                    return str(mine)
                await asyncio.sleep(0.05)

    async def script(self, address: str, steps: list[dict[str, Any]]) -> None:
        response = await self.sim.put(
            f"/sim/parties/{address.replace('+', '%2B')}", json={"script": steps}
        )
        response.raise_for_status()


@pytest.fixture
async def call_harness(settings: Settings, tmp_path: Path) -> AsyncIterator[CallHarness]:
    queue = f"calls-{uuid.uuid4()}"
    # node names are global in Redis (health, placement): one of this test's own
    specs = [NodeSpec(f"call-{uuid.uuid4().hex[:8]}", free_port(), role="call")]
    simulator = Simulator(
        specs, recordings_dir=tmp_path / "sim", time_scale=TIME_SCALE, unscripted_answer_delay=0.5
    )
    await simulator.start()
    calls_settings = settings.calls.model_copy(
        update={
            "task_queue": queue,
            "ring_timeout_seconds": 30.0,  # the simulator runs it 10x faster: 3 s
            "hangup_wait_seconds": 3.0,
            "recording_wait_seconds": 3.0,
            "http_timeout_seconds": 1.0,
            "recordings_dir": tmp_path / "recordings",
            "tts_dir": tmp_path / "tts",
        }
    )
    ari = AriSettings(
        nodes=",".join(f"call:{s.name}=http://127.0.0.1:{s.port}" for s in specs),
        probe_interval_seconds=0.1,
        probe_timeout_seconds=0.5,
        reconnect_initial_seconds=0.05,
        reconnect_max_seconds=0.2,
        node_state_ttl_seconds=5.0,
    )
    test_settings = settings.model_copy(update={"calls": calls_settings, "ari": ari}, deep=True)
    # e2e tests add the API, the dispatcher and webhook deliveries on these same settings
    test_settings.webhooks.allow_cidrs = ["127.0.0.0/8"]
    test_settings.webhooks.task_queue = f"webhooks-{uuid.uuid4().hex[:8]}"
    test_settings.events.poll_interval_seconds = 0.2
    test_settings.limits.api_per_minute = 100_000
    services = build_services(test_settings)
    pool = AriPool(ari, services.redis)
    client = await services.temporal()
    calls = services.calls
    activities = [
        *TelephonyActivities(pool, services.redis).all(),
        *CallActivities(
            services.sessions,
            EspeakTts(tmp_path / "tts"),
            services.customer_http,
            services.url_guard,
            services.flow_actions,
            services.route_number,
            services.calls.place,
            services.activeflows.start_on_complete,
        ).all(),
        *ConfbridgeActivities(services.sessions).all(),
    ]
    worker = Worker(client, task_queue=queue, workflows=CALL_WORKFLOWS, activities=activities)
    # The real ARI bridge: node sockets → signals, inbound StasisStart → signal-with-start.
    bridge = TelephonyBridge(
        pool, services.sessions, client, on_inbound=calls.inbound_starter(client)
    )
    bridge_task = asyncio.create_task(bridge.run())
    async with asyncio.timeout(10):
        while not await pool.dispatcher.healthy("call"):
            await asyncio.sleep(0.05)
    customer = Customer(name="calls test", webhook_secret="s" * 32)
    async with transaction(services.sessions) as session:
        session.add(customer)
    principal = Principal(customer.id, Permission.CUSTOMER_ADMIN)
    sim = httpx.AsyncClient(base_url=f"http://127.0.0.1:{specs[0].port}")

    def new_worker(production: bool = False) -> Worker:
        if production:  # no sandbox, its own concurrency (workflows/registry.py)
            return calls_worker(client, test_settings, activities)
        return Worker(client, task_queue=queue, workflows=CALL_WORKFLOWS, activities=activities)

    task = asyncio.create_task(worker.run())
    harness = CallHarness(
        test_settings,
        services,
        simulator,
        specs,
        calls,
        client,
        customer.id,
        principal,
        sim,
        [worker, task, new_worker],
    )
    try:
        yield harness
    finally:
        worker, task = harness.workers[0], harness.workers[1]
        await worker.shutdown()
        for running in (task, bridge_task):
            running.cancel()
            with contextlib.suppress(BaseException):
                await running
        await pool.aclose()
        await sim.aclose()
        await simulator.stop()
        await services.close()


META = RequestMeta()
