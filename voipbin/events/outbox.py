"""The one helper every service calls to record an event with its state change (DESIGN §6).

The row is written in the caller's transaction, so an event exists if and only if the
change committed. `pg_notify` is transactional too: the dispatcher is woken at commit.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.events.models import OutboxEvent, ResourceSequence

NOTIFY_CHANNEL = "voipbin_outbox"


async def next_sequence(session: AsyncSession, resource_type: str, resource_id: UUID) -> int:
    stmt = (
        insert(ResourceSequence)
        .values(resource_type=resource_type, resource_id=resource_id, last_sequence=1)
        .on_conflict_do_update(
            index_elements=["resource_type", "resource_id"],
            set_={"last_sequence": ResourceSequence.last_sequence + 1},  # type: ignore[operator]
        )
        .returning(ResourceSequence.__table__.c.last_sequence)  # type: ignore[attr-defined]
    )
    return int((await session.execute(stmt)).scalar_one())


async def emit(
    session: AsyncSession,
    *,
    customer_id: UUID,
    event_type: str,
    resource_type: str,
    resource_id: UUID,
    data: dict[str, Any],
    agent_id: UUID | None = None,
) -> OutboxEvent:
    """Append an event to the outbox inside the caller's open transaction."""
    event = OutboxEvent(
        event_type=event_type,
        customer_id=customer_id,
        agent_id=agent_id,
        resource_type=resource_type,
        resource_id=resource_id,
        sequence=await next_sequence(session, resource_type, resource_id),
        data=data,
    )
    session.add(event)
    await session.flush()
    await session.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, str(event.position))))
    return event
