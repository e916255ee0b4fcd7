from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.audit import AuditLog, AuditLogFilter
from schema.common import Connection
from voipbin.audit.queries import AuditFilter


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Your customer's audit log, newest first (customer admin).")
    async def audit_logs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AuditLogFilter | None = None,
    ) -> Connection[AuditLog]:
        f = filter or AuditLogFilter()
        page = await info.context.services.audit.list_page(
            info.context.user,
            page_args(first, after, last, before),
            AuditFilter(
                action=f.action,
                resource_type=f.resource_type,
                resource_id=f.resource_id,
                actor_id=f.actor_id,
            ),
        )
        return Connection[AuditLog].from_page(page, AuditLog.from_model)
