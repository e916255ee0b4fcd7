"""Event latency simulator → bridge → Temporal signal (p50/p99), and bridge throughput.

The simulator runs as its own process (two call nodes); the bridge, its sentinel and a
Temporal worker with a minimal `CallWorkflow` stand-in run here. `--calls` inbound calls
are placed (each starts its workflow through the bridge's signal-with-start), then
ChannelDtmfReceived events are injected through `/sim/events`. A latency is from just
before the injecting POST to the moment Temporal accepted the signal (the bridge's
`on_signalled` hook): socket, routing, Redis dedupe and the signal RPC. First one event
at a time (idle latency), then bursts spread over the calls (latency under load).

Run (PostgreSQL, Redis and Temporal as for the tests):
  DATABASE_URL=... REDIS_URL=... TEMPORAL_ADDRESS=127.0.0.1:7233 \\
  .venv/bin/python bench/bridge.py [--calls 50] [--events 300] [--burst 2000]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from temporalio import workflow
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from voipbin.bridge.inbound import InboundStarter
from voipbin.bridge.router import Routed
from voipbin.bridge.run import TelephonyBridge
from voipbin.config import AriSettings, Settings
from voipbin.logging import configure_logging
from voipbin.services import build_services
from voipbin.telephony_nodes import AriPool
from workflows.ids import call_workflow_id
from workflows.telephony_signals import ARI_EVENT_SIGNAL, AriEventSignal, call_id_for_channel

ROOT = Path(__file__).resolve().parents[1]


@workflow.defn(name="CallWorkflow", sandboxed=False)
class BenchCallWorkflow:
    """Counts signals until its channel is destroyed: the cheapest possible receiver."""

    def __init__(self) -> None:
        self.count = 0
        self.gone = False

    @workflow.run
    async def run(self, input: dict[str, Any] | None = None) -> int:
        await workflow.wait_condition(lambda: self.gone)
        return self.count

    @workflow.signal(name=ARI_EVENT_SIGNAL)
    def ari_event(self, signal: AriEventSignal) -> None:
        self.count += 1
        self.gone = self.gone or signal.event_type in ("ChannelDestroyed", "StasisEnd")


async def no_owner() -> uuid.UUID | None:
    return None  # node events need a platform customer; the benchmark records none


def telephony_workflow_id(channel_id: str, node: str) -> str:
    return call_workflow_id(call_id_for_channel(channel_id, node))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def wait_listening(port: int) -> None:
    for _ in range(500):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        return
    raise RuntimeError("simulator did not start")


def dtmf_event(channel_id: str, serial: int) -> bytes:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"
    return orjson.dumps(
        {
            "type": "ChannelDtmfReceived",
            "timestamp": stamp,
            "application": "voipbin",
            "digit": "5",
            "duration_ms": serial,  # makes every event distinct (the dedupe key)
            "channel": {"id": channel_id, "name": f"PJSIP/bench-{serial}", "state": "Up"},
        }
    )


class Clock:
    """Injection times by serial; the bridge hook closes them."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}
        self.latencies: dict[int, float] = {}
        self.inside: dict[int, float] = {}  # socket read → signal accepted
        self.done: dict[int, asyncio.Event] = {}

    async def on_signalled(self, routed: Routed, received_at: float) -> None:
        signal = routed.signal
        if signal.event_type != "ChannelDtmfReceived":
            return
        serial = signal.duration_ms
        if serial in self.sent:
            now = time.perf_counter()
            self.latencies[serial] = now - self.sent[serial]
            self.inside[serial] = now - received_at
            self.done.setdefault(serial, asyncio.Event()).set()


def report(title: str, values: list[float], elapsed: float | None = None) -> None:
    ms = [v * 1000 for v in values]
    line = (
        f"  {title:<34} n={len(ms):5d}  p50 {percentile(ms, 0.5):7.2f} ms"
        f"  p99 {percentile(ms, 0.99):7.2f} ms  max {max(ms):7.2f} ms"
    )
    if elapsed:
        line += f"  {len(ms) / elapsed:7.0f} events/s"
    print(line, flush=True)


async def run(calls: int, events: int, burst: int, concurrency: int) -> None:
    ports = [free_port(), free_port()]
    names = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in (1, 2)]
    nodes_arg = ",".join(f"{n}:{p}" for n, p in zip(names, ports, strict=True))
    recordings = Path(tempfile.mkdtemp(prefix="voipbin-bench-"))
    sim = subprocess.Popen(
        [sys.executable, "-m", "telephony.simulator", "--nodes", nodes_arg,
         "--recordings-dir", str(recordings)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    settings = Settings(log_level="warning")
    configure_logging(settings.log_level, settings.log_json)
    settings.ari = AriSettings(
        nodes=",".join(f"call:{n}=http://127.0.0.1:{p}" for n, p in zip(names, ports, strict=True)),
        probe_interval_seconds=0.5,
    )
    services = build_services(settings)
    clock = Clock()
    try:
        for port in ports:
            await wait_listening(port)
        client = await services.temporal()
        queue = f"bench-bridge-{uuid.uuid4().hex[:8]}"
        pool = AriPool(settings.ari, services.redis)
        telephony = TelephonyBridge(
            pool,
            services.sessions,
            client,
            on_inbound=InboundStarter(client, queue),
            owner=no_owner,
            on_signalled=clock.on_signalled,
        )
        worker = Worker(
            client,
            task_queue=queue,
            workflows=[BenchCallWorkflow],
            workflow_runner=UnsandboxedWorkflowRunner(),
            max_concurrent_workflow_tasks=200,
        )
        async with worker, httpx.AsyncClient(timeout=30) as http:
            task = asyncio.create_task(telephony.run())
            async with asyncio.timeout(20):
                await telephony.bridge.wait_connected()
            base = f"http://127.0.0.1:{ports[0]}"
            channel_ids = []
            for _ in range(calls):
                response = await http.post(
                    f"{base}/sim/inbound",
                    json={"from": "+15550001111", "to": "+15559990000", "script": []},
                )
                channel_ids.append(response.json()["channel_id"])
            async with asyncio.timeout(60):
                while telephony.bridge.stats.started < calls:
                    await asyncio.sleep(0.05)

            async def inject(serial: int) -> None:
                channel = channel_ids[serial % len(channel_ids)]
                clock.done[serial] = asyncio.Event()
                clock.sent[serial] = time.perf_counter()
                await http.post(f"{base}/sim/events", content=dtmf_event(channel, serial))
                await clock.done[serial].wait()

            print(f"bridge benchmark: {calls} live calls on {names[0]}, Temporal at "
                  f"{settings.temporal_address}", flush=True)  # fmt: skip
            for serial in range(1, events + 1):
                await inject(serial)
            report("one event at a time", [clock.latencies[s] for s in range(1, events + 1)])
            report("  of which in the bridge", [clock.inside[s] for s in range(1, events + 1)])

            # Baseline: the bare signal RPC, same client, same server, same moment.
            handle = client.get_workflow_handle(telephony_workflow_id(channel_ids[0], names[0]))
            bare = []
            for serial in range(events):
                signal = AriEventSignal("ChannelDtmfReceived", names[0], channel_ids[0],
                                        f"bare-{serial}", digit="5")  # fmt: skip
                begin = time.perf_counter()
                await handle.signal(ARI_EVENT_SIGNAL, signal)
                bare.append(time.perf_counter() - begin)
            report("baseline: bare signal RPC", bare)

            gate = asyncio.Semaphore(concurrency)

            async def limited(serial: int) -> None:
                async with gate:
                    await inject(serial)

            first = events + 1
            started = time.perf_counter()
            await asyncio.gather(*(limited(s) for s in range(first, first + burst)))
            elapsed = time.perf_counter() - started
            report(
                f"burst, {concurrency} in flight",
                [clock.latencies[s] for s in range(first, first + burst)],
                elapsed,
            )
            report(
                "  of which in the bridge", [clock.inside[s] for s in range(first, first + burst)]
            )
            stats = telephony.bridge.stats
            print(f"  bridge stats: {stats}", flush=True)

            async with httpx.AsyncClient(
                base_url=f"{base}/ari", auth=("voipbin", "voipbin"), timeout=30
            ) as ari:
                for channel in channel_ids:
                    await ari.delete(f"/channels/{channel}")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await pool.aclose()
    finally:
        sim.terminate()
        sim.wait(10)
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.events, args.burst, args.concurrency))


if __name__ == "__main__":
    main()
