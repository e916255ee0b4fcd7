"""Calls end to end: createCall latency, sustained call set-ups through Temporal beside the
raw limit of the same server and one worker, live calls held with RSS per 1,000, and
flow action step latency.

    PYTHONPATH=. DATABASE_URL=<migrated db> REDIS_URL=... TEMPORAL_ADDRESS=... \
        .venv/bin/python bench/calls.py

Knobs (environment): BENCH_CREATE (createCall requests, 200, back to back and then at
BENCH_CREATE_RATE per second, 10), BENCH_SETUPS (calls for the set-up rate, 200), BENCH_RAW (raw workflows, 300), BENCH_LIVE (calls held, 1000),
BENCH_STEPS (actions in the step-latency flow, 30); 0 skips a part. BENCH_PROFILE=<file>
writes a cProfile of the set-ups part there (`python -m pstats <file>`). Prints figures,
the load average and ARI signals per set-up; asserts nothing.
As deployed, the API is its own process (`voipbin api`: Hypercorn + uvloop); the calls
worker (configured as `voipbin worker` runs it) and the bridge share this one; the
simulator is a third, and the customer's createCall requests come from a fourth (in
this one, the worker's work would delay reading the responses). RSS and CPU are reported
per process, with the whole machine's busy cores and top CPU users per set-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import sqlalchemy as sa
import uvloop
from sqlmodel import col
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from activities.calls import CallActivities
from activities.telephony import TelephonyActivities
from tests.api.conftest import Api, new_tenant
from tests.helpers.ports import free_port
from voipbin.bridge.run import TelephonyBridge
from voipbin.calls.models import Call
from voipbin.config import AriSettings, Settings
from voipbin.logging import configure_logging
from voipbin.seed import create_platform_admin
from voipbin.services import build_services
from voipbin.telephony_nodes import AriPool
from voipbin.temporal_client import DATA_CONVERTER
from voipbin.tts.espeak import EspeakTts
from workflows.ids import call_workflow_id
from workflows.registry import calls_worker
from workflows.telephony_signals import AriEventSignal

ROOT = Path(__file__).resolve().parents[1]
CREATE = int(os.environ.get("BENCH_CREATE", "200"))
SETUPS = int(os.environ.get("BENCH_SETUPS", "200"))
RAW = int(os.environ.get("BENCH_RAW", "300"))
LIVE = int(os.environ.get("BENCH_LIVE", "1000"))
STEPS = int(os.environ.get("BENCH_STEPS", "30"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
# createCall latency is measured twice: back to back (each call set up meanwhile loads
# the machine: with 2 cores that is a saturation test) and at a steady rate
PACED_PER_SECOND = float(os.environ.get("BENCH_CREATE_RATE", "10"))
CONCURRENCY = 20
STEP_SLEEP_MS = 10

CREATE_CALL = "mutation($i:CreateCallInput!){createCall(input:$i){id}}"


def pct(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


# -- the raw limit: start → one activity → one signal → complete ---------------------------


@activity.defn(name="bench.noop")
async def noop(value: str) -> str:
    return value


@workflow.defn(name="BenchRawWorkflow", sandboxed=False)
class RawWorkflow:
    def __init__(self) -> None:
        self.signalled = False

    @workflow.signal
    def go(self) -> None:
        self.signalled = True

    @workflow.run
    async def run(self, value: str) -> str:
        await workflow.execute_activity(noop, value, start_to_close_timeout=timedelta(seconds=10))
        await workflow.wait_condition(lambda: self.signalled)
        return value


async def raw_rate(client: Client) -> float:
    queue = f"bench-raw-{uuid.uuid4().hex[:6]}"
    async with Worker(client, task_queue=queue, workflows=[RawWorkflow], activities=[noop]):
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> None:
            async with semaphore:
                handle = await client.start_workflow(
                    RawWorkflow.run, str(i), id=f"bench-raw-{queue}-{i}", task_queue=queue
                )
                await handle.signal(RawWorkflow.go)
                await handle.result()

        machine = MachineCpu()
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(RAW)))
        rate = RAW / (time.perf_counter() - started)
        print(f"during the raw limit: {machine.report(RAW)}")
        return rate


# -- the stack ---------------------------------------------------------------------------


async def main() -> None:
    configure_logging("warning", False)
    port = free_port()
    node = f"call-{uuid.uuid4().hex[:6]}"
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "telephony.simulator",
            "--nodes",
            f"{node}:{port}",
            "--answer-delay",
            "0.2",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = Settings()
    settings = base.model_copy(
        deep=True,
        update={
            "ari": AriSettings(
                nodes=f"call:{node}=http://127.0.0.1:{port}",
                probe_interval_seconds=0.2,
                node_state_ttl_seconds=10.0,
            )
        },
    )
    settings.calls.task_queue = f"calls-bench-{uuid.uuid4().hex[:6]}"
    settings.calls.tts_dir = ROOT / ".voipbin" / "tts"
    settings.limits.call_create_per_minute = 1_000_000
    settings.limits.api_per_minute = 1_000_000
    services = build_services(settings, worker=True)  # as `voipbin worker` has them
    pool = AriPool(settings.ari, services.redis)
    client = await services.temporal()
    activities = [
        *TelephonyActivities(pool, services.redis).all(),
        *CallActivities(
            services.sessions,
            EspeakTts(settings.calls.tts_dir),
            services.customer_http,
            services.url_guard,
            services.flow_actions,
            services.route_number,
            services.calls.place,
            services.activeflows.start_on_complete,
        ).all(),
    ]
    worker = calls_worker(client, settings, activities)
    bridge = TelephonyBridge(
        pool, services.sessions, client, on_inbound=services.calls.inbound_starter(client)
    )
    tasks = [asyncio.create_task(worker.run()), asyncio.create_task(bridge.run())]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    me = psutil.Process()
    try:
        async with asyncio.timeout(30):
            while not await pool.dispatcher.healthy("call"):
                await asyncio.sleep(0.1)
        async with (
            api_process(settings) as (url, api_proc),
            httpx.AsyncClient(base_url=url, timeout=60) as http,
        ):
            api = Api(http)
            root_user = f"root-{uuid.uuid4().hex[:6]}"
            await create_platform_admin(settings, root_user, "root-password-123")
            root = f"Bearer {(await api.login(root_user, 'root-password-123'))['token']}"
            tenant = await new_tenant(api, root)

            def request(actions: list[dict[str, Any]], n: int) -> dict[str, Any]:
                return {
                    "i": {
                        "source": {"type": "TEL", "target": "+15550000001"},
                        "destinations": [{"type": "TEL", "target": f"+1555{n:07d}"}],
                        "actions": actions,
                    }
                }

            # 1. createCall latency (sequential, to response), from a client process of
            # its own: in this one, the worker's work would delay reading the responses
            if CREATE:
                latencies, ids = await in_client_process(
                    url, tenant.auth, [{"type": "hangup"}], 0, CREATE, 1
                )
                print(
                    f"createCall to response, back to back: p50 {pct(latencies, 0.5):.1f} ms, "
                    f"p99 {pct(latencies, 0.99):.1f} ms ({CREATE} sequential)"
                )
                await wait_hung_up(services, ids)
                latencies, ids = await in_client_process(
                    url, tenant.auth, [{"type": "hangup"}], 50_000, CREATE, 1, PACED_PER_SECOND
                )
                print(
                    f"createCall to response at {PACED_PER_SECOND:g} calls/s: "
                    f"p50 {pct(latencies, 0.5):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms "
                    f"({CREATE} requests)"
                )
                await wait_hung_up(services, ids)

            # 2. sustained set-ups: API → Temporal → simulator → answered → hangup done
            semaphore = asyncio.Semaphore(CONCURRENCY)
            if SETUPS:
                stats = bridge.bridge.stats
                received, signalled = stats.received, stats.signalled
                profile = cProfile.Profile() if PROFILE else None
                if profile is not None:
                    profile.enable()
                cpu, sim_cpu = cpu_seconds(me), cpu_seconds(psutil.Process(sim.pid))
                api_cpu = cpu_seconds(api_proc)
                machine = MachineCpu()
                started = time.perf_counter()
                _, setup_ids = await in_client_process(
                    url, tenant.auth, [{"type": "hangup"}], 100_000, SETUPS, CONCURRENCY
                )
                await wait_hung_up(services, setup_ids)
                rate = SETUPS / (time.perf_counter() - started)
                cpu = (cpu_seconds(me) - cpu) / SETUPS * 1000
                sim_cpu = (cpu_seconds(psutil.Process(sim.pid)) - sim_cpu) / SETUPS * 1000
                api_cpu = (cpu_seconds(api_proc) - api_cpu) / SETUPS * 1000
                print(f"during set-ups: {machine.report(SETUPS)}")
                if profile is not None:
                    profile.disable()
                    profile.dump_stats(PROFILE)
                print(
                    f"ARI events per set-up: {(stats.received - received) / SETUPS:.1f} read, "
                    f"{(stats.signalled - signalled) / SETUPS:.1f} signalled to Temporal; CPU per "
                    f"set-up: API {api_cpu:.0f} ms, worker+bridge {cpu:.0f} ms, "
                    f"simulator {sim_cpu:.0f} ms"
                )
                raw = await raw_rate(client) if RAW else 0.0
                print(
                    f"call set-ups (create → answered → flow → hangup stored): {rate:.1f}/s; "
                    f"raw limit of this Temporal + one worker (start → activity → signal → "
                    f"complete): {raw:.1f}/s; ratio {rate / raw if raw else 0:.2f}"
                )

            # 3. live calls held, RSS per 1,000
            if LIVE:
                rss_before = me.memory_info().rss
                api_before = api_proc.memory_info().rss
                sim_before = psutil.Process(sim.pid).memory_info().rss
                live_ids: list[str] = []

                async def hold(n: int) -> None:
                    async with semaphore:
                        body = await api.ok(
                            CREATE_CALL,
                            request(
                                [{"type": "sleep", "option": {"duration": 3_600_000}}], 200_000 + n
                            ),
                            auth=tenant.auth,
                        )
                        live_ids.append(body["createCall"][0]["id"])

                started = time.perf_counter()
                await asyncio.gather(*(hold(n) for n in range(LIVE)))
                live = await wait_status(services, live_ids, "progressing")
                held = time.perf_counter() - started
                rss = (me.memory_info().rss - rss_before) / max(live, 1) * 1000 / 2**20
                api_rss = (api_proc.memory_info().rss - api_before) / max(live, 1) * 1000 / 2**20
                sim_rss = (
                    (psutil.Process(sim.pid).memory_info().rss - sim_before)
                    / max(live, 1)
                    * 1000
                    / 2**20
                )
                print(
                    f"live calls held: {live} of {LIVE} (set up in {held:.1f} s); RSS per 1,000 "
                    f"live calls: worker+bridge {rss:.1f} MiB, API {api_rss:.1f} MiB, "
                    f"simulator {sim_rss:.1f} MiB (whole processes now: worker+bridge "
                    f"{me.memory_info().rss / 2**20:.0f} MiB, API "
                    f"{api_proc.memory_info().rss / 2**20:.0f} MiB)"
                )
                for call_id in live_ids:
                    with contextlib.suppress(Exception):
                        await client.get_workflow_handle(call_workflow_id(call_id)).terminate(
                            "bench done"
                        )

            # 4. flow action step latency: an action that waits for an ARI event (beep:
            # play, then PlaybackFinished) → the next action's request at the node: bridge,
            # signal, workflow task, the next action's local activity
            if STEPS:
                body = await api.ok(
                    CREATE_CALL,
                    request([{"type": "beep"}] * STEPS + [{"type": "hangup"}], 300_000),
                    auth=tenant.auth,
                )
                call_id = body["createCall"][0]["id"]
                await wait_hung_up(services, [call_id])
                steps = await step_latencies(client, f"http://127.0.0.1:{port}", call_id)
                print(
                    f"flow action step latency (PlaybackFinished at the node → the next "
                    f"action's request there): p50 {pct(steps, 0.5):.1f} ms, "
                    f"p99 {pct(steps, 0.99):.1f} ms over {len(steps)} steps"
                )
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await pool.aclose()
        await services.close()
        sim.terminate()
        sim.wait(10)


@contextlib.asynccontextmanager
async def api_process(settings: Settings) -> AsyncIterator[tuple[str, psutil.Process]]:
    """`voipbin api` on a free port with this run's settings; its URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "VOIPBIN_CALLS__TASK_QUEUE": settings.calls.task_queue,
        "VOIPBIN_LIMITS__CALL_CREATE_PER_MINUTE": str(settings.limits.call_create_per_minute),
        "VOIPBIN_LIMITS__API_PER_MINUTE": str(settings.limits.api_per_minute),
        "VOIPBIN_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "voipbin", "api", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(60), httpx.AsyncClient(base_url=url) as probe:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await probe.get("/health")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield url, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)


class MachineCpu:
    """CPU seconds of every process on the machine between two points, grouped by name
    (Temporal server, PostgreSQL, ...), and how busy the machine was: tells whether a
    rate is bound by CPU or by waiting."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._busy = self._machine_busy()
        self._procs = self._snapshot()

    @staticmethod
    def _machine_busy() -> float:
        times = psutil.cpu_times()
        return float(times.user + times.system + getattr(times, "nice", 0.0))

    @staticmethod
    def _snapshot() -> dict[int, tuple[str, float]]:
        snapshot = {}
        for proc in psutil.process_iter(["name", "cpu_times"]):
            times = proc.info["cpu_times"]
            if times is not None:
                snapshot[proc.pid] = (proc.info["name"] or "?", times.user + times.system)
        return snapshot

    def report(self, per: int) -> str:
        """Busy cores and the top CPU users in ms per unit of work (`per` units)."""
        wall = time.perf_counter() - self._wall
        busy = (self._machine_busy() - self._busy) / wall
        by_name: dict[str, float] = {}
        for pid, (name, after) in self._snapshot().items():
            before = self._procs.get(pid, (name, 0.0))[1]
            by_name[name] = by_name.get(name, 0.0) + after - before
        top = sorted(by_name.items(), key=lambda item: -item[1])[:5]
        parts = ", ".join(f"{name} {seconds / per * 1000:.0f}" for name, seconds in top)
        return f"{busy:.2f} of {psutil.cpu_count()} cores busy; ms CPU per unit: {parts}"


def _client_main(
    url: str,
    auth: str,
    actions: list[dict[str, Any]],
    first: int,
    count: int,
    concurrency: int,
    per_second: float,
    out: Any,
) -> None:
    """The customer: `count` createCall requests, `concurrency` at a time and, with
    `per_second`, started at that rate; sends back each latency (ms) and call id."""

    async def run() -> tuple[list[float], list[str]]:
        latencies: list[float] = []
        ids: list[str] = []
        semaphore = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:

            async def one(n: int) -> None:
                body = {
                    "query": CREATE_CALL,
                    "variables": {
                        "i": {
                            "source": {"type": "TEL", "target": "+15550000001"},
                            "destinations": [{"type": "TEL", "target": f"+1555{n:07d}"}],
                            "actions": actions,
                        }
                    },
                }
                async with semaphore:
                    started = time.perf_counter()
                    response = await http.post(
                        "/graphql", json=body, headers={"Authorization": auth}
                    )
                    latencies.append((time.perf_counter() - started) * 1000)
                answer = response.json()
                assert "errors" not in answer, answer
                ids.append(answer["data"]["createCall"][0]["id"])

            if per_second:
                tasks = []
                for n in range(count):
                    tasks.append(asyncio.create_task(one(first + n)))
                    await asyncio.sleep(1 / per_second)
                await asyncio.gather(*tasks)
            else:
                await asyncio.gather(*(one(first + n) for n in range(count)))
        return latencies, ids

    uvloop.install()
    out.put(asyncio.run(run()))


async def in_client_process(
    url: str,
    auth: str,
    actions: list[dict[str, Any]],
    first: int,
    count: int,
    concurrency: int,
    per_second: float = 0.0,
) -> tuple[list[float], list[str]]:
    """Runs `_client_main` in a process of its own, as a customer's client is."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(
        target=_client_main,
        args=(url, auth, actions, first, count, concurrency, per_second, out),
    )
    process.start()
    result: tuple[list[float], list[str]] = await asyncio.to_thread(out.get)
    await asyncio.to_thread(process.join)
    return result


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def wait_status(services: Any, ids: list[str], status: str, limit: float = 600.0) -> int:
    """Until every call is in `status` (or hung up, when waiting for another status), at
    most `limit` seconds; the number in `status`."""
    uuids = [uuid.UUID(i) for i in ids]
    deadline = time.monotonic() + limit
    while True:
        async with services.sessions() as session:
            rows = await session.execute(
                sa.select(col(Call.status), sa.func.count())
                .where(col(Call.id).in_(uuids))
                .group_by(col(Call.status))
            )
            counts = {status: int(n) for status, n in rows.all()}
        settled = counts.get(status, 0) + (counts.get("hangup", 0) if status != "hangup" else 0)
        if settled >= len(ids) or time.monotonic() > deadline:
            return int(counts.get(status, 0))
        await asyncio.sleep(0.5)


async def wait_hung_up(services: Any, ids: list[str]) -> None:
    await wait_status(services, ids, "hangup")


async def step_latencies(client: Client, node_url: str, call_id: str) -> list[float]:
    """For each PlaybackFinished the call's workflow heard (its ARI timestamp), the time
    until the node received the next play request (its request log)."""
    history = await client.get_workflow_handle(call_workflow_id(call_id)).fetch_history()
    finished: list[datetime] = []
    for event in history.events:
        if event.HasField("workflow_execution_signaled_event_attributes"):
            attrs = event.workflow_execution_signaled_event_attributes
            [signal] = await DATA_CONVERTER.decode(attrs.input.payloads, [AriEventSignal])
            if signal.event_type == "PlaybackFinished":
                finished.append(_ari_time(signal.timestamp))
    async with httpx.AsyncClient(base_url=node_url) as sim:
        log = (await sim.get("/sim/requests")).json()
    plays = sorted(
        _ari_time(r["at"])
        for r in log
        if r["method"] == "POST" and r["path"].startswith(f"/ari/channels/{call_id}/play")
    )
    return [
        (next(p for p in plays if p >= done) - done).total_seconds() * 1000
        for done in finished
        if any(p >= done for p in plays)
    ]


def _ari_time(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")


if __name__ == "__main__":
    # uvloop, as `voipbin api`, `voipbin worker` and `voipbin bridge` run
    uvloop.install()
    asyncio.run(main())
