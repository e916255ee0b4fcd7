"""Reading the audit log (customer admins see their own customer's entries)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlmodel import col

from voipbin.audit.models import AuditLog
from voipbin.auth.principal import ADMIN, Principal
from voipbin.db import SessionFactory
from voipbin.pagination import Page, PageArgs, paginate


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str | None = None
    resource_type: str | None = None
    resource_id: UUID | None = None
    actor_id: UUID | None = None


class AuditQueries:
    def __init__(self, sessions: SessionFactory, max_page_size: int) -> None:
        self._sessions = sessions
        self._max_page_size = max_page_size

    async def list_page(
        self, principal: Principal, args: PageArgs, flt: AuditFilter
    ) -> Page[AuditLog]:
        principal.require(ADMIN)
        where = [col(AuditLog.customer_id) == principal.customer_id]
        if flt.action:
            where.append(col(AuditLog.action) == flt.action)
        if flt.resource_type:
            where.append(col(AuditLog.resource_type) == flt.resource_type)
        if flt.resource_id:
            where.append(col(AuditLog.resource_id) == flt.resource_id)
        if flt.actor_id:
            where.append(col(AuditLog.actor_id) == flt.actor_id)
        async with self._sessions() as session:
            return await paginate(session, AuditLog, where, args, self._max_page_size)
