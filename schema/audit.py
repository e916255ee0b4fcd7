from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from schema.agents import Agent
from voipbin.audit.models import AuditLog as AuditRow


@strawberry.type
class AuditLog:
    id: UUID
    actor_type: str
    actor_id: UUID | None
    action: str
    resource_type: str
    resource_id: UUID | None
    before: JSON | None
    after: JSON | None
    request_id: str
    source_ip: str
    tm_create: datetime

    @strawberry.field
    async def agent(self, info: strawberry.Info) -> Agent | None:
        """The acting agent, when an agent (not an access key) acted."""
        if self.actor_type != "agent" or self.actor_id is None:
            return None
        row = await info.context.loaders.agent_by_id.load(self.actor_id)
        return Agent.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: AuditRow) -> AuditLog:
        return cls(
            id=row.id,
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            action=row.action,
            resource_type=row.resource_type,
            resource_id=row.resource_id,
            before=row.before,  # type: ignore[arg-type]
            after=row.after,  # type: ignore[arg-type]
            request_id=row.request_id,
            source_ip=row.source_ip,
            tm_create=row.tm_create,
        )


@strawberry.input
class AuditLogFilter:
    action: str | None = None
    resource_type: str | None = None
    resource_id: UUID | None = None
    actor_id: UUID | None = None
