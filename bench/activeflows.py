"""Activeflows without a call: createActiveflow latency and create → ended throughput.

    PYTHONPATH=. DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \
        REDIS_URL=redis://127.0.0.1:6379/0 TEMPORAL_ADDRESS=127.0.0.1:7233 \
        .venv/bin/python bench/activeflows.py

Uses a fresh database on that server (migrated, dropped at the end), one calls worker in
this process and a local HTTP server for webhook_send. Knob: BENCH_FLOWS (200). The flow:
variable_set, branch, a sync webhook_send, stop. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from temporalio.worker import Worker

from tests.helpers.events import served
from voipbin.activeflows.models import Activeflow
from voipbin.activeflows.service import CreateActiveflow
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.config import Settings, to_asyncpg_url
from voipbin.customers.models import Customer
from voipbin.db import transaction
from voipbin.devstack.databases import create_database, drop_database
from voipbin.logging import configure_logging
from voipbin.migrations import upgrade_to
from voipbin.services import build_services
from workflows.activeflow import ActiveflowWorkflow
from workflows.registry import call_activities

FLOWS = int(os.environ.get("BENCH_FLOWS", "200"))
CONCURRENCY = 20


def pct(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def ok(request: Request) -> Response:
    await request.body()
    return Response("ok")


async def main() -> None:
    configure_logging("warning", False)
    server_url = to_asyncpg_url(os.environ["DATABASE_URL"])
    name = f"voipbin_bench_{uuid.uuid4().hex[:8]}"
    url = await create_database(server_url, name)
    try:
        await asyncio.to_thread(upgrade_to, url, "head")
        await run(url)
    finally:
        await drop_database(server_url, name)


async def run(database_url: str) -> None:
    settings = Settings(
        environment="test",
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        temporal_address=os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
    )
    settings.calls.task_queue = f"bench-af-{uuid.uuid4().hex[:6]}"
    settings.webhooks.allow_cidrs = ["127.0.0.0/8"]
    services = build_services(settings)
    client = await services.temporal()
    customer = Customer(name="bench", webhook_secret="s" * 32)
    async with transaction(services.sessions) as session:
        session.add(customer)
    principal = Principal(customer.id, Permission.CUSTOMER_ADMIN)
    app = Starlette(routes=[Route("/hook", ok, methods=["POST"])])
    worker = Worker(
        client,
        task_queue=settings.calls.task_queue,
        workflows=[ActiveflowWorkflow],
        activities=call_activities(services),
        max_concurrent_local_activities=500,
    )
    try:
        async with served(app) as base, worker:
            target = "00000000-0000-0000-0000-00000000be01"
            actions: list[dict[str, Any]] = [
                {"type": "variable_set", "option": {"key": "k", "value": "v"}},
                {"type": "branch", "option": {"variable": "k", "target_ids": {"v": target}}},
                {
                    "id": target,
                    "type": "webhook_send",
                    "option": {"sync": True, "uri": f"{base}/hook", "data": "${k}"},
                },
                {"type": "stop"},
            ]
            semaphore = asyncio.Semaphore(CONCURRENCY)
            latencies: list[float] = []
            ids: list[uuid.UUID] = []

            async def create() -> None:
                async with semaphore:
                    started = time.perf_counter()
                    row = await services.activeflows.create(
                        principal, RequestMeta(), CreateActiveflow(actions=actions)
                    )
                    latencies.append((time.perf_counter() - started) * 1000)
                    ids.append(row.id)

            started = time.perf_counter()
            await asyncio.gather(*(create() for _ in range(FLOWS)))
            while True:
                async with services.sessions() as session:
                    ended = await session.scalar(
                        sa.select(sa.func.count())
                        .select_from(Activeflow)
                        .where(
                            Activeflow.id.in_(ids),  # type: ignore[attr-defined]
                            Activeflow.status == "ended",  # type: ignore[arg-type]
                        )
                    )
                if ended == len(ids):
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            print(
                f"createActiveflow (service, concurrency {CONCURRENCY}): p50 "
                f"{pct(latencies, 0.5):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms over {FLOWS}"
            )
            print(
                f"create → ended (4 actions incl. one sync webhook): {FLOWS / elapsed:.1f} "
                f"activeflows/s ({FLOWS} in {elapsed:.1f} s)"
            )
    finally:
        await services.close()


if __name__ == "__main__":
    asyncio.run(main())
