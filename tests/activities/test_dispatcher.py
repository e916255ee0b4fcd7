"""The dispatcher spreads new channels over healthy nodes and skips a down node."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from tests.bridge.conftest import SimNodes, eventually, running_bridge
from voipbin.config import AriSettings
from voipbin.services import Services
from voipbin.telephony_nodes import NodeConfigError, NoHealthyNode, parse_nodes


async def test_ten_channels_spread_over_two_nodes_and_a_down_node_is_skipped(
    services: Services, sim: SimNodes, platform_customer_id: uuid.UUID
) -> None:
    async with running_bridge(services, sim, platform_customer_id) as running:
        dispatcher = running.pool.dispatcher
        first, second = sim.names
        # given two healthy call nodes, when 10 new channels are placed
        channels = [str(uuid.uuid4()) for _ in range(10)]
        placed = {channel: await dispatcher.pick("call", channel) for channel in channels}
        # then each node takes half, and each channel's node is remembered
        assert Counter(placed.values()) == {first: 5, second: 5}
        for channel, node in placed.items():
            assert await dispatcher.node_of(channel) == node
        assert await dispatcher.load() == {first: 5, second: 5}
        # a retried placement keeps its node
        assert await dispatcher.pick("call", channels[3]) == placed[channels[3]]
        assert await dispatcher.load() == {first: 5, second: 5}

        # when the second node crashes
        sim.simulator.crash(second)
        async with asyncio.timeout(2.0):
            await running.lost_event.wait()
        # then new channels all go to the first node, even if the second is less loaded
        for channel in channels[:4]:
            await dispatcher.release(channel, placed[channel])
        more = [await dispatcher.pick("call", str(uuid.uuid4())) for _ in range(3)]
        assert more == [first, first, first]
        # and a channel of the dead node placed again moves off it
        moved = next(c for c in channels[4:] if placed[c] == second)
        assert await dispatcher.pick("call", moved) == first
        assert moved not in await dispatcher.channels_on(second)

        # when no node of the role is healthy, placement says so
        with pytest.raises(NoHealthyNode):
            await dispatcher.pick("conference", str(uuid.uuid4()))
        sim.simulator.crash(first)

        async def both_down() -> bool:
            return not await dispatcher.healthy("call")

        await eventually(both_down)
        with pytest.raises(NoHealthyNode):
            await dispatcher.pick("call", str(uuid.uuid4()))


def test_nodes_setting_parses_roles_and_refuses_bad_items() -> None:
    nodes = parse_nodes(
        AriSettings(nodes="call-1=http://127.0.0.1:18088, conference:conf-a=http://h:8088/")
    )
    assert [(n.name, n.farm, n.base_url) for n in nodes] == [
        ("call-1", "call", "http://127.0.0.1:18088"),
        ("conf-a", "conference", "http://h:8088"),
    ]
    for bad in ("call-1", "call-1=ftp://x", "pbx:x-1=http://h", "call-1=http://a,call-1=http://b"):
        with pytest.raises(NodeConfigError):
            parse_nodes(AriSettings(nodes=bad))
