from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col

from voipbin.audit.models import AuditLog
from voipbin.events.models import OutboxEvent
from voipbin.services import Services


async def event_types(services: Services, resource_id: str) -> list[str]:
    """The outbox events of one resource, in order."""
    async with services.sessions() as session:
        rows = await session.execute(
            sa.select(col(OutboxEvent.event_type))
            .where(col(OutboxEvent.resource_id) == UUID(resource_id))
            .order_by(col(OutboxEvent.sequence))
        )
        return list(rows.scalars().all())


async def audit_actions(services: Services, resource_id: str) -> list[str]:
    """The audit log entries of one resource, oldest first."""
    async with services.sessions() as session:
        rows = await session.execute(
            sa.select(col(AuditLog.action))
            .where(col(AuditLog.resource_id) == UUID(resource_id))
            .order_by(col(AuditLog.tm_create))
        )
        return list(rows.scalars().all())
