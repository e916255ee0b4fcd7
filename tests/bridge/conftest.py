"""The bridge for real: two simulator nodes on free ports, the bridge and its sentinel on
this test's own node names (so Redis keys never meet another test's), a Temporal worker
on a fresh task queue running the recording stand-in of CallWorkflow, and a platform
customer of this test's own owning the node events."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from telephony.simulator.nodes import DEV_PASS, DEV_USER, NodeSpec, Simulator
from tests.bridge.recording_workflow import RecordingCallWorkflow
from tests.helpers.ports import free_port
from voipbin.bridge.inbound import InboundStarter
from voipbin.bridge.node_events import LostNode
from voipbin.bridge.run import TelephonyBridge
from voipbin.config import AriSettings, Settings
from voipbin.customers.models import Customer
from voipbin.db import transaction
from voipbin.services import Services, build_services
from voipbin.telephony_nodes import AriPool

TIME_SCALE = 0.1


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 30.0, every: float = 0.02
) -> None:
    """Until `check()` holds; TimeoutError after `timeout` (a bound, not a measurement)."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(every)


@dataclass
class SimNodes:
    simulator: Simulator
    specs: list[NodeSpec]

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    def url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.specs[index].port}"

    def control(self, index: int = 0) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url(index), timeout=30)

    def ari_settings(self, **overrides: object) -> AriSettings:
        nodes = ",".join(f"call:{spec.name}=http://127.0.0.1:{spec.port}" for spec in self.specs)
        values: dict[str, object] = {
            "nodes": nodes,
            "username": DEV_USER,
            "password": DEV_PASS,
            "probe_interval_seconds": 0.1,
            "probe_timeout_seconds": 0.3,
            "reconnect_initial_seconds": 0.05,
            "reconnect_max_seconds": 0.2,
            "heartbeat_seconds": 1.0,
            "node_state_ttl_seconds": 5.0,
            "lanes": 8,
            **overrides,
        }
        return AriSettings.model_validate(values)


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[SimNodes]:
    tag = uuid.uuid4().hex[:8]
    specs = [
        NodeSpec(f"call-{tag}-1", free_port(), role="call"),
        NodeSpec(f"call-{tag}-2", free_port(), role="call"),
    ]
    simulator = Simulator(
        specs,
        recordings_dir=tmp_path / "recordings",
        time_scale=TIME_SCALE,
        unscripted_answer_delay=0.5,
    )
    await simulator.start()
    for node in simulator.nodes.values():
        # Asterisk names channels `<start epoch>.<seq>`, so two simulators started in the
        # same second (parallel tests) would name their first inbound channels alike, and
        # those map to the same call id. Real nodes avoid it with distinct start times or
        # `systemname`; here each node gets an epoch of its own.
        assert node.core is not None
        node.core.ids._epoch = secrets.randbelow(10**9) + 10**9
    try:
        yield SimNodes(simulator, specs)
    finally:
        await simulator.stop()


@pytest.fixture(scope="session")
async def services(settings: Settings) -> AsyncIterator[Services]:
    svc = build_services(settings)
    yield svc
    await svc.close()


@pytest.fixture
async def platform_customer_id(services: Services) -> uuid.UUID:
    """This test's own platform customer (node events belong to the platform)."""
    customer = Customer(name=f"platform {uuid.uuid4().hex[:6]}", is_platform=True)
    async with transaction(services.sessions) as session:
        session.add(customer)
    return customer.id


@dataclass
class RunningBridge:
    telephony: TelephonyBridge
    pool: AriPool
    client: Client
    task_queue: str
    lost: list[LostNode] = field(default_factory=list)
    lost_event: asyncio.Event = field(default_factory=asyncio.Event)

    async def node_accepts(self, name: str, accepts: bool = True) -> bool:
        states = await self.pool.states.read([name])
        return name in states and states[name].accepts_channels == accepts


@contextlib.asynccontextmanager
async def running_bridge(
    services: Services, sim: SimNodes, owner: uuid.UUID, **overrides: object
) -> AsyncIterator[RunningBridge]:
    """Worker + bridge + sentinel, until every node is up; torn down on exit."""
    client = await services.temporal()
    task_queue = f"calls-test-{uuid.uuid4().hex[:8]}"
    pool = AriPool(sim.ari_settings(**overrides), services.redis)

    async def owner_lookup() -> uuid.UUID | None:
        return owner

    holder: list[RunningBridge] = []

    async def on_node_down(lost: LostNode) -> None:
        holder[0].lost.append(lost)
        holder[0].lost_event.set()

    telephony = TelephonyBridge(
        pool,
        services.sessions,
        client,
        on_inbound=InboundStarter(client, task_queue),
        owner=owner_lookup,
        on_node_down=on_node_down,
    )
    running = RunningBridge(telephony, pool, client, task_queue)
    holder.append(running)
    worker = Worker(client, task_queue=task_queue, workflows=[RecordingCallWorkflow])
    async with worker:
        task = asyncio.create_task(telephony.run())
        try:
            for name in sim.names:
                await eventually(lambda name=name: running.node_accepts(name))  # type: ignore[misc]
            yield running
        finally:
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=5)
            if not done:
                for t in asyncio.all_tasks():
                    t.print_stack()
                raise RuntimeError("bridge did not stop")
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await pool.aclose()
