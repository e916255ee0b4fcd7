"""WebSocket upkeep: server pings, idle drop, connection limit, slow-consumer close."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from resolvers.http import create_app
from resolvers.ws import CLOSE_IDLE, CLOSE_SLOW_CONSUMER, CLOSE_TOO_MANY_CONNECTIONS
from tests.api.conftest import Api, Tenant
from tests.helpers.events import EVENTS, WAIT, DispatcherControl, WsClient, served
from voipbin.config import Settings
from voipbin.db import transaction
from voipbin.events.outbox import emit
from voipbin.services import Services, build_services


async def _raw(base_url: str, auth: str) -> tuple[ClientConnection, dict[str, object]]:
    """Connects and sends connection_init; returns the socket and the first answer."""
    # no client-side WebSocket pings: only the server's protocol pings matter here
    conn = await connect(
        base_url.replace("http", "ws") + "/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        max_queue=1,
        ping_interval=None,
    )
    await conn.send(json.dumps({"type": "connection_init", "payload": {"authorization": auth}}))
    try:
        first = json.loads(await asyncio.wait_for(conn.recv(), WAIT))
    except ConnectionClosed:
        first = {}
    return conn, first


async def _close_code(conn: ClientConnection) -> int | None:
    """Reads (and drops) whatever is left until the server closes; returns its code."""

    async def drain() -> None:
        try:
            while True:
                await conn.recv()
        except ConnectionClosed:
            return

    await asyncio.wait_for(drain(), WAIT)
    return conn.close_code


async def test_server_pings_and_drops_a_silent_peer(base_url: str, tenant: Tenant) -> None:
    # a well-behaved client is pinged and stays connected
    ws = await WsClient.open(base_url, tenant.auth)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while ws.pings < 2 and loop.time() < deadline:
        await asyncio.sleep(0.05)
    assert ws.pings >= 2
    # a peer that never answers (pong or anything) is closed as idle
    conn, ack = await _raw(base_url, tenant.auth)
    assert ack["type"] == "connection_ack"
    assert await _close_code(conn) == CLOSE_IDLE
    assert ws.conn.close_code is None  # the answering client is still open
    await ws.close()


async def test_connections_per_customer_are_limited(base_url: str, tenant: Tenant) -> None:
    clients = [await WsClient.open(base_url, tenant.auth) for _ in range(4)]
    conn, _ = await _raw(base_url, tenant.auth)
    assert await _close_code(conn) == CLOSE_TOO_MANY_CONNECTIONS
    # a freed slot can be used again
    await clients.pop().close()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        conn, first = await _raw(base_url, tenant.auth)
        if first.get("type") == "connection_ack" or loop.time() > deadline:
            break
        await asyncio.sleep(0.05)
    assert first.get("type") == "connection_ack"
    await conn.close()
    for c in clients:
        await c.close()


async def test_bad_credentials_close_with_4403(base_url: str) -> None:
    conn, _ = await _raw(base_url, "Bearer not-a-token")
    assert await _close_code(conn) == 4403


@pytest.fixture
async def small_buffer_app(event_settings: Settings) -> AsyncIterator[tuple[str, Services]]:
    settings = event_settings.model_copy(deep=True)
    settings.events.ws_buffer_size = 20
    # only the buffer may close it here: the never-reading client answers no pings either
    settings.events.ws_idle_timeout_seconds = 120.0
    services = build_services(settings)
    try:
        async with served(create_app(settings, services)) as url:
            yield url, services
    finally:
        await services.close()


async def test_slow_consumer_is_disconnected_with_4413(
    small_buffer_app: tuple[str, Services],
    api: Api,
    tenant: Tenant,
    dispatcher: DispatcherControl,
) -> None:
    url, services = small_buffer_app
    customer_id = uuid.UUID(tenant.customer_id)
    conn, ack = await _raw(url, tenant.auth)
    assert ack["type"] == "connection_ack"
    await conn.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": EVENTS,
                    "variables": {"topics": [f"customer_id:{customer_id}:flood"]},
                },
            }
        )
    )
    await asyncio.sleep(0.2)  # the subscription registers; the client then never reads
    filler = "x" * 5_000  # enough bytes to fill the socket buffers on both sides
    for _ in range(6):
        async with transaction(services.sessions) as session:
            for _ in range(500):
                await emit(
                    session,
                    customer_id=customer_id,
                    event_type="flood_updated",
                    resource_type="flood",
                    resource_id=uuid.uuid4(),
                    data={"f": filler},
                )
    assert await _close_code(conn) == CLOSE_SLOW_CONSUMER
