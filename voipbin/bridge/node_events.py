"""What a node transition does: an outbox event, and for a dead node the recovery hook.

Events `node_down` / `node_up` belong to the platform customer (nodes are the
platform's, not a tenant's), resource type `node`, resource id uuid5 of the node name.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
import structlog
from sqlmodel import col

from telephony.ari.client import AriClient
from voipbin.bridge.sentinel import NodeChange
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.events.outbox import emit
from voipbin.telephony_nodes import DOWN, NodeDispatcher

log = structlog.get_logger(__name__)

NODE_NAMESPACE = uuid.UUID("8c1f2d0e-6a57-4c44-9d0b-52e0f4c7a1d3")
NODE_RESOURCE = "node"
NODE_DOWN = "node_down"
NODE_UP = "node_up"


def node_resource_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NODE_NAMESPACE, name)


@dataclass(frozen=True)
class LostNode:
    """Handed to the recovery hook: the dead node and the channels it held."""

    name: str
    role: str
    channel_ids: list[str]


OnNodeDown = Callable[[LostNode], Awaitable[None]]
OwnerLookup = Callable[[], Awaitable[uuid.UUID | None]]


async def log_recovery_hook(lost: LostNode) -> None:
    # Session recovery (moving live calls to a healthy node, spec telephony §7) is a
    # later issue; it starts here.
    log.warning("session recovery starts here", node=lost.name, channels=len(lost.channel_ids))


def platform_customer(sessions: SessionFactory) -> OwnerLookup:
    """The oldest live platform customer (seeded by `voipbin dev` / `create-admin`)."""

    async def lookup() -> uuid.UUID | None:
        async with sessions() as session:
            stmt = (
                sa.select(col(Customer.id))
                .where(col(Customer.is_platform).is_(True), col(Customer.tm_delete).is_(None))
                .order_by(col(Customer.tm_create))
                .limit(1)
            )
            found: uuid.UUID | None = (await session.execute(stmt)).scalar_one_or_none()
            return found

    return lookup


class NodeEvents:
    """The sentinel's `on_change`."""

    def __init__(
        self,
        sessions: SessionFactory,
        dispatcher: NodeDispatcher,
        owner: OwnerLookup,
        on_node_down: OnNodeDown = log_recovery_hook,
        clients: Mapping[str, AriClient] | None = None,
    ) -> None:
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._owner = owner
        self._on_node_down = on_node_down
        self._clients = clients or {}

    async def __call__(self, change: NodeChange) -> None:
        await self._emit(change)
        name = change.node.name
        if change.status == DOWN:
            channels = await self._dispatcher.channels_on(name)
            await self._on_node_down(LostNode(name, change.node.farm, channels))
        elif change.was == DOWN and name in self._clients:
            # Back up after being down: what it holds now is the truth (a crash took its
            # channels without ChannelDestroyed; events were missed while it was away).
            before = await self._dispatcher.channels_on(name)
            live = await self._clients[name].list_channels()
            await self._dispatcher.reconcile_channels(
                name, before, [channel.id for channel in live]
            )

    async def _emit(self, change: NodeChange) -> None:
        owner = await self._owner()
        if owner is None:
            log.warning(
                "node_event_not_recorded", node=change.node.name, reason="no platform customer"
            )
            return
        node = change.node
        async with transaction(self._sessions) as session:
            await emit(
                session,
                customer_id=owner,
                event_type=NODE_DOWN if change.status == DOWN else NODE_UP,
                resource_type=NODE_RESOURCE,
                resource_id=node_resource_id(node.name),
                data={
                    "id": str(node_resource_id(node.name)),
                    "name": node.name,
                    "role": node.farm,
                    "url": node.base_url,
                    "status": change.status,
                    "reason": change.reason,
                    "tm_update": utcnow().isoformat(),
                },
            )
