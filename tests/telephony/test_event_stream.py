"""The client's event socket against the simulator: typed events tagged with their node,
callbacks, and a connect request that matches the Swagger `/events` operation."""

from __future__ import annotations

import asyncio

from telephony.ari import AriNode, EventStream, NodeRegistry
from telephony.ari.connection import StreamItem
from telephony.ari.events import ChannelDestroyed, Dial, StasisStart
from tests.telephony.conftest import PASSWORD, USER, Harness
from tests.telephony.contract.swagger import ari_spec


async def test_typed_events_from_two_nodes(harness: Harness) -> None:
    registry = NodeRegistry(
        [
            AriNode("call-1", harness.url(0), USER, PASSWORD),
            AriNode("call-2", harness.url(1), USER, PASSWORD),
        ]
    )
    seen: list[StreamItem] = []
    destroyed = asyncio.Event()

    async def collect(item: StreamItem) -> None:
        seen.append(item)
        if isinstance(item, ChannelDestroyed) and item.channel.id == "on-2":
            destroyed.set()

    async with EventStream(registry, "voipbin") as stream:
        stream.on(collect)
        await asyncio.wait_for(stream.wait_connected(), 5)
        await registry.client("call-2").originate(
            "Local/answer@far", app="voipbin", channel_id="on-2", app_args=["a=1"]
        )
        for _ in range(200):
            if any(isinstance(i, StasisStart) for i in seen):
                break
            await asyncio.sleep(0.01)
        await registry.client("call-2").hangup("on-2")
        await asyncio.wait_for(destroyed.wait(), 5)
    await registry.aclose()

    start = next(i for i in seen if isinstance(i, StasisStart))
    assert (start.node, start.channel.id, start.args) == ("call-2", "on-2", ["a=1"])
    assert start.asterisk_id == "02:00:00:a5:7e:02"
    dials = [i.dialstatus for i in seen if isinstance(i, Dial)]
    assert dials == ["", "ANSWER"]

    log = (await harness.sim.get("/sim/requests")).json()
    sockets = [r for r in log if r["path"] == "/ari/events"]
    assert sockets and sockets[0]["query"]["app"] == "voipbin"
    for request in sockets:
        assert ari_spec().check_request("GET", request["path"], request["query"], None) == []
