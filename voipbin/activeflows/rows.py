"""Activeflow rows written the same way by every path that makes or abandons one
(createActiveflow, createCall and inbound calls, on_complete chains)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.activeflows.models import Activeflow, ActiveflowStatus
from voipbin.calls.public import activeflow_data
from voipbin.db import utcnow
from voipbin.events.outbox import emit

START_FAILED = "start_failed"


async def insert_activeflow(session: AsyncSession, flow: Activeflow) -> None:
    """A new activeflow row and its `activeflow_created`, in the caller's transaction."""
    session.add(flow)  # emit flushes it first
    await emit(
        session,
        customer_id=flow.customer_id,
        event_type="activeflow_created",
        resource_type="activeflow",
        resource_id=flow.id,
        data=activeflow_data(flow),
    )


async def end_unstarted(
    session: AsyncSession, activeflow_id: UUID, error: str
) -> Activeflow | None:
    """The row ended with reason `start_failed` and `error`, its `activeflow_updated`
    emitted, in the caller's transaction; None when there is no such row. An already
    ended row is returned as it is."""
    row = await session.get(Activeflow, activeflow_id, with_for_update=True)
    if row is None or row.status == ActiveflowStatus.ENDED:
        return row
    row.status = ActiveflowStatus.ENDED.value
    row.end_reason = START_FAILED
    row.error = error[:2048]
    row.tm_update = utcnow()
    await emit(
        session,
        customer_id=row.customer_id,
        event_type="activeflow_updated",
        resource_type="activeflow",
        resource_id=row.id,
        data=activeflow_data(row),
    )
    return row
