"""Node health: a crashed node is down within 2 s (outbox event, recovery hook with the
channels it took along), and back up after a restart."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from sqlmodel import col

from tests.bridge.conftest import SimNodes, eventually, running_bridge
from tests.bridge.test_bridge import place_inbound
from voipbin.bridge.node_events import NODE_DOWN, NODE_RESOURCE, NODE_UP, node_resource_id
from voipbin.events.models import OutboxEvent
from voipbin.services import Services


async def node_events(services: Services, customer_id: uuid.UUID, node: str) -> list[OutboxEvent]:
    async with services.sessions() as session:
        rows = await session.execute(
            sa.select(OutboxEvent)
            .where(
                col(OutboxEvent.customer_id) == customer_id,
                col(OutboxEvent.resource_type) == NODE_RESOURCE,
                col(OutboxEvent.resource_id) == node_resource_id(node),
            )
            .order_by(col(OutboxEvent.sequence))
        )
        return list(rows.scalars())


async def test_a_crashed_node_is_down_within_two_seconds_and_up_after_restart(
    services: Services, sim: SimNodes, platform_customer_id: uuid.UUID
) -> None:
    async with running_bridge(services, sim, platform_customer_id) as running:
        doomed = sim.names[1]
        # given a live inbound call on the second node, known to the dispatcher
        channel_id = await place_inbound(sim, [], node=1)

        async def placed() -> bool:
            return await running.pool.dispatcher.node_of(channel_id) == doomed

        await eventually(placed)

        # when the node crashes
        async with sim.control(0) as control:
            assert (await control.post(f"/sim/nodes/{doomed}/crash")).status_code == 204

        # then the sentinel reports it down within 2 s and calls the recovery hook
        async with asyncio.timeout(2.0):
            await running.lost_event.wait()
        assert [(lost.name, lost.role) for lost in running.lost] == [(doomed, "call")]
        assert channel_id in running.lost[0].channel_ids
        assert await running.node_accepts(doomed, accepts=False)
        assert await running.node_accepts(sim.names[0])
        events = await node_events(services, platform_customer_id, doomed)
        assert [e.event_type for e in events] == [NODE_UP, NODE_DOWN]
        down = events[-1]
        assert down.data["name"] == doomed and down.data["status"] == "down"
        assert down.data["reason"]

        # when it restarts, then it is up again (socket reconnected) and says so
        assert await sim.simulator.restart(doomed)
        await eventually(lambda: running.node_accepts(doomed))

        async def up_again() -> bool:
            found = await node_events(services, platform_customer_id, doomed)
            return [e.event_type for e in found] == [NODE_UP, NODE_DOWN, NODE_UP]

        await eventually(up_again)
        assert len(running.lost) == 1

        # the restarted node is empty, and the dispatcher's load figure comes to say so
        async def emptied() -> bool:
            return await running.pool.dispatcher.channels_on(doomed) == []

        await eventually(emptied)
