"""Several simulated Asterisk nodes, each on its own port, that can crash and restart."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from telephony.simulator.app import Credentials, RequestLog, handle_events, handle_http
from telephony.simulator.audio import MediaLibrary
from telephony.simulator.control import control_routes
from telephony.simulator.core import PartyBook, SimAsterisk
from telephony.simulator.model import JsonDict

# Asterisk's sample ari.conf user; dev and tests use the same.
DEV_USER = "voipbin"
DEV_PASS = DEV_USER  # the sample config uses the user name as password
ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


@dataclass(frozen=True)
class NodeSpec:
    """A node: its name, where it listens, and its farm role (call/conference/registrar)."""

    name: str
    port: int
    host: str = "127.0.0.1"
    role: str = ""

    @property
    def farm(self) -> str:
        return self.role or self.name.rsplit("-", 1)[0]

    @classmethod
    def parse(cls, text: str, host: str = "127.0.0.1") -> list[NodeSpec]:
        """`call-1:18088,call-2:18089` → two specs."""
        specs = []
        for item in text.split(","):
            name, _, port = item.strip().rpartition(":")
            specs.append(cls(name, int(port), host))
        return specs


@dataclass(eq=False)
class SimulatorNode:
    spec: NodeSpec
    asterisk_id: str
    core: SimAsterisk | None = None
    log: RequestLog = field(default_factory=RequestLog)
    server: asyncio.Task[Any] | None = None
    shutdown: asyncio.Event = field(default_factory=asyncio.Event)


class Simulator:
    def __init__(
        self,
        specs: list[NodeSpec],
        *,
        recordings_dir: Path,
        username: str = DEV_USER,
        password: str = DEV_PASS,
        time_scale: float = 1.0,
        unscripted_answer_delay: float = 1.0,
    ) -> None:
        self.recordings_dir = recordings_dir
        self.credentials = Credentials(username, password)
        self.time_scale = time_scale
        self.parties = PartyBook(unscripted_answer_delay)
        self.library = MediaLibrary(recordings_dir)
        self.nodes = {
            spec.name: SimulatorNode(spec, f"02:00:00:a5:7e:{index + 1:02x}")
            for index, spec in enumerate(specs)
        }

    async def start(self) -> None:
        self.recordings_dir.mkdir(parents=True, exist_ok=True)
        for node in self.nodes.values():
            await self._start_node(node)

    async def stop(self) -> None:
        for node in self.nodes.values():
            self._halt(node)
        for node in self.nodes.values():
            await self._wait_stopped(node)

    def _asgi(self, node: SimulatorNode) -> Starlette:
        async def http(request: Request) -> Response:
            if node.core is None:
                return Response(status_code=503)
            return await handle_http(node.core, self.credentials, node.log, request)

        async def events(websocket: WebSocket) -> None:
            if node.core is not None:
                await handle_events(node.core, self.credentials, node.log, websocket)

        routes: list[BaseRoute] = [
            WebSocketRoute("/ari/events", events),
            *control_routes(self, node),
            Route("/{path:path}", http, methods=ALL_METHODS),
        ]
        return Starlette(routes=routes)

    async def _start_node(self, node: SimulatorNode) -> None:
        node.core = SimAsterisk(
            node.spec.name,
            node.asterisk_id,
            self.parties,
            self.library,
            self.recordings_dir,
            self.time_scale,
        )
        node.core.start()
        node.shutdown = asyncio.Event()
        config = Config()
        config.bind = [f"{node.spec.host}:{node.spec.port}"]
        config.graceful_timeout = 0.2
        config.accesslog = None
        config.errorlog = None
        config.websocket_ping_interval = None
        node.server = asyncio.create_task(
            serve(self._asgi(node), config, shutdown_trigger=node.shutdown.wait)  # type: ignore[arg-type]
        )
        await self._wait_listening(node)

    async def _wait_listening(self, node: SimulatorNode) -> None:
        for _ in range(200):
            if node.server is not None and node.server.done():
                node.server.result()  # surface a bind error
            try:
                _, writer = await asyncio.open_connection(node.spec.host, node.spec.port)
            except OSError:
                await asyncio.sleep(0.01)
                continue
            writer.close()
            return
        raise RuntimeError(f"simulator node {node.spec.name} did not start listening")

    def _halt(self, node: SimulatorNode) -> None:
        if node.core is not None:
            node.core.stop()
            node.core = None
        node.shutdown.set()

    async def _wait_stopped(self, node: SimulatorNode) -> None:
        if node.server is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(node.server, 5)
            node.server = None

    def crash(self, name: str) -> bool:
        """Kill a node: sockets drop, channels vanish without hangup events, port closes."""
        node = self.nodes.get(name)
        if node is None:
            return False
        self._halt(node)
        return True

    async def restart(self, name: str) -> bool:
        node = self.nodes.get(name)
        if node is None:
            return False
        self._halt(node)
        await self._wait_stopped(node)
        await self._start_node(node)
        return True

    def live_calls(self) -> list[JsonDict]:
        calls = []
        for node in self.nodes.values():
            if node.core is None:
                continue
            for channel in node.core.channels.values():
                call = node.core.calls.get(channel.id)
                calls.append(
                    {
                        "node": node.spec.name,
                        "id": channel.id,
                        "name": channel.name,
                        "state": channel.state,
                        "address": channel.address,
                        "stasis": channel.stasis_app is not None,
                        "bridge_id": channel.bridge_id,
                        "received_dtmf": call.received_dtmf
                        if call and call.ours is channel
                        else "",
                    }
                )
        return calls

    def describe_nodes(self) -> list[JsonDict]:
        return [
            {
                "name": node.spec.name,
                "host": node.spec.host,
                "port": node.spec.port,
                "role": node.spec.farm,
                "asterisk_id": node.asterisk_id,
                "up": node.core is not None,
            }
            for node in self.nodes.values()
        ]


async def run_simulator(
    nodes: list[NodeSpec],
    *,
    recordings_dir: Path | None = None,
    username: str = DEV_USER,
    password: str = DEV_PASS,
    time_scale: float = 1.0,
    unscripted_answer_delay: float = 1.0,
) -> None:
    """Serve every node until cancelled (what `voipbin dev` runs)."""
    with contextlib.ExitStack() as stack:
        if recordings_dir is None:
            recordings_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        simulator = Simulator(
            nodes,
            recordings_dir=recordings_dir,
            username=username,
            password=password,
            time_scale=time_scale,
            unscripted_answer_delay=unscripted_answer_delay,
        )
        await simulator.start()
        try:
            await asyncio.Event().wait()
        finally:
            await simulator.stop()
