"""Crashing a node: the client's event stream notices, the channels are gone without
hangup events, the port refuses connections, and a restart brings the node back empty."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from telephony.ari import (
    AriClient,
    AriNode,
    AriUnavailable,
    ConnectionState,
    EventStream,
    NodeRegistry,
)
from telephony.ari.connection import Backoff
from tests.telephony.conftest import PASSWORD, USER, Harness


async def next_state(stream: EventStream, node: str, connected: bool) -> ConnectionState:
    while True:
        item = await stream.next()
        if isinstance(item, ConnectionState) and item.node == node and item.connected == connected:
            return item


async def test_crash_is_seen_within_two_seconds_and_restart_is_empty(harness: Harness) -> None:
    registry = NodeRegistry(
        [
            AriNode("call-1", harness.url(0), USER, PASSWORD),
            AriNode("call-2", harness.url(1), USER, PASSWORD),
        ]
    )
    stream = EventStream(registry, "voipbin", backoff=Backoff(initial=0.05, maximum=0.2))
    node2 = await harness.recorder(node=1)
    async with stream:
        async with asyncio.timeout(5):
            await stream.wait_connected()
        on_node2 = registry.client("call-2")
        await on_node2.originate("Local/answer@far", app="voipbin", channel_id="doomed")
        await node2.wait_type("StasisStart", "doomed")
        registry.place("doomed", "call-2")

        loop = asyncio.get_running_loop()
        crashed_at = loop.time()
        assert (await harness.sim.post("/sim/nodes/call-2/crash")).status_code == 204
        lost = await asyncio.wait_for(next_state(stream, "call-2", False), 2)
        assert loop.time() - crashed_at < 2
        assert lost.error
        await asyncio.wait_for(node2.closed.wait(), 2)
        assert [
            e["type"]
            for e in node2.events
            if e["type"] in ("ChannelHangupRequest", "ChannelDestroyed", "StasisEnd")
        ] == []
        with pytest.raises(AriUnavailable):
            await on_node2.get_channel("doomed")
        with pytest.raises(httpx.ConnectError):
            await httpx.AsyncClient().get(f"{harness.url(1)}/ari/asterisk/ping")
        assert registry.channels_on("call-2") == ["doomed"]
        calls = (await harness.sim.get("/sim/calls")).json()
        assert all(c["node"] != "call-2" for c in calls)
        assert (await harness.client.ping()).ping == "pong"  # the other node is untouched

        assert (await harness.sim.post("/sim/nodes/call-2/restart")).status_code == 204
        await asyncio.wait_for(next_state(stream, "call-2", True), 3)
        assert await on_node2.list_channels() == []
    await registry.aclose()


async def test_client_reports_unreachable_node() -> None:
    async with AriClient("http://127.0.0.1:9", USER, PASSWORD, request_timeout=1) as client:
        with pytest.raises(AriUnavailable) as caught:
            await client.ping()
    assert caught.value.status is None
