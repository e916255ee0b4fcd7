"""`connect` through the confbridge: join and tear-down latency, from our own event rows.

    PYTHONPATH=. DATABASE_URL=<server db> REDIS_URL=... TEMPORAL_ADDRESS=... \
        .venv/bin/python bench/confbridge.py

A fresh database is made (and dropped) on the DATABASE_URL server. Each round: A is
called (answers at once), its flow is `connect(B)`; B answers after 0.1 s, stays 1 s,
hangs up. Figures from the outbox rows' `tm_create` (written in the same transaction
as each change):

* join: B `call_progressing` → B `call_updated` (in the confbridge): the leg's flow
  starting, the join signal, `bridge_add`, the member row;
* kick: B `call_updated` (left) → A `call_terminating`: the confbridge ending, A kicked,
  A's flow going on to its `hangup`.

BENCH_ROUNDS (20) sequential rounds. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa
from temporalio.worker import Worker

from activities.calls import CallActivities
from activities.confbridges import ConfbridgeActivities
from activities.telephony import TelephonyActivities
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.helpers.ports import free_port
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.bridge.run import TelephonyBridge
from voipbin.calls.service import CreateCall
from voipbin.config import AriSettings, Settings
from voipbin.customers.models import Customer
from voipbin.db import transaction
from voipbin.devstack.databases import create_database, drop_database
from voipbin.events.models import OutboxEvent
from voipbin.migrations import upgrade_to
from voipbin.services import Services, build_services
from voipbin.telephony_nodes import AriPool
from voipbin.tts.espeak import EspeakTts
from workflows.call import CallResult
from workflows.ids import call_workflow_id
from workflows.registry import CALL_WORKFLOWS

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def pct(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def _times(services: Services, call_id: uuid.UUID) -> list[tuple[str, float]]:
    async with services.sessions() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.event_type, OutboxEvent.tm_create)
            .where(OutboxEvent.resource_id == call_id)  # type: ignore[arg-type]
            .order_by(OutboxEvent.sequence)  # type: ignore[arg-type]
        )
        return [(kind, tm.timestamp()) for kind, tm in rows.all()]


async def main() -> None:
    server = os.environ["DATABASE_URL"]
    name = f"bench_cb_{uuid.uuid4().hex[:8]}"
    url = await create_database(server, name)
    await asyncio.to_thread(upgrade_to, url, "head")
    tmp = Path(tempfile.mkdtemp(prefix="bench-cb-"))
    spec = NodeSpec(f"call-{uuid.uuid4().hex[:6]}", free_port(), role="call")
    simulator = Simulator([spec], recordings_dir=tmp / "sim", unscripted_answer_delay=0.05)
    await simulator.start()
    base = Settings()
    ari = AriSettings(nodes=f"call:{spec.name}=http://127.0.0.1:{spec.port}")
    settings = base.model_copy(update={"database_url": url, "ari": ari}, deep=True)
    settings.calls.task_queue = f"calls-bench-{uuid.uuid4().hex[:6]}"
    services = build_services(settings)
    pool = AriPool(ari, services.redis)
    client = await services.temporal()
    activities = [
        *TelephonyActivities(pool, services.redis).all(),
        *CallActivities(
            services.sessions,
            EspeakTts(tmp / "tts"),
            services.http,
            services.url_guard,
            services.flow_actions,
            services.route_number,
            services.calls.place,
            services.activeflows.start_on_complete,
        ).all(),
        *ConfbridgeActivities(services.sessions).all(),
    ]
    worker = Worker(
        client,
        task_queue=settings.calls.task_queue,
        workflows=CALL_WORKFLOWS,
        activities=activities,
    )
    bridge = TelephonyBridge(pool, services.sessions, client)
    tasks = [asyncio.create_task(worker.run()), asyncio.create_task(bridge.run())]
    joins: list[float] = []
    kicks: list[float] = []
    try:
        async with asyncio.timeout(30):
            while not await pool.dispatcher.healthy("call"):
                await asyncio.sleep(0.05)
        customer = Customer(name="bench", webhook_secret="b" * 32)
        async with transaction(services.sessions) as session:
            session.add(customer)
        principal = Principal(customer.id, Permission.CUSTOMER_ADMIN)
        sim = httpx.AsyncClient(base_url=f"http://127.0.0.1:{spec.port}")
        for n in range(ROUNDS):
            b_party = f"+1555700{n:04d}"
            script = [{"ring": 0.1}, {"answer": True}, {"wait": 1.0}, {"hangup": True}]
            await sim.put(f"/sim/parties/{b_party.replace('+', '%2B')}", json={"script": script})
            connect = {
                "type": "connect",
                "option": {"destinations": [{"type": "tel", "target": b_party}]},
            }
            [a] = await services.calls.create(
                principal,
                RequestMeta(),
                CreateCall(
                    {"type": "tel", "target": "+15550000001"},
                    [{"type": "tel", "target": f"+1555800{n:04d}"}],
                    actions=[connect, {"type": "hangup"}],
                ),
            )
            handle = client.get_workflow_handle(call_workflow_id(a.id), result_type=CallResult)
            outcome = await handle.result()
            if outcome.errors:
                print(n, outcome.errors)
            row = await services.calls.get(principal, a.id)
            [b] = [uuid.UUID(x) for x in row.chained_call_ids]
            await client.get_workflow_handle(call_workflow_id(b)).result()
            a_ev, b_ev = await _times(services, a.id), await _times(services, b)
            b_up = next(t for k, t in b_ev if k == "call_progressing")
            updates = [t for k, t in b_ev if k == "call_updated"]
            if len(updates) < 2:
                print(n, "B never joined:", [k for k, _ in b_ev], [k for k, _ in a_ev])
                continue
            b_in, b_out = updates[:2]
            a_end = next(t for k, t in a_ev if k == "call_terminating")
            joins.append((b_in - b_up) * 1000)
            kicks.append((a_end - b_out) * 1000)
        print(f"connect via confbridge, {ROUNDS} rounds, one node, sequential")
        for name, values in (("join", joins), ("kick", kicks)):
            print(
                f"  {name}: p50 {pct(values, 0.5):.1f} ms  p99 {pct(values, 0.99):.1f} ms"
                f"  max {max(values):.1f} ms"
            )
    finally:
        await worker.shutdown()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await pool.aclose()
        await simulator.stop()
        await services.close()
        await drop_database(server, name)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
