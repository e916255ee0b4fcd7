"""Append audit entries inside the caller's transaction (or their own for logins)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.audit.models import AuditLog
from voipbin.auth.principal import Principal, RequestMeta


async def record(
    session: AsyncSession,
    *,
    meta: RequestMeta,
    action: str,
    principal: Principal | None = None,
    customer_id: UUID | None = None,
    actor_type: str | None = None,
    actor_id: UUID | None = None,
    resource_type: str = "",
    resource_id: UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            customer_id=customer_id or (principal.customer_id if principal else None),
            actor_type=actor_type or (principal.actor_type if principal else "anonymous"),
            actor_id=actor_id or (principal.actor_id if principal else None),
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            before=before,
            after=after,
            request_id=meta.request_id[:64],
            source_ip=meta.source_ip[:64],
        )
    )
