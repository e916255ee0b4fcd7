"""Shared by event, webhook and workflow tests: a served app, a worker, a dispatcher, a
graphql-transport-ws client and a scripted webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect

from tests.helpers.ports import free_port
from voipbin.events.dispatcher import OutboxDispatcher
from voipbin.services import Services

WAIT = 20.0  # generous upper bound for something that must happen (not a timing assertion)


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """Runs an ASGI app with Hypercorn on a free port; yields its base URL."""
    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = "-"
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                await client.get(base + "/health")
                break
            await asyncio.sleep(0.02)
    try:
        yield base
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)


class DispatcherControl:
    """The session's outbox dispatcher, which a test may stop and start again."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.task: asyncio.Task[None] | None = None

    def build(self, cls: type[OutboxDispatcher] = OutboxDispatcher) -> OutboxDispatcher:
        s = self.services
        return cls(
            database_url=s.settings.database_url,
            sessions=s.sessions,
            redis=s.redis,
            settings=s.settings.events,
            on_published=s.webhooks.start_deliveries,
        )

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.build().run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            # Bounded, so a regression cannot hang the session: the dispatcher once kept
            # running after a driver swallowed its cancellation (now re-raised, see
            # `_honour_swallowed_cancel`), holding the leader lock.
            done, _ = await asyncio.wait({self.task}, timeout=10)
            assert done, "the outbox dispatcher ignored its cancellation for 10 s"
            self.task = None


@dataclass
class WsClient:
    """A graphql-transport-ws client that answers server pings."""

    conn: ClientConnection
    messages: dict[str, asyncio.Queue[dict[str, Any]]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None
    pings: int = 0

    @classmethod
    async def open(cls, base_url: str, authorization: str | None) -> WsClient:
        url = base_url.replace("http://", "ws://") + "/graphql"
        conn = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        client = cls(conn)
        payload = {"authorization": authorization} if authorization else {}
        await conn.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(conn.recv(), WAIT))
        if ack["type"] != "connection_ack":
            raise AssertionError(ack)
        client.reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.conn:
                msg = json.loads(raw)
                if msg["type"] == "ping":
                    self.pings += 1
                    await self.conn.send(json.dumps({"type": "pong"}))
                elif "id" in msg:
                    self.messages.setdefault(msg["id"], asyncio.Queue()).put_nowait(msg)

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        op_id = uuid.uuid4().hex
        self.messages.setdefault(op_id, asyncio.Queue())
        await self.conn.send(
            json.dumps(
                {
                    "id": op_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
        )
        return op_id

    async def next(self, op_id: str, timeout: float = WAIT) -> dict[str, Any]:
        return await asyncio.wait_for(self.messages[op_id].get(), timeout)

    async def close(self) -> None:
        await self.conn.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader


EVENTS = """subscription($topics:[String!]!,$after:ID){events(topics:$topics,afterEventId:$after)
{eventId eventType customerId agentId resourceType resourceId sequence data}}"""


@dataclass
class Script:
    responses: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    requests: asyncio.Queue[tuple[dict[str, str], bytes]] = field(default_factory=asyncio.Queue)


class Receiver:
    """A webhook receiver: per path, answers with scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.base_url = ""
        self.app = Starlette(
            routes=[Route("/hook/{name}", self._hook, methods=["POST", "PUT", "GET", "DELETE"])]
        )

    def endpoint(self, *statuses: int | tuple[int, dict[str, str]]) -> tuple[str, Script]:
        name = uuid.uuid4().hex
        script = Script(deque(s if isinstance(s, tuple) else (s, {}) for s in statuses))
        self.scripts[name] = script
        return f"{self.base_url}/hook/{name}", script

    async def _hook(self, request: Request) -> Response:
        script = self.scripts[request.path_params["name"]]
        body = await request.body()
        script.requests.put_nowait((dict(request.headers), body))
        status, headers = script.responses.popleft() if script.responses else (200, {})
        return Response(f"status {status}", status_code=status, headers=headers)
