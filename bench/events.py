"""Event and webhook benchmarks (DESIGN §12). Figures are printed, never asserted.

1. event committed → subscription client: p50/p99 with BENCH_SUBSCRIPTIONS (1,000) open
   subscriptions (one WebSocket each, over BENCH_CUSTOMERS customers, each following one
   resource) while BENCH_EVENTS events arrive at BENCH_RATE/s; then BENCH_FANOUT
   subscribers of one topic; latency = client receive time - time the commit returned.
2. webhook first attempt after commit: p50/p99 to a local receiver.
3. webhook deliveries per second: a burst of BENCH_BURST events to one endpoint.

The API (`voipbin api`) and the worker (`voipbin worker`: Temporal worker + outbox
dispatcher) run as their own processes against a fresh database.

    DATABASE_URL=... REDIS_URL=... TEMPORAL_ADDRESS=... python bench/events.py
(defaults: the local PostgreSQL/Redis on 127.0.0.1 and a Temporal at 127.0.0.1:7233).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PASSWORD = "bench-password"  # noqa: S105 (a throwaway bench database)
SUBSCRIPTIONS = int(os.environ.get("BENCH_SUBSCRIPTIONS", "1000"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "10"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000"))
RATE = float(os.environ.get("BENCH_RATE", "100"))
FANOUT = int(os.environ.get("BENCH_FANOUT", "100"))
FAN_EVENTS = int(os.environ.get("BENCH_FAN_EVENTS", "100"))
WEBHOOK_EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "200"))
BURST = int(os.environ.get("BENCH_BURST", "1000"))

SUBSCRIBE = "subscription($t:[String!]!){events(topics:$t){eventId data}}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name: str, seconds: list[float]) -> str:
    ms = [x * 1000 for x in seconds]
    return (
        f"{name:<44} n={len(ms):<6} p50={statistics.median(ms):7.2f} ms  "
        f"p99={pct(ms, 99):7.2f} ms  max={max(ms):7.2f} ms"
    )


async def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as c:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                await c.get(url)
                return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Subscriber:
    def __init__(self, conn: ClientConnection, received: dict[str, float]) -> None:
        self.conn = conn
        self.received = received
        self.task = asyncio.create_task(self.read())

    @classmethod
    async def open(
        cls, ws_url: str, token: str, topic: str, received: dict[str, float]
    ) -> Subscriber:
        conn = await connect(
            ws_url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            max_size=None,
            ping_interval=None,
        )
        await conn.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await conn.recv())
        assert ack["type"] == "connection_ack", ack
        await conn.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": {"t": [topic]}},
                }
            )
        )
        return cls(conn, received)

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.conn:
                now = time.perf_counter()
                msg = orjson.loads(raw)
                if msg["type"] == "ping":
                    await self.conn.send('{"type":"pong"}')
                elif msg["type"] == "next":
                    key = msg["payload"]["data"]["events"]["eventId"] + "/" + str(id(self))
                    self.received[key] = now


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.done = asyncio.Event()
        self.expect = 0
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.arrivals.setdefault(orjson.loads(body)["id"], time.perf_counter())
        if self.expect and len(self.arrivals) >= self.expect:
            self.done.set()
        return Response(status_code=204)


async def main() -> None:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.setdefault("TEMPORAL_ADDRESS", "127.0.0.1:7233")
    env["VOIPBIN_LOG_LEVEL"] = "warning"
    env["VOIPBIN_LIMITS__API_PER_MINUTE"] = "100000000"
    env["VOIPBIN_LIMITS__LOGIN_PER_MINUTE"] = "100000000"
    env["VOIPBIN_EVENTS__WS_MAX_CONNECTIONS_PER_CUSTOMER"] = "100000"
    env["VOIPBIN_WEBHOOKS__ALLOW_CIDRS"] = '["127.0.0.0/8"]'
    env["VOIPBIN_WEBHOOKS__TASK_QUEUE"] = f"webhooks-bench-{uuid.uuid4().hex[:8]}"
    from voipbin.agents.models import Permission
    from voipbin.auth.principal import Principal, RequestMeta
    from voipbin.config import Settings, to_asyncpg_url
    from voipbin.customers.service import CreateCustomer
    from voipbin.db import transaction
    from voipbin.devstack.databases import create_database, drop_database
    from voipbin.events.outbox import emit
    from voipbin.migrations import upgrade_to
    from voipbin.seed import create_platform_admin
    from voipbin.services import build_services
    from voipbin.webhooks.service import WebhookFields

    server_url = to_asyncpg_url(env["DATABASE_URL"])
    db_name = f"voipbin_bench_{uuid.uuid4().hex[:8]}"
    env["DATABASE_URL"] = await create_database(server_url, db_name)
    procs: list[subprocess.Popen[bytes]] = []
    stop_receiver = asyncio.Event()
    try:
        await asyncio.to_thread(upgrade_to, env["DATABASE_URL"], "head")
        os.environ.update({k: v for k, v in env.items() if k.startswith("VOIPBIN_")})
        settings = Settings(
            database_url=env["DATABASE_URL"],
            redis_url=env["REDIS_URL"],
            temporal_address=env["TEMPORAL_ADDRESS"],
        )
        api_port = free_port()
        procs.append(
            subprocess.Popen(
                [PY, "-m", "voipbin", "api", "--port", str(api_port)], env=env, cwd=ROOT
            )
        )
        procs.append(subprocess.Popen([PY, "-m", "voipbin", "worker"], env=env, cwd=ROOT))
        await wait_http(f"http://127.0.0.1:{api_port}/health")
        services = build_services(settings)
        await create_platform_admin(settings, "bench-admin", "bench-password")
        http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{api_port}", timeout=60)

        async def login(user: str, password: str) -> dict[str, Any]:
            q = (
                "mutation($u:String!,$p:String!){login(username:$u,password:$p)"
                "{token customer{id}}}"
            )
            r = await http.post(
                "/graphql", json={"query": q, "variables": {"u": user, "p": password}}
            )
            return r.json()["data"]["login"]  # type: ignore[no-any-return]

        admin = await login("bench-admin", "bench-password")
        root = Principal(
            customer_id=uuid.UUID(admin["customer"]["id"]), permission=Permission.PLATFORM_ADMIN
        )
        tenants: list[tuple[str, str]] = []
        for i in range(CUSTOMERS):
            user = f"bench-{i}-{uuid.uuid4().hex[:6]}"
            await services.customers.create(
                root,
                RequestMeta(),
                CreateCustomer(
                    name=f"bench {i}",
                    email=f"{user}@example.com",
                    admin_username=user,
                    admin_password=PASSWORD,
                ),
            )
            who = await login(user, "bench-password")
            tenants.append((who["customer"]["id"], who["token"]))

        # 1. event → subscription client, with SUBSCRIPTIONS open subscriptions, each
        #    following one resource (fan-out 1), then FANOUT subscribers of one topic
        ws_url = f"ws://127.0.0.1:{api_port}/graphql"
        received: dict[str, float] = {}
        subs: list[Subscriber] = []
        targets: list[tuple[str, uuid.UUID]] = []
        for n in range(SUBSCRIPTIONS):
            cid, token = tenants[n % len(tenants)]
            resource = uuid.uuid4()
            subs.append(
                await Subscriber.open(
                    ws_url, token, f"customer_id:{cid}:bench:{resource}", received
                )
            )
            targets.append((cid, resource))
        await asyncio.sleep(1.0)

        async def run_events(count: int, pace: float, pick: Any) -> list[float]:
            """Commits `count` events `pace` s apart; the latencies of all deliveries."""
            committed: dict[str, float] = {}
            for n in range(count):
                cid, resource = pick(n)
                async with transaction(services.sessions) as session:
                    event = await emit(
                        session,
                        customer_id=uuid.UUID(cid),
                        event_type="bench_updated",
                        resource_type="bench",
                        resource_id=resource,
                        data={"n": n},
                    )
                committed[str(event.event_id)] = time.perf_counter()
                await asyncio.sleep(pace)
            await asyncio.sleep(3.0)  # stragglers
            return [
                t - committed[k.split("/")[0]]
                for k, t in received.items()
                if k.split("/")[0] in committed
            ]

        latencies = await run_events(EVENTS, 1 / RATE, lambda n: targets[n % len(targets)])
        print(
            f"open subscriptions: {len(subs)} over {len(tenants)} customers; events: {EVENTS} "
            f"at ~{RATE}/s, each to one subscriber; received {len(latencies)}"
        )
        print(
            summary("event committed -> subscription client", latencies) + "  (target p99 <= 50 ms)"
        )
        received.clear()
        cid0, token0 = tenants[0]
        fans = [
            await Subscriber.open(ws_url, token0, f"customer_id:{cid0}:bench", received)
            for _ in range(FANOUT)
        ]
        await asyncio.sleep(1.0)
        fan_latencies = await run_events(FAN_EVENTS, 0.1, lambda n: (cid0, uuid.uuid4()))
        print(summary(f"same, one event to {FANOUT} subscribers", fan_latencies))
        for s in subs + fans:
            await s.conn.close()
        await asyncio.sleep(2.0)  # let the API finish before the webhook figures

        # 2. webhook first attempt after commit, and 3. deliveries per second
        receiver = Receiver()
        rport = free_port()
        config = Config()
        config.bind = [f"127.0.0.1:{rport}"]
        config.accesslog = None
        rtask = asyncio.create_task(
            serve(receiver.app, config, shutdown_trigger=stop_receiver.wait)
        )  # type: ignore[arg-type]
        await wait_http(f"http://127.0.0.1:{rport}/hook")
        cid, _ = tenants[0]
        owner = Principal(customer_id=uuid.UUID(cid), permission=Permission.CUSTOMER_ADMIN)
        await services.webhooks.create(
            owner,
            RequestMeta(),
            WebhookFields(uri=f"http://127.0.0.1:{rport}/hook", event_types=["bench_hooked"]),
        )
        first: dict[str, float] = {}
        for n in range(WEBHOOK_EVENTS):
            async with transaction(services.sessions) as session:
                event = await emit(
                    session,
                    customer_id=uuid.UUID(cid),
                    event_type="bench_hooked",
                    resource_type="bench",
                    resource_id=uuid.uuid4(),
                    data={"n": n},
                )
            first[str(event.event_id)] = time.perf_counter()
            await asyncio.sleep(0.1)  # ~10 events/s: the delay itself, not a queue behind it
        deadline = time.monotonic() + 60
        while (
            len([k for k in first if k in receiver.arrivals]) < len(first)
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.1)
        delays = [receiver.arrivals[k] - t for k, t in first.items() if k in receiver.arrivals]
        print(summary("webhook first attempt after commit", delays) + "  (target p50 <= 100 ms)")

        receiver.arrivals.clear()
        receiver.done.clear()
        receiver.expect = BURST
        started = time.perf_counter()
        async with transaction(services.sessions) as session:
            for n in range(BURST):
                await emit(
                    session,
                    customer_id=uuid.UUID(cid),
                    event_type="bench_hooked",
                    resource_type="bench",
                    resource_id=uuid.uuid4(),
                    data={"n": n},
                )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(receiver.done.wait(), 300)
        elapsed = time.perf_counter() - started
        print(
            f"{'webhook deliveries per second (burst)':<44} n={len(receiver.arrivals):<6} "
            f"{len(receiver.arrivals) / elapsed:7.1f} deliveries/s over {elapsed:.1f} s"
        )
        stop_receiver.set()
        await rtask
        await http.aclose()
        await services.close()
    finally:
        stop_receiver.set()
        for p in procs:
            p.terminate()
        for p in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(15)
        await drop_database(server_url, db_name)


if __name__ == "__main__":
    asyncio.run(main())
