"""Simulator capacity: originate rate, live channels held on one core, RSS per 1,000
live channels, and event latency simulator → client WebSocket (p50/p99).

Run: .venv/bin/python bench/simulator.py [--calls 3000] [--concurrency 100]
Prints figures; asserts nothing; bounded to well under 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
import websockets

from telephony.ari import AriClient, AriNode, EventStream, NodeRegistry
from telephony.ari.events import ChannelVarset

ROOT = Path(__file__).resolve().parents[1]
USER = "voipbin"


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


class RawHttp:
    """A bare keep-alive HTTP/1.1 connection: httpx + pydantic would cap the rate at
    what this client, not the simulator, can do."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.auth = base64.b64encode(f"{USER}:{USER}".encode()).decode()

    async def __aenter__(self) -> RawHttp:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.writer.close()

    async def post(self, target: str) -> int:
        self.writer.write(
            f"POST {target} HTTP/1.1\r\nHost: bench\r\nAuthorization: Basic {self.auth}\r\n"
            "Content-Length: 0\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return int(head.split(b" ", 2)[1])


async def count_stasis_starts(port: int, target: int, done: asyncio.Event) -> None:
    url = f"ws://127.0.0.1:{port}/ari/events?app=voipbin&api_key={USER}:{USER}"
    seen = 0
    async with websockets.connect(url, max_size=None) as socket_:
        async for message in socket_:
            if '"StasisStart"' in str(message):
                seen += 1
                if seen >= target:
                    done.set()


async def originate_batch(
    port: int, first: int, count: int, concurrency: int, deadline: float
) -> tuple[int, float, float]:
    """Originate `count` calls; return (accepted, seconds to last reply, seconds until
    every StasisStart arrived)."""
    all_started = asyncio.Event()
    issued = 0

    async def worker(offset: int) -> None:
        nonlocal issued
        async with RawHttp(port) as http:
            for index in range(first + offset, first + count, concurrency):
                if time.monotonic() > deadline:
                    return
                status = await http.post(
                    "/ari/channels?endpoint=PJSIP/%2B15550000000@bench&app=voipbin"
                    f"&channelId=bench-{index}"
                )
                issued += status == 200

    counter = asyncio.create_task(count_stasis_starts(port, count, all_started))
    await asyncio.sleep(0.2)
    t0 = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    replies = time.perf_counter() - t0
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_started.wait(), max(1.0, deadline - time.monotonic()))
    in_stasis = time.perf_counter() - t0
    counter.cancel()
    return issued, replies, in_stasis


async def run(calls: int, concurrency: int, budget: float) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "telephony.simulator", "--nodes", f"bench-1:{port}"],
        cwd=ROOT,
    )
    cores = os.sched_getaffinity(0)
    if len(cores) > 1:
        # The simulator gets one core to itself; this client runs on the others.
        os.sched_setaffinity(process.pid, {min(cores)})
        os.sched_setaffinity(0, cores - {min(cores)})
    sim = psutil.Process(process.pid)
    try:
        await wait_listening(port)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as control:
            # A party that answers at once and stays: one PJSIP channel per call.
            await control.put("/sim/parties/%2B15550000000", json={"script": [{"answer": True}]})
        deadline = time.monotonic() + budget
        # Batch 1 measures the rate; batch 2 measures memory once the allocator has
        # warmed up (the first batch's transient event buffers are reused, not counted).
        cpu_before = sim.cpu_times()
        issued, replies, in_stasis = await originate_batch(port, 0, calls, concurrency, deadline)
        cpu_after = sim.cpu_times()
        rss_before = sim.memory_info().rss
        more, _, _ = await originate_batch(port, calls, calls, concurrency, deadline)
        rss_after = sim.memory_info().rss
        client = AriClient(base, USER, USER)
        live = len(await client.list_channels())
        cpu_busy = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        idle_before = sim.cpu_times()
        await asyncio.sleep(2.0)
        idle_after = sim.cpu_times()
        idle_cpu = (idle_after.user + idle_after.system) - (idle_before.user + idle_before.system)

        # Event latency through the real client (typed events), with every channel live:
        # latency = receipt time - the event's own timestamp (1 ms resolution).
        latencies: list[float] = []

        async def on_item(item: object) -> None:
            if isinstance(item, ChannelVarset) and item.variable == "BENCH":
                latencies.append((time.time() - item.at.timestamp()) * 1000)

        registry = NodeRegistry([AriNode("bench-1", base, USER, USER)])
        async with EventStream(registry, "voipbin") as stream:
            stream.on(on_item)
            await asyncio.wait_for(stream.wait_connected(), 5)
            for index in range(300):
                await client.set_variable(f"bench-{index % max(1, live)}", "BENCH", str(index))
                await asyncio.sleep(0.002)
            await asyncio.sleep(0.3)
        await client.aclose()
        await registry.aclose()

        print(
            f"simulator bench ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC), one node pinned to one core"
        )
        print(f"  originates (batch 1)        {issued} of {calls} (concurrency {concurrency})")
        print(f"  originate replies           {issued / replies:8.0f} /s  ({replies:.2f} s)")
        print(f"  answered, in Stasis         {issued / in_stasis:8.0f} /s  ({in_stasis:.2f} s)")
        print(f"  simulator CPU during set-up {cpu_busy / in_stasis * 100:8.0f} %")
        print(f"  live channels held          {live:8d}")
        print(f"  idle CPU holding them       {idle_cpu / 2.0 * 100:8.1f} %")
        per_thousand = (rss_after - rss_before) / max(1, more) * 1000 / 2**20
        print(
            f"  RSS                         {rss_after / 2**20:8.1f} MiB "
            f"(+{per_thousand:.2f} MiB per 1,000 more live channels, batch 2)"
        )
        if latencies:
            print(
                f"  event latency p50 / p99     {percentile(latencies, 0.5):8.2f} / "
                f"{percentile(latencies, 0.99):.2f} ms  ({len(latencies)} ChannelVarset events)"
            )
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000, help="per batch (two batches)")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--budget", type=float, default=35.0, help="seconds for set-up")
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.concurrency, args.budget))


if __name__ == "__main__":
    main()
