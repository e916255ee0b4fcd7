"""Fixtures for the telephony tests: a running simulator, a contract-checked ARI client
and a raw event recorder. Every event and every client request seen through these
fixtures is validated against Asterisk's Swagger files when the test ends."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets

from telephony.ari.client import AriClient
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.telephony.contract.swagger import ari_spec

TIME_SCALE = 0.1  # simulated seconds run 10x faster in tests
USER = PASSWORD = "voipbin"

Event = dict[str, Any]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EventRecorder:
    """Collects raw event JSON from one `/ari/events` socket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: list[Event] = []
        self.closed = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        connected = asyncio.Event()
        self._task = asyncio.create_task(self._read(connected))
        await asyncio.wait_for(connected.wait(), 5)

    async def _read(self, connected: asyncio.Event) -> None:
        try:
            async with websockets.connect(self.url) as ws:
                connected.set()
                async for message in ws:
                    async with self._arrived:
                        self.events.append(orjson.loads(message))
                        self._arrived.notify_all()
        except (OSError, websockets.ConnectionClosed):
            pass
        finally:
            self.closed.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def wait_for(self, predicate: Callable[[Event], bool], timeout: float = 5.0) -> Event:
        async with asyncio.timeout(timeout), self._arrived:
            while True:
                for event in self.events:
                    if predicate(event):
                        return event
                await self._arrived.wait()

    async def wait_count(self, count: int, timeout: float = 3.0) -> bool:
        """Until `count` events have arrived; False if they did not within `timeout`."""
        try:
            async with asyncio.timeout(timeout), self._arrived:
                while len(self.events) < count:
                    await self._arrived.wait()
        except TimeoutError:
            return False
        return True

    async def wait_type(
        self, event_type: str, channel_id: str | None = None, **fields: Any
    ) -> Event:
        def matches(event: Event) -> bool:
            if event["type"] != event_type:
                return False
            if channel_id is not None:
                subject = event.get("channel") or event.get("peer") or {}
                if subject.get("id") != channel_id:
                    return False
            return all(event.get(k) == v for k, v in fields.items())

        return await self.wait_for(matches)

    def of(self, event_type: str, channel_id: str | None = None) -> list[Event]:
        return [
            e
            for e in self.events
            if e["type"] == event_type
            and (
                channel_id is None
                or (e.get("channel") or e.get("peer") or {}).get("id") == channel_id
            )
        ]


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, Any]
    body: Any
    status: int
    response: Any


class ContractTransport(httpx.AsyncBaseTransport):
    """Lets requests through and keeps each exchange for the Swagger checks."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[Exchange] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        query: dict[str, Any] = {}
        for key, value in request.url.params.multi_items():
            query[key] = [*query[key], value] if key in query else value
        body = orjson.loads(request.content) if request.content else None
        is_json = response.headers.get("content-type", "").startswith("application/json")
        self.exchanges.append(
            Exchange(
                request.method,
                request.url.path,
                query,
                body,
                response.status_code,
                orjson.loads(content) if is_json and content else None,
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Harness:
    simulator: Simulator
    specs: list[NodeSpec]
    transport: ContractTransport
    client: AriClient
    events: EventRecorder
    sim: httpx.AsyncClient
    raw: httpx.AsyncClient
    extra_recorders: list[EventRecorder] = field(default_factory=list)

    def url(self, node: int = 0) -> str:
        return f"http://127.0.0.1:{self.specs[node].port}"

    def events_url(self, node: int = 0, **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in {"app": "voipbin", **query}.items())
        return (
            f"ws://127.0.0.1:{self.specs[node].port}/ari/events?{params}&api_key={USER}:{PASSWORD}"
        )

    async def recorder(self, node: int = 0, **query: str) -> EventRecorder:
        recorder = EventRecorder(self.events_url(node, **query))
        await recorder.start()
        self.extra_recorders.append(recorder)
        return recorder

    async def sleep(self, simulated_seconds: float) -> None:
        await asyncio.sleep(simulated_seconds * TIME_SCALE)


def contract_errors(harness: Harness) -> list[str]:
    spec = ari_spec()
    errors: list[str] = []
    for recorder in [harness.events, *harness.extra_recorders]:
        for event in recorder.events:
            errors += spec.validate_event(event)
    for exchange in harness.transport.exchanges:
        errors += spec.check_request(exchange.method, exchange.path, exchange.query, exchange.body)
        operation = spec.operation(exchange.method, exchange.path)
        if operation is None or exchange.response is None:
            continue
        if exchange.status < 300 and operation.response_class not in ("void", "binary"):
            errors += spec.validate(exchange.response, operation.response_class, exchange.path)
        if exchange.status >= 400 and set(exchange.response) not in ({"message"}, {"error"}):
            errors.append(f"{exchange.path}: error body {exchange.response!r}")
    return errors


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    specs = [NodeSpec("call-1", free_port()), NodeSpec("call-2", free_port())]
    simulator = Simulator(
        specs,
        recordings_dir=tmp_path / "recordings",
        time_scale=TIME_SCALE,
        unscripted_answer_delay=0.5,
    )
    await simulator.start()
    transport = ContractTransport()
    base = f"http://127.0.0.1:{specs[0].port}"
    client = AriClient(base, USER, PASSWORD, transport=transport)
    sim = httpx.AsyncClient(base_url=base)
    raw = httpx.AsyncClient(base_url=f"{base}/ari", auth=(USER, PASSWORD))
    recorder = EventRecorder(
        f"ws://127.0.0.1:{specs[0].port}/ari/events?app=voipbin&api_key={USER}:{PASSWORD}"
    )
    await recorder.start()
    harness = Harness(simulator, specs, transport, client, recorder, sim, raw)
    try:
        yield harness
        errors = contract_errors(harness)
        assert not errors, "Swagger contract violations:\n" + "\n".join(errors[:30])
    finally:
        for each in [recorder, *harness.extra_recorders]:
            await each.stop()
        await client.aclose()
        await sim.aclose()
        await raw.aclose()
        await simulator.stop()
