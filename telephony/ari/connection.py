"""The ARI event WebSocket: one per node, reconnecting with exponential backoff.

Events come out typed and tagged with their node. A `ConnectionState` item is delivered
whenever a socket goes up or down, so the call engine notices a dead node at once
instead of waiting for channel health checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import orjson
import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from telephony.ari.events import AriEvent, parse_event
from telephony.ari.nodes import AriNode, NodeRegistry


@dataclass(frozen=True)
class ConnectionState:
    node: str
    connected: bool
    error: str = ""


StreamItem = AriEvent | ConnectionState
Callback = Callable[[StreamItem], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    initial: float = 0.2
    maximum: float = 10.0
    factor: float = 2.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        base = min(self.maximum, self.initial * self.factor**attempt)
        return base * random.uniform(1 - self.jitter, 1 + self.jitter)


class NodeConnection:
    """Keeps one node's event socket open and feeds `sink` until `close()`."""

    def __init__(
        self,
        node: AriNode,
        app: str,
        sink: Callable[[StreamItem], None],
        *,
        subscribe_all: bool = False,
        backoff: Backoff = Backoff(),
        heartbeat: float = 5.0,
    ) -> None:
        self.node = node
        self.app = app
        self.up = asyncio.Event()
        self._sink = sink
        self._subscribe_all = subscribe_all
        self._backoff = backoff
        self._heartbeat = heartbeat
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        query = urlencode(
            {
                "app": self.app,
                "api_key": f"{self.node.username}:{self.node.password}",
                "subscribeAll": "true" if self._subscribe_all else "false",
            }
        )
        return f"{self.node.events_url}?{query}"

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                async with websockets.connect(
                    self.url,
                    ping_interval=self._heartbeat,
                    ping_timeout=self._heartbeat,
                    open_timeout=5,
                    max_size=None,
                ) as socket:
                    attempt = 0
                    self.up.set()
                    self._sink(ConnectionState(self.node.name, True))
                    async for message in socket:
                        data = orjson.loads(message)
                        if isinstance(data, dict):
                            self._sink(parse_event(data, self.node.name))
                    error = "closed by the node"
            except (OSError, ConnectionClosed, InvalidHandshake, InvalidURI, TimeoutError) as exc:
                error = str(exc) or type(exc).__name__
            if self.up.is_set():
                self.up.clear()
                self._sink(ConnectionState(self.node.name, False, error))
            await asyncio.sleep(self._backoff.delay(attempt))
            attempt += 1


class EventStream:
    """Events of every node in a registry, merged: iterate, or register callbacks."""

    def __init__(
        self,
        nodes: NodeRegistry,
        app: str,
        *,
        subscribe_all: bool = False,
        backoff: Backoff = Backoff(),
    ) -> None:
        self._queue: asyncio.Queue[StreamItem] = asyncio.Queue()
        self._callbacks: list[Callback] = []
        self.connections = {
            node.name: NodeConnection(
                node, app, self._queue.put_nowait, subscribe_all=subscribe_all, backoff=backoff
            )
            for node in nodes
        }
        self._dispatcher: asyncio.Task[None] | None = None

    async def __aenter__(self) -> EventStream:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def start(self) -> None:
        for connection in self.connections.values():
            connection.start()

    async def close(self) -> None:
        for connection in self.connections.values():
            await connection.close()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher

    async def wait_connected(self) -> None:
        """Until every node's socket is up (wrap in `asyncio.timeout` to bound it)."""
        for connection in self.connections.values():
            await connection.up.wait()

    def on(self, callback: Callback) -> None:
        """Deliver every item to `callback` (instead of iterating)."""
        self._callbacks.append(callback)
        if self._dispatcher is None:
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())

    async def _dispatch(self) -> None:
        while True:
            item = await self._queue.get()
            for callback in list(self._callbacks):
                await callback(item)

    async def next(self) -> StreamItem:
        return await self._queue.get()

    async def __aiter__(self) -> AsyncIterator[StreamItem]:
        while True:
            yield await self._queue.get()
