"""API latency over real HTTP: `me`, a cached single-resource query, and login.

Prints p50/p95/p99 and requests/s at concurrency 1 and 32, beside a tuned bare
Strawberry app (ParserCache + ValidationCache, Hypercorn + uvloop) answering a constant,
measured in the same run (DESIGN §12: our cached read should cost at most 1.5x it).

    DATABASE_URL=... REDIS_URL=... TEMPORAL_ADDRESS=... python bench/api_latency.py
(defaults: the local PostgreSQL/Redis on 127.0.0.1 and a Temporal at 127.0.0.1:7233).
Nothing is asserted: the figures are for the issue note.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))

BARE_APP = textwrap.dedent(
    """
    import asyncio, strawberry, uvloop
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from strawberry.asgi import GraphQL
    from strawberry.extensions import ParserCache, ValidationCache

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    schema = strawberry.Schema(Query, extensions=[lambda: ParserCache(), lambda: ValidationCache()])
    config = Config(); config.bind = ["127.0.0.1:%d"]; config.accesslog = None
    uvloop.install(); asyncio.run(serve(GraphQL(schema), config))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as c:
        while time.monotonic() < deadline:
            try:
                await c.get(url)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def measure(
    url: str, body: dict, headers: dict[str, str], concurrency: int, n: int
) -> tuple[list[float], float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(50):  # warm caches and connections
            (await client.post(url, json=body, headers=headers)).raise_for_status()
        latencies: list[float] = []
        per_worker = n // concurrency

        async def worker() -> None:
            for _ in range(per_worker):
                t0 = time.perf_counter()
                resp = await client.post(url, json=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                if resp.status_code != 200 or "errors" in resp.json():
                    raise RuntimeError(resp.text)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, len(latencies) / elapsed


def line(name: str, conc: int, lat: list[float], rps: float) -> str:
    ms = [x * 1000 for x in lat]
    return (
        f"{name:<28} c={conc:<3} p50={statistics.median(ms):6.2f} ms  p95={pct(ms, 95):6.2f} ms  "
        f"p99={pct(ms, 99):6.2f} ms  {rps:8.0f} req/s"
    )


async def main() -> None:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.setdefault("TEMPORAL_ADDRESS", "127.0.0.1:7233")
    env["VOIPBIN_LOG_LEVEL"] = "warning"
    env["VOIPBIN_LIMITS__API_PER_MINUTE"] = "100000000"  # measure the API, not the limiter
    env["VOIPBIN_LIMITS__LOGIN_PER_MINUTE"] = "100000000"
    from voipbin.config import to_asyncpg_url
    from voipbin.devstack.databases import create_database, drop_database
    from voipbin.migrations import upgrade_to

    server_url = to_asyncpg_url(env["DATABASE_URL"])
    db_name = f"voipbin_bench_{uuid.uuid4().hex[:8]}"
    env["DATABASE_URL"] = await create_database(server_url, db_name)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        await asyncio.to_thread(upgrade_to, env["DATABASE_URL"], "head")
        api_port, bare_port = free_port(), free_port()
        procs.append(
            subprocess.Popen(
                [PY, "-m", "voipbin", "api", "--port", str(api_port)], env=env, cwd=ROOT
            )
        )
        procs.append(subprocess.Popen([PY, "-c", BARE_APP % bare_port], cwd=ROOT))
        api = f"http://127.0.0.1:{api_port}/graphql"
        bare = f"http://127.0.0.1:{bare_port}/graphql"
        await wait_http(f"http://127.0.0.1:{api_port}/health")
        await wait_http(bare)
        from voipbin.config import Settings
        from voipbin.seed import create_platform_admin

        settings = Settings(database_url=env["DATABASE_URL"], redis_url=env["REDIS_URL"])
        await create_platform_admin(settings, "bench-admin", "bench-password")
        async with httpx.AsyncClient() as c:
            login_body = {
                "query": 'mutation{login(username:"bench-admin",password:"bench-password"){token}}'
            }
            token = (await c.post(api, json=login_body)).json()["data"]["login"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        print(f"requests per figure: {REQUESTS}")
        for conc in (1, 32):
            lat, rps = await measure(bare, {"query": "{ hello }"}, {}, conc, REQUESTS)
            print(line("bare strawberry (baseline)", conc, lat, rps))
            base = statistics.median(lat)
            lat, rps = await measure(
                api, {"query": "{ customer { id name } }"}, auth, conc, REQUESTS
            )
            print(
                line("cached customer query", conc, lat, rps)
                + f"  ({statistics.median(lat) / base:.2f}x baseline)"
            )
            lat, rps = await measure(
                api,
                {"query": "{ me { customer { id } agent { id username } permissions } }"},
                auth,
                conc,
                REQUESTS,
            )
            print(line("me", conc, lat, rps))
        lat, rps = await measure(api, login_body, {}, 1, 100)
        print(line("login (argon2)", 1, lat, rps))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        await drop_database(server_url, db_name)


if __name__ == "__main__":
    asyncio.run(main())
